// SPDX-License-Identifier: GPL-2.0
/*
 * Argument parsing: every mistake exits 1 with a message that names the
 * problem; good arguments fill the options.  Then the built binary end to
 * end for the exit codes that need no module.
 */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../cli.h"
#include "tap.h"

/*
 * Parse first (unless NULL) and the NULL-terminated rest; *msg gets what
 * went to stderr, *out (if not NULL) what went to stdout.
 */
static int vparse(struct xw_opts *o, char **msg, char **out,
		  const char *first, va_list ap)
{
	char *argv[32], *stdout_buf = NULL;
	size_t elen = 0, olen = 0;
	FILE *err, *outf;
	int argc = 0, rc;

	argv[argc++] = "xfrmwhy";
	if (first)
		argv[argc++] = (char *)first;
	while (argc < 31 && (argv[argc] = va_arg(ap, char *)))
		argc++;
	argv[argc] = NULL;
	*msg = NULL;
	err = open_memstream(msg, &elen);
	outf = open_memstream(&stdout_buf, &olen);
	rc = xw_parse_args(argc, argv, o, outf, err);
	fclose(err);
	fclose(outf);
	if (out)
		*out = stdout_buf;
	else
		free(stdout_buf);
	return rc;
}

/* A NULL-terminated argv. */
static int parse(struct xw_opts *o, char **msg, ...)
{
	va_list ap;
	int rc;

	va_start(ap, msg);
	rc = vparse(o, msg, NULL, NULL, ap);
	va_end(ap);
	return rc;
}

/* What a help request printed (exit code 0, nothing on stderr). */
static char *help(const char *first, ...)
{
	struct xw_opts o;
	char *msg, *out;
	va_list ap;
	int rc;

	va_start(ap, first);
	rc = vparse(&o, &msg, &out, first, ap);
	va_end(ap);
	EXPECT_EQ(rc, 0);
	EXPECT_STR(msg, "");
	free(msg);
	return out;
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
	/* -j is --json (iproute2's habit), before or after the command. */
	EXPECT_EQ(parse(&o, &m, "-j", "drain", NULL), -1);
	free(m);
	EXPECT(o.json);
	EXPECT_EQ(parse(&o, &m, "summary", "-j", NULL), -1);
	free(m);
	EXPECT(o.json);
	/* --version and -V print the version and stop. */
	m = help("--version", NULL);
	EXPECT_STR(m, "xfrmwhy " XW_VERSION "\n");
	free(m);
	m = help("-V", "drain", NULL);
	EXPECT_STR(m, "xfrmwhy " XW_VERSION "\n");
	free(m);
	m = help("drain", "--version", NULL);
	EXPECT_STR(m, "xfrmwhy " XW_VERSION "\n");
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

/*
 * The help and the errors that list commands or reasons are built from
 * the CLI's tables: the exact texts, and they follow the tables.
 */
TEST(cli_help_from_tables)
{
	struct xw_opts o;
	char *m;

	m = help("--help", NULL);
	EXPECT_STR(m,
		"Usage: xfrmwhy [-j|--json] [--netns NAME|PID] COMMAND [OPTIONS]\n"
		"Explain why the kernel dropped inbound IPsec packets at the xfrm policy check.\n"
		"\n"
		"Commands:\n"
		"  status    module, capture state and counters\n"
		"  enable    start capturing (filters: --family, --reasons, --rate-limit,\n"
		"            --ring-size)\n"
		"  disable   stop capturing\n"
		"  drain     print and consume buffered events (--peek keeps them)\n"
		"  watch     print events live until Ctrl-C\n"
		"  summary   group buffered events by reason, policy and SA\n"
		"  clear     discard buffered events\n"
		"  run       run a command with capture on and report the drops it caused\n"
		"\n"
		"Global options:\n"
		"  -j, --json        JSON Lines: one object per line\n"
		"  --netns NAME|PID  only the network namespace /run/netns/NAME or\n"
		"                    /proc/PID/ns/net\n"
		"  -V, --version     the CLI's version, then exit\n"
		"  -h, --help        this help; 'xfrmwhy COMMAND --help' for a command\n"
		"\n"
		"Exit codes:\n"
		"  0  success\n"
		"  1  usage error or another error; the message says what to do\n"
		"  2  the module is not loaded\n"
		"  3  permission denied (needs CAP_NET_ADMIN)\n"
		"  4  run --fail-on-drop: the command caused drops that no --expect declares\n");
	free(m);
	m = help("help", NULL);
	EXPECT_CONTAINS(m, "\n  clear     discard buffered events\n");
	free(m);

	m = help("enable", "--help", NULL);
	EXPECT_STR(m,
		"Usage: xfrmwhy enable [--netns NS] [--family ipv4|ipv6|any]\n"
		"                      [--reasons LIST] [--rate-limit N] [--ring-size N]\n"
		"Start capturing rejected inbound packets.\n"
		"  --family F       only packets of family F (default any)\n"
		"  --reasons LIST   comma list of: tmpl_mismatch, no_policy, policy_block,\n"
		"                   state_mismatch, hdr_error, policy_error, buffer_error,\n"
		"                   no_state, unknown, or all\n"
		"  --rate-limit N   at most N events per second per CPU (0 = no limit)\n"
		"  --ring-size N    events buffered per CPU (16..65536)\n");
	free(m);
	m = help("drain", "-h", NULL);
	EXPECT_STR(m,
		"Usage: xfrmwhy drain [--json] [--netns NS] [--peek] [--no-sad]\n"
		"Print and consume the buffered events, each with its explanation.\n"
		"  --peek     print without consuming\n"
		"  --no-sad   do not look the expected SA up in the SAD\n");
	free(m);
	m = help("watch", "--help", NULL);
	EXPECT_STR(m,
		"Usage: xfrmwhy watch [--json] [--netns NS] [--no-sad]\n"
		"Print events as they happen until interrupted (Ctrl-C); the number\n"
		"of events seen goes to stderr at the end.\n"
		"  --no-sad   do not look the expected SA up in the SAD\n");
	free(m);
	m = help("run", "--help", NULL);
	EXPECT_STR(m,
		"Usage: xfrmwhy run [--netns NS] [--no-sad] [--json-out FILE]\n"
		"                   [--fail-on-drop] [--expect REASON[=N]] -- CMD [ARGS...]\n"
		"Run CMD with capture on (joining a capture already on, else\n"
		"enabling it and disabling it again after), then report the drops\n"
		"recorded while it ran, in namespaces it deleted too: a summary on\n"
		"stderr, the events in --json-out FILE.  The exit status is CMD's\n"
		"(but see --fail-on-drop).\n"
		"  --no-sad              do not look the expected SA up in the SAD\n"
		"  --json-out FILE       write the command's events to FILE as JSON Lines\n"
		"  --fail-on-drop        exit 4 if CMD caused drops not declared with\n"
		"                        --expect\n"
		"  --expect REASON[=N]   CMD may drop up to N packets (any number without\n"
		"                        =N) for REASON, one of: tmpl_mismatch, no_policy,\n"
		"                        policy_block, state_mismatch, hdr_error,\n"
		"                        policy_error, buffer_error, no_state, unknown, or\n"
		"                        its XfrmIn* counter; repeatable\n");
	free(m);
	m = help("clear", "--help", NULL);
	EXPECT_STR(m,
		"Usage: xfrmwhy clear [--netns NS]\n"
		"Discard the buffered events; counters of lost events stay.\n");
	free(m);

	EXPECT_EQ(parse(&o, &m, "frobnicate", NULL), 1);
	EXPECT_STR(m, "xfrmwhy: unknown command 'frobnicate'; commands are status, enable, disable, drain, watch, summary, clear, run (see 'xfrmwhy --help')\n");
	free(m);
	EXPECT_EQ(parse(&o, &m, "enable", "--reasons", "x", NULL), 1);
	EXPECT_STR(m, "xfrmwhy enable: bad --reasons 'x': give a comma list of tmpl_mismatch, no_policy, policy_block, state_mismatch, hdr_error, policy_error, buffer_error, no_state, unknown (or all)\n");
	free(m);
}

/* Every reason name the help lists is one --reasons accepts. */
TEST(cli_help_reasons_parse)
{
	char *m = help("enable", "--help", NULL), *list, *p;
	uint32_t mask = 0, one;
	int n = 0;

	list = strstr(m, "comma list of: ");
	EXPECT(list != NULL);
	if (!list) {
		free(m);
		return;
	}
	list += strlen("comma list of: ");
	for (p = strtok(list, " ,\n"); p && strcmp(p, "or"); p = strtok(NULL, " ,\n")) {
		EXPECT_EQ(xw_parse_reasons(p, &one), 0);
		mask |= one;
		n++;
	}
	EXPECT_EQ(n, __XFRMWHY_REASON_MAX);
	EXPECT_EQ(mask, (1u << __XFRMWHY_REASON_MAX) - 1);
	free(m);
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

/* run: options up to the command, which keeps its own options. */
TEST(cli_run)
{
	char *argv[] = { "xfrmwhy", "run", "--json-out", "/tmp/x.jsonl",
			 "--fail-on-drop", "--expect", "tmpl_mismatch=10",
			 "--expect", "XfrmInNoPols", "--", "ping", "-c", "1",
			 "--json", NULL };
	char *argv2[] = { "xfrmwhy", "run", "true", "--expect", "x", NULL };
	struct xw_opts o;
	char *msg;

	EXPECT_EQ(xw_parse_args(14, argv, &o, stdout, stderr), -1);
	EXPECT_EQ(o.cmd, XW_CMD_RUN);
	EXPECT_STR(o.json_out, "/tmp/x.jsonl");
	EXPECT(o.fail_on_drop);
	EXPECT_EQ(o.nexpect, 2);
	EXPECT_EQ(o.expect[0].reason, XFRMWHY_REASON_TMPL_MISMATCH);
	EXPECT(o.expect[0].has_max);
	EXPECT(o.expect[0].max == 10);
	EXPECT_EQ(o.expect[1].reason, XFRMWHY_REASON_NO_POLICY);
	EXPECT(!o.expect[1].has_max);
	EXPECT(o.run_argv == argv + 10);
	/* Without "--" the first word is the command, the rest its own. */
	EXPECT_EQ(xw_parse_args(5, argv2, &o, stdout, stderr), -1);
	EXPECT(o.run_argv == argv2 + 2);
	EXPECT_EQ(o.nexpect, 0);

	EXPECT_EQ(parse(&o, &msg, "run", NULL), 1);
	EXPECT_CONTAINS(msg, "no command given");
	free(msg);
	EXPECT_EQ(parse(&o, &msg, "run", "--expect", "tmpl_mismatch", "--",
			"true", NULL), 1);
	EXPECT_CONTAINS(msg, "add --fail-on-drop");
	free(msg);
	EXPECT_EQ(parse(&o, &msg, "run", "--fail-on-drop", "--expect",
			"tmpl=3", "--", "true", NULL), 1);
	EXPECT_CONTAINS(msg, "bad --expect 'tmpl=3'");
	free(msg);
	EXPECT_EQ(parse(&o, &msg, "run", "--fail-on-drop", "--expect",
			"no_policy=-1", "--", "true", NULL), 1);
	EXPECT_CONTAINS(msg, "bad --expect");
	free(msg);
	EXPECT_EQ(parse(&o, &msg, "run", "--peek", "--", "true", NULL), 1);
	EXPECT_CONTAINS(msg, "--peek does not apply to 'run'");
	free(msg);
}

/* What --fail-on-drop counts as undeclared. */
TEST(run_unexpected)
{
	uint64_t n[__XFRMWHY_REASON_MAX] = { 0 };
	struct xw_expect e[3] = { { 0 } };

	n[XFRMWHY_REASON_TMPL_MISMATCH] = 10;
	n[XFRMWHY_REASON_NO_POLICY] = 2;
	EXPECT(xw_unexpected(n, e, 0) == 12);
	EXPECT_EQ(xw_parse_expect("tmpl_mismatch=10", &e[0]), 0);
	EXPECT(xw_unexpected(n, e, 1) == 2);
	EXPECT_EQ(xw_parse_expect("XfrmInNoPols=1", &e[1]), 0);
	EXPECT(xw_unexpected(n, e, 2) == 1);
	/* Declared twice: the larger allowance; no =N: any number. */
	EXPECT_EQ(xw_parse_expect("no_policy", &e[2]), 0);
	EXPECT(xw_unexpected(n, e, 3) == 0);
	EXPECT_EQ(xw_parse_expect("tmpl_mismatch=9", &e[0]), 0);
	EXPECT(xw_unexpected(n, e, 3) == 1);
	EXPECT_EQ(xw_parse_expect("=3", &e[0]), -EINVAL);
	EXPECT_EQ(xw_parse_expect("XfrmInNoStates=2", &e[0]), 0);
	EXPECT_EQ(e[0].reason, XFRMWHY_REASON_NO_STATE);
	EXPECT_EQ(xw_parse_expect("XfrmOutNoStates", &e[0]), -EINVAL);
}

/* The child's status as a shell gives it; 127 when it cannot run. */
TEST(run_child_status)
{
	char *t[] = { "true", NULL };
	char *f[] = { "sh", "-c", "exit 7", NULL };
	char *k[] = { "sh", "-c", "kill -TERM $$", NULL };
	char *none[] = { "/nonexistent/xfrmwhy-test", NULL };

	EXPECT_EQ(xw_run_child(t), 0);
	EXPECT_EQ(xw_run_child(f), 7);
	EXPECT_EQ(xw_run_child(k), 128 + SIGTERM);
	EXPECT_EQ(xw_run_child(none), 127);
}
