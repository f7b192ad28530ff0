// SPDX-License-Identifier: GPL-2.0
/*
 * Argument parsing: "xfrmwhy [GLOBAL OPTIONS] COMMAND [OPTIONS]".  Global
 * options may also follow the command.  Every mistake gets one line that
 * says what was wrong and what would be right, and exit code 1.
 */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include "cli.h"

enum opt_id {
	O_JSON = 256, O_NETNS, O_FAMILY, O_REASONS, O_RATE,
	O_RING, O_PEEK, O_NO_SAD, O_HELP,
};

#define BIT(o) (1u << ((o) - O_JSON))
#define GLOBAL_OPTS (BIT(O_JSON) | BIT(O_NETNS) | BIT(O_HELP))

static const struct option long_opts[] = {
	{ "json", no_argument, NULL, O_JSON },
	{ "netns", required_argument, NULL, O_NETNS },
	{ "family", required_argument, NULL, O_FAMILY },
	{ "reasons", required_argument, NULL, O_REASONS },
	{ "rate-limit", required_argument, NULL, O_RATE },
	{ "ring-size", required_argument, NULL, O_RING },
	{ "peek", no_argument, NULL, O_PEEK },
	{ "no-sad", no_argument, NULL, O_NO_SAD },
	{ "help", no_argument, NULL, O_HELP },
	{ NULL, 0, NULL, 0 },
};

static const struct {
	const char *name;
	enum xw_cmd cmd;
	unsigned int opts;	/* besides GLOBAL_OPTS */
	const char *usage;
} cmds[] = {
	{ "status", XW_CMD_STATUS, 0,
	  "Usage: xfrmwhy status [--json] [--netns NS]\n"
	  "Show whether the module is loaded, capture state, ring size and\n"
	  "event counters (recorded, lost, filtered, buffered), per CPU too.\n" },
	{ "enable", XW_CMD_ENABLE, BIT(O_FAMILY) | BIT(O_REASONS) | BIT(O_RATE) |
	  BIT(O_RING),
	  "Usage: xfrmwhy enable [--netns NS] [--family ipv4|ipv6|any]\n"
	  "                      [--reasons LIST] [--rate-limit N] [--ring-size N]\n"
	  "Start capturing rejected inbound packets.\n"
	  "  --family F       only packets of family F (default any)\n"
	  "  --reasons LIST   comma list of: tmpl_mismatch, no_policy, policy_block,\n"
	  "                   state_mismatch, hdr_error, policy_error, buffer_error,\n"
	  "                   unknown, or all\n"
	  "  --rate-limit N   at most N events per second per CPU (0 = no limit)\n"
	  "  --ring-size N    events buffered per CPU (16..65536)\n" },
	{ "disable", XW_CMD_DISABLE, 0,
	  "Usage: xfrmwhy disable [--netns NS]\n"
	  "Stop capturing; the hooks are removed, buffered events stay.\n" },
	{ "drain", XW_CMD_DRAIN, BIT(O_PEEK) | BIT(O_NO_SAD),
	  "Usage: xfrmwhy drain [--json] [--netns NS] [--peek] [--no-sad]\n"
	  "Print and consume the buffered events, each with its explanation.\n"
	  "  --peek     print without consuming\n"
	  "  --no-sad   do not look the expected SA up in the SAD\n" },
	{ "watch", XW_CMD_WATCH, BIT(O_NO_SAD),
	  "Usage: xfrmwhy watch [--json] [--netns NS] [--no-sad]\n"
	  "Print events as they happen until interrupted (Ctrl-C); the number\n"
	  "of events seen goes to stderr at the end.\n" },
	{ "summary", XW_CMD_SUMMARY, BIT(O_PEEK) | BIT(O_NO_SAD),
	  "Usage: xfrmwhy summary [--json] [--netns NS] [--peek] [--no-sad]\n"
	  "Consume (or --peek at) the buffered events and group them by\n"
	  "(reason, policy, SA) with counts, first and last time seen.\n" },
	{ "clear", XW_CMD_CLEAR, 0,
	  "Usage: xfrmwhy clear [--netns NS]\n"
	  "Discard the buffered events; counters of lost events stay.\n" },
};

#define NCMDS (sizeof(cmds) / sizeof(cmds[0]))

static const char main_usage[] =
	"Usage: xfrmwhy [--json] [--netns NAME|PID] COMMAND [OPTIONS]\n"
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
	"\n"
	"Global options:\n"
	"  --json            JSON Lines: one object per line\n"
	"  --netns NAME|PID  only the network namespace /run/netns/NAME or\n"
	"                    /proc/PID/ns/net\n"
	"  -h, --help        this help; 'xfrmwhy COMMAND --help' for a command\n"
	"\n"
	"Exit codes: 0 ok, 1 usage or other error, 2 module not loaded,\n"
	"3 permission denied (needs CAP_NET_ADMIN).\n";

int xw_parse_u32(const char *s, uint32_t min, uint32_t max, uint32_t *out)
{
	unsigned long long v;
	char *end;

	/* strtoull accepts "-1" and leading spaces; we do not. */
	if (!s || !isdigit((unsigned char)s[0]))
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || *end)
		return -EINVAL;
	if (v < min || v > max)
		return -ERANGE;
	*out = (uint32_t)v;
	return 0;
}

int xw_parse_reasons(const char *list, uint32_t *mask)
{
	char *copy, *tok, *save = NULL;
	uint32_t m = 0;
	int r = 0;

	if (!list || !*list)
		return -EINVAL;
	copy = strdup(list);
	if (!copy)
		return -ENOMEM;
	/* strtok_r would hide empty items ("a,,b"): reject them ourselves. */
	if (copy[0] == ',' || copy[strlen(copy) - 1] == ',' ||
	    strstr(copy, ",,")) {
		free(copy);
		return -EINVAL;
	}
	for (tok = strtok_r(copy, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		if (!strcmp(tok, "all")) {
			m |= (1u << __XFRMWHY_REASON_MAX) - 1;
			continue;
		}
		r = xw_reason_parse(tok);
		if (r < 0)
			break;
		m |= 1u << r;
	}
	free(copy);
	if (r < 0)
		return -EINVAL;
	*mask = m;
	return 0;
}

int xw_resolve_netns(const char *arg, uint32_t *ino, char *path, size_t len)
{
	struct stat st;
	const char *p;
	bool digits = *arg != '\0';

	for (p = arg; *p; p++)
		if (!isdigit((unsigned char)*p))
			digits = false;
	if (!*arg)
		return -EINVAL;
	if (arg[0] == '/')
		snprintf(path, len, "%s", arg);
	else if (digits)
		snprintf(path, len, "/proc/%s/ns/net", arg);
	else if (strchr(arg, '/') || !strcmp(arg, ".") || !strcmp(arg, ".."))
		return -EINVAL;
	else
		snprintf(path, len, "/run/netns/%s", arg);
	if (stat(path, &st) < 0)
		return -errno;
	*ino = (uint32_t)st.st_ino;
	return 0;
}

static const char *opt_name(int id)
{
	const struct option *lo;

	for (lo = long_opts; lo->name; lo++)
		if (lo->val == id)
			return lo->name;
	return "?";
}

/* Handle one option; returns -1 to go on or an exit code. */
static int apply(int id, const char *arg, const char *cmd, struct xw_opts *o,
		 FILE *err)
{
	char *path = o->netns_path;
	uint32_t v;
	int e;

	switch (id) {
	case O_JSON:
		o->json = true;
		break;
	case O_NETNS:
		e = xw_resolve_netns(arg, &o->netns, path,
				     sizeof(o->netns_path));
		if (e == -EINVAL) {
			fprintf(err, "xfrmwhy: --netns takes a name from 'ip netns list', a PID or a path, not '%s'\n",
				arg);
			return XW_EXIT_USAGE;
		}
		if (e < 0) {
			fprintf(err, "xfrmwhy: --netns %s: cannot use %s: %s (list namespaces with 'ip netns list'; a PID must be a running process)\n",
				arg, path, strerror(-e));
			return XW_EXIT_USAGE;
		}
		o->has_netns = true;
		break;
	case O_FAMILY:
		o->cfg.set_family = true;
		if (!strcmp(arg, "ipv4") || !strcmp(arg, "inet"))
			o->cfg.family = AF_INET;
		else if (!strcmp(arg, "ipv6") || !strcmp(arg, "inet6"))
			o->cfg.family = AF_INET6;
		else if (!strcmp(arg, "any"))
			o->cfg.family = 0;
		else {
			fprintf(err, "xfrmwhy %s: --family must be ipv4, ipv6 or any, not '%s'\n",
				cmd, arg);
			return XW_EXIT_USAGE;
		}
		break;
	case O_REASONS:
		if (xw_parse_reasons(arg, &o->cfg.reasons) < 0) {
			fprintf(err, "xfrmwhy %s: bad --reasons '%s': give a comma list of tmpl_mismatch, no_policy, policy_block, state_mismatch, hdr_error, policy_error, buffer_error, unknown (or all)\n",
				cmd, arg);
			return XW_EXIT_USAGE;
		}
		o->cfg.set_reasons = true;
		break;
	case O_RATE:
		if (xw_parse_u32(arg, 0, UINT32_MAX, &v) < 0) {
			fprintf(err, "xfrmwhy %s: --rate-limit must be a number of events per second per CPU (0 = no limit), not '%s'\n",
				cmd, arg);
			return XW_EXIT_USAGE;
		}
		o->cfg.set_rate_limit = true;
		o->cfg.rate_limit = v;
		break;
	case O_RING:
		if (xw_parse_u32(arg, XFRMWHY_RING_MIN, XFRMWHY_RING_MAX, &v) < 0) {
			fprintf(err, "xfrmwhy %s: --ring-size must be a number of events per CPU from %d to %d, not '%s'\n",
				cmd, XFRMWHY_RING_MIN, XFRMWHY_RING_MAX, arg);
			return XW_EXIT_USAGE;
		}
		o->cfg.set_ring_size = true;
		o->cfg.ring_size = v;
		break;
	case O_PEEK:
		o->peek = true;
		break;
	case O_NO_SAD:
		o->no_sad = true;
		break;
	}
	return -1;
}

/* getopt's own complaint, reworded to say what to do. */
static int bad_option(int c, char **argv, const char *cmd, FILE *err)
{
	char shortopt[3] = { '-', (char)optopt, '\0' };
	/* An unknown short option may sit inside a cluster ("-xj"). */
	const char *what = c == '?' && optopt > 0 && optopt < 256 ?
			   shortopt : argv[optind - 1];
	const char *sp = cmd ? " " : "", *cn = cmd ? cmd : "";

	if (c == ':')
		fprintf(err, "xfrmwhy%s%s: option %s needs a value (see 'xfrmwhy %s%s--help')\n",
			sp, cn, what, cn, sp);
	else
		fprintf(err, "xfrmwhy%s%s: unknown option '%s' (see 'xfrmwhy %s%s--help')\n",
			sp, cn, what, cn, sp);
	return XW_EXIT_USAGE;
}

int xw_parse_args(int argc, char **argv, struct xw_opts *o, FILE *out,
		  FILE *err)
{
	unsigned int allowed;
	const char *name;
	size_t ci;
	int c, r;

	memset(o, 0, sizeof(*o));
	opterr = 0;
	optind = 0;	/* full re-initialisation: tests parse many times */
	while ((c = getopt_long(argc, argv, "+:h", long_opts, NULL)) != -1) {
		if (c == 'h' || c == O_HELP) {
			fputs(main_usage, out);
			return XW_EXIT_OK;
		}
		if (c == '?' || c == ':')
			return bad_option(c, argv, NULL, err);
		if (!(BIT(c) & GLOBAL_OPTS)) {
			fprintf(err, "xfrmwhy: --%s goes after the command it belongs to (see 'xfrmwhy --help')\n",
				opt_name(c));
			return XW_EXIT_USAGE;
		}
		if ((r = apply(c, optarg, "", o, err)) >= 0)
			return r;
	}
	if (optind >= argc) {
		fprintf(err, "xfrmwhy: no command given; try 'xfrmwhy status' or 'xfrmwhy --help'\n");
		return XW_EXIT_USAGE;
	}
	name = argv[optind];
	for (ci = 0; ci < NCMDS; ci++)
		if (!strcmp(name, cmds[ci].name))
			break;
	if (ci == NCMDS) {
		if (!strcmp(name, "help")) {
			fputs(main_usage, out);
			return XW_EXIT_OK;
		}
		fprintf(err, "xfrmwhy: unknown command '%s'; commands are status, enable, disable, drain, watch, summary, clear (see 'xfrmwhy --help')\n",
			name);
		return XW_EXIT_USAGE;
	}
	o->cmd = cmds[ci].cmd;
	allowed = cmds[ci].opts | GLOBAL_OPTS;

	argc -= optind;
	argv += optind;
	optind = 0;
	while ((c = getopt_long(argc, argv, ":h", long_opts, NULL)) != -1) {
		if (c == 'h' || c == O_HELP) {
			fputs(cmds[ci].usage, out);
			return XW_EXIT_OK;
		}
		if (c == '?' || c == ':')
			return bad_option(c, argv, name, err);
		if (!(BIT(c) & allowed)) {
			fprintf(err, "xfrmwhy %s: --%s does not apply to '%s' (see 'xfrmwhy %s --help')\n",
				name, opt_name(c), name, name);
			return XW_EXIT_USAGE;
		}
		if ((r = apply(c, optarg, name, o, err)) >= 0)
			return r;
	}
	if (optind < argc) {
		fprintf(err, "xfrmwhy %s: unexpected argument '%s' (see 'xfrmwhy %s --help')\n",
			name, argv[optind], name);
		return XW_EXIT_USAGE;
	}
	if (o->cmd == XW_CMD_ENABLE || o->cmd == XW_CMD_DISABLE) {
		o->cfg.set_enabled = true;
		o->cfg.enabled = o->cmd == XW_CMD_ENABLE;
	}
	return -1;
}
