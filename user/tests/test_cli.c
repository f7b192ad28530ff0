// SPDX-License-Identifier: GPL-2.0
/*
 * Argument parsing: every mistake exits 1 with a message that names the
 * problem; good arguments fill the options.  Then the built binary end to
 * end for the exit codes that need no module.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../cli.h"
#include "tap.h"

/* Parse a NULL-terminated argv; *msg gets what went to stderr. */
static int parse(struct xw_opts *o, char **msg, ...)
{
	char *argv[32], *out = NULL;
	size_t elen = 0, olen = 0;
	FILE *err, *outf;
	va_list ap;
	int argc = 0, rc;

	argv[argc++] = "xfrmwhy";
	va_start(ap, msg);
	while (argc < 31 && (argv[argc] = va_arg(ap, char *)))
		argc++;
	va_end(ap);
	argv[argc] = NULL;
	*msg = NULL;
	err = open_memstream(msg, &elen);
	outf = open_memstream(&out, &olen);
	rc = xw_parse_args(argc, argv, o, outf, err);
	fclose(err);
	fclose(outf);
	free(out);
	return rc;
}

#define EXPECT_USAGE(needle, ...) do {					\
	struct xw_opts _o;						\
	char *_m;							\
	EXPECT_EQ(parse(&_o, &_m, __VA_ARGS__, NULL), 1);		\
	EXPECT_CONTAINS(_m, needle);					\
	free(_m);							\
} while (0)

TEST(cli_unknown_command)
{
	EXPECT_USAGE("unknown command 'frobnicate'", "frobnicate");
	EXPECT_USAGE("no command given", "--json");
	EXPECT_USAGE("unknown option '--bogus'", "--bogus", "status");
}

TEST(cli_bad_reasons)
{
	EXPECT_USAGE("bad --reasons 'foo'", "enable", "--reasons", "foo");
	EXPECT_USAGE("bad --reasons 'tmpl_mismatch,foo'", "enable", "--reasons", "tmpl_mismatch,foo");
	EXPECT_USAGE("bad --reasons 'tmpl_mismatch,,no_policy'", "enable", "--reasons", "tmpl_mismatch,,no_policy");
	EXPECT_USAGE("bad --reasons 'no_policy,'", "enable", "--reasons", "no_policy,");
	EXPECT_USAGE("bad --reasons ''", "enable", "--reasons", "");
	EXPECT_USAGE("needs a value", "enable", "--reasons");
}

TEST(cli_good_reasons)
{
	struct xw_opts o;
	uint32_t mask = 0;
	char *m;

	EXPECT_EQ(parse(&o, &m, "enable", "--reasons", "tmpl_mismatch,no_policy", NULL), -1);
	free(m);
	EXPECT(o.cfg.set_reasons);
	EXPECT_EQ(o.cfg.reasons, (1u << XFRMWHY_REASON_TMPL_MISMATCH) |
				 (1u << XFRMWHY_REASON_NO_POLICY));
	EXPECT(o.cfg.set_enabled && o.cfg.enabled);
	EXPECT_EQ(xw_parse_reasons("all", &mask), 0);
	EXPECT_EQ(mask, (1u << __XFRMWHY_REASON_MAX) - 1);
	EXPECT_EQ(xw_parse_reasons("buffer_error,unknown", &mask), 0);
	EXPECT_EQ(mask, (1u << XFRMWHY_REASON_BUFFER_ERROR) | 1u);
}

TEST(cli_bad_ring_size)
{
	EXPECT_USAGE("--ring-size must be a number of events per CPU from 16 to 65536, not '15'", "enable", "--ring-size", "15");
	EXPECT_USAGE("not '65537'", "enable", "--ring-size", "65537");
	EXPECT_USAGE("not 'abc'", "enable", "--ring-size", "abc");
	EXPECT_USAGE("not '-5'", "enable", "--ring-size=-5");
	EXPECT_USAGE("not '64k'", "enable", "--ring-size", "64k");
	EXPECT_USAGE("not ''", "enable", "--ring-size", "");
	EXPECT_USAGE("not '99999999999999999999'", "enable", "--ring-size", "99999999999999999999");
	EXPECT_USAGE("--ring-size does not apply to 'drain'", "drain", "--ring-size", "64");
}

TEST(cli_good_enable)
{
	struct xw_opts o;
	char *m;

	EXPECT_EQ(parse(&o, &m, "enable", "--ring-size", "16", "--family", "ipv6",
			"--rate-limit", "0", NULL), -1);
	free(m);
	EXPECT_EQ(o.cmd, XW_CMD_ENABLE);
	EXPECT(o.cfg.set_ring_size && o.cfg.ring_size == 16);
	EXPECT(o.cfg.set_family && o.cfg.family == AF_INET6);
	EXPECT(o.cfg.set_rate_limit && o.cfg.rate_limit == 0);
	EXPECT(!o.cfg.set_reasons);
	EXPECT_EQ(parse(&o, &m, "enable", "--ring-size=65536", NULL), -1);
	free(m);
	EXPECT_EQ(o.cfg.ring_size, 65536);
	EXPECT_EQ(parse(&o, &m, "disable", NULL), -1);
	free(m);
	EXPECT(o.cfg.set_enabled && !o.cfg.enabled);
	EXPECT(!o.cfg.set_ring_size && !o.cfg.set_family);
}

TEST(cli_other_errors)
{
	EXPECT_USAGE("--family must be ipv4, ipv6 or any, not 'ipv5'", "enable", "--family", "ipv5");
	EXPECT_USAGE("--rate-limit must be a number", "enable", "--rate-limit", "fast");
	EXPECT_USAGE("unexpected argument 'extra'", "status", "extra");
	EXPECT_USAGE("--peek does not apply to 'watch'", "watch", "--peek");
	EXPECT_USAGE("--family goes after the command", "--family", "ipv4", "enable");
	EXPECT_USAGE("cannot use /run/netns/no-such-netns-xw", "--netns", "no-such-netns-xw", "drain");
	EXPECT_USAGE("--netns takes a name", "drain", "--netns", "a/b");
	EXPECT_USAGE("unknown option '-x'", "drain", "-x");
}

TEST(cli_globals_and_help)
{
	struct xw_opts o;
	struct stat st;
	char *m;

	EXPECT_EQ(parse(&o, &m, "--json", "drain", "--peek", NULL), -1);
	free(m);
	EXPECT(o.json && o.peek);
	EXPECT_EQ(o.cmd, XW_CMD_DRAIN);
	EXPECT_EQ(parse(&o, &m, "summary", "--json", "--no-sad", NULL), -1);
	free(m);
	EXPECT(o.json && o.no_sad && !o.peek);
	EXPECT_EQ(o.cmd, XW_CMD_SUMMARY);
	EXPECT_EQ(parse(&o, &m, "--help", NULL), 0);
	free(m);
	EXPECT_EQ(parse(&o, &m, "clear", "-h", NULL), 0);
	free(m);
	EXPECT_EQ(parse(&o, &m, "watch", "--help", NULL), 0);
	free(m);

	/* --netns with a path or a PID resolves to the netns inode. */
	EXPECT_EQ(stat("/proc/self/ns/net", &st), 0);
	EXPECT_EQ(parse(&o, &m, "--netns", "/proc/self/ns/net", "status", NULL), -1);
	free(m);
	EXPECT(o.has_netns);
	EXPECT_EQ(o.netns, (uint32_t)st.st_ino);
	{
		char pid[16];

		snprintf(pid, sizeof(pid), "%d", (int)getpid());
		EXPECT_EQ(parse(&o, &m, "status", "--netns", pid, NULL), -1);
		free(m);
		EXPECT_EQ(o.netns, (uint32_t)st.st_ino);
	}
}

/* Run the built binary; returns its exit code, stdout in *out. */
static int run(const char *args, char **out)
{
	char cmd[1024], buf[4096];
	size_t n;
	FILE *p;
	int st;

	snprintf(cmd, sizeof(cmd), "'%s' %s 2>/dev/null", tap_cli_path, args);
	p = popen(cmd, "r");
	if (!p)
		return -1;
	n = fread(buf, 1, sizeof(buf) - 1, p);
	buf[n] = '\0';
	st = pclose(p);
	if (out)
		*out = strdup(buf);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

TEST(cli_binary_exit_codes)
{
	char *out = NULL;

	if (!tap_cli_path) {
		tap_skip("no binary given to the runner");
		return;
	}
	EXPECT_EQ(run("frobnicate", NULL), 1);
	EXPECT_EQ(run("enable --reasons nope", NULL), 1);
	EXPECT_EQ(run("enable --ring-size 1", NULL), 1);
	EXPECT_EQ(run("", NULL), 1);
	EXPECT_EQ(run("--help", &out), 0);
	EXPECT_CONTAINS(out, "Usage: xfrmwhy");
	free(out);
}

/* Without the module (the host): exit 2, and loaded:false in JSON. */
TEST(cli_binary_not_loaded)
{
	struct xw_nl nl;
	char *out = NULL;
	int err;

	if (!tap_cli_path) {
		tap_skip("no binary given to the runner");
		return;
	}
	err = xw_nl_open(&nl);
	if (err != XW_ERR_NOFAMILY) {
		if (!err)
			xw_nl_close(&nl);
		tap_skip("the xfrmwhy family is registered here");
		return;
	}
	EXPECT_EQ(run("status", &out), 2);
	EXPECT_STR(out, "");
	free(out);
	EXPECT_EQ(run("status --json", &out), 2);
	EXPECT_STR(out, "{\"loaded\":false}\n");
	free(out);
	EXPECT_EQ(run("drain", NULL), 2);
	EXPECT_EQ(run("watch", NULL), 2);
}
