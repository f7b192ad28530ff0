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
	O_RING, O_PEEK, O_NO_SAD, O_JSON_OUT, O_FAIL_ON_DROP, O_EXPECT,
	O_VERSION, O_HELP,
};

#define BIT(o) (1u << ((o) - O_JSON))
#define GLOBAL_OPTS (BIT(O_JSON) | BIT(O_NETNS) | BIT(O_VERSION) | BIT(O_HELP))

static const struct option long_opts[] = {
	{ "json", no_argument, NULL, O_JSON },
	{ "netns", required_argument, NULL, O_NETNS },
	{ "family", required_argument, NULL, O_FAMILY },
	{ "reasons", required_argument, NULL, O_REASONS },
	{ "rate-limit", required_argument, NULL, O_RATE },
	{ "ring-size", required_argument, NULL, O_RING },
	{ "peek", no_argument, NULL, O_PEEK },
	{ "no-sad", no_argument, NULL, O_NO_SAD },
	{ "json-out", required_argument, NULL, O_JSON_OUT },
	{ "fail-on-drop", no_argument, NULL, O_FAIL_ON_DROP },
	{ "expect", required_argument, NULL, O_EXPECT },
	{ "version", no_argument, NULL, O_VERSION },
	{ "help", no_argument, NULL, O_HELP },
	{ NULL, 0, NULL, 0 },
};

/*
 * How a command's help shows each option (long_opts order); the global
 * ones and --help are described in the main usage.
 */
static const struct {
	const char *arg;	/* in the synopsis: [--family ipv4|ipv6|any] */
	const char *harg;	/* in the option's own line: --family F */
	const char *help;	/* NULL: made from a table (option_help()) */
} opt_docs[O_HELP - O_JSON + 1] = {
	[O_JSON - O_JSON]	= { NULL, NULL, NULL },
	[O_NETNS - O_JSON]	= { "NS", "NS", NULL },
	[O_FAMILY - O_JSON]	= { "ipv4|ipv6|any", "F",
				    "only packets of family F (default any)" },
	[O_REASONS - O_JSON]	= { "LIST", "LIST", NULL },
	[O_RATE - O_JSON]	= { "N", "N",
				    "at most N events per second per CPU (0 = no limit)" },
	[O_RING - O_JSON]	= { "N", "N", NULL },
	[O_PEEK - O_JSON]	= { NULL, NULL, "print without consuming" },
	[O_NO_SAD - O_JSON]	= { NULL, NULL,
				    "do not look the expected SA up in the SAD" },
	[O_JSON_OUT - O_JSON]	= { "FILE", "FILE",
				    "write the command's events to FILE as JSON Lines" },
	[O_FAIL_ON_DROP - O_JSON] = { NULL, NULL, NULL },
	[O_EXPECT - O_JSON]	= { "REASON[=N]", "REASON[=N]", NULL },
	[O_VERSION - O_JSON]	= { NULL, NULL, NULL },
	[O_HELP - O_JSON]	= { NULL, NULL, NULL },
};

static const struct {
	const char *name;
	enum xw_cmd cmd;
	unsigned int opts;	/* besides GLOBAL_OPTS */
	bool prints;		/* --json applies: in its synopsis */
	const char *summary;	/* its line in 'xfrmwhy --help' */
	const char *about;	/* 'xfrmwhy COMMAND --help', under the synopsis */
	const char *operands;	/* after the options in its synopsis */
} cmds[] = {
	{ "status", XW_CMD_STATUS, 0, true,
	  "module, capture state and counters",
	  "Show whether the module is loaded, capture state, ring size and\n"
	  "event counters (recorded, lost, filtered, buffered), per CPU too.\n", NULL },
	{ "enable", XW_CMD_ENABLE, BIT(O_FAMILY) | BIT(O_REASONS) | BIT(O_RATE) |
	  BIT(O_RING), false,
	  "start capturing (filters: --family, --reasons, --rate-limit, --ring-size)",
	  "Start capturing rejected inbound packets.\n", NULL },
	{ "disable", XW_CMD_DISABLE, 0, false,
	  "stop capturing",
	  "Stop capturing; the hooks are removed, buffered events stay.\n", NULL },
	{ "drain", XW_CMD_DRAIN, BIT(O_PEEK) | BIT(O_NO_SAD), true,
	  "print and consume buffered events (--peek keeps them)",
	  "Print and consume the buffered events, each with its explanation.\n", NULL },
	{ "watch", XW_CMD_WATCH, BIT(O_NO_SAD), true,
	  "print events live until Ctrl-C",
	  "Print events as they happen until interrupted (Ctrl-C); the number\n"
	  "of events seen goes to stderr at the end.\n", NULL },
	{ "summary", XW_CMD_SUMMARY, BIT(O_PEEK) | BIT(O_NO_SAD), true,
	  "group buffered events by reason, policy and SA",
	  "Consume (or --peek at) the buffered events and group them by\n"
	  "(reason, policy, SA) with counts, first and last time seen.\n", NULL },
	{ "clear", XW_CMD_CLEAR, 0, false,
	  "discard buffered events",
	  "Discard the buffered events; counters of lost events stay.\n", NULL },
	{ "run", XW_CMD_RUN, BIT(O_JSON_OUT) | BIT(O_FAIL_ON_DROP) |
	  BIT(O_EXPECT) | BIT(O_NO_SAD), false,
	  "run a command with capture on and report the drops it caused",
	  "Run CMD with capture on (joining a capture already on, else\n"
	  "enabling it and disabling it again after), then report the drops\n"
	  "recorded while it ran, in namespaces it deleted too: a summary on\n"
	  "stderr, the events in --json-out FILE.  The exit status is CMD's\n"
	  "(but see --fail-on-drop).\n",
	  "-- CMD [ARGS...]" },
};

#define NCMDS (sizeof(cmds) / sizeof(cmds[0]))

/* Help lines are at most this wide; longer ones wrap, indented. */
#define HELP_WIDTH 75

/* Words to out, wrapped at HELP_WIDTH: continuation lines start at indent. */
struct wrap {
	FILE *out;
	int col, indent;
};

/* After a label of col columns, already printed. */
static void wrap_at(struct wrap *w, FILE *out, int col)
{
	w->out = out;
	w->col = w->indent = col;
}

/* One unit that is never broken ("[--netns NS]", "tmpl_mismatch,"). */
static void wrap_word(struct wrap *w, const char *word)
{
	int len = (int)strlen(word);

	if (w->col > w->indent && w->col + 1 + len > HELP_WIDTH) {
		fprintf(w->out, "\n%*s", w->indent, "");
		w->col = w->indent;
	} else if (w->col > w->indent) {
		fputc(' ', w->out);
		w->col++;
	}
	fputs(word, w->out);
	w->col += len;
}

/* A sentence, word by word. */
static void wrap_text(struct wrap *w, const char *text)
{
	char word[128];
	size_t n;

	while (*text) {
		n = strcspn(text, " ");
		if (n) {
			snprintf(word, sizeof(word), "%.*s", (int)n, text);
			wrap_word(w, word);
		}
		text += n + (text[n] == ' ');
	}
}

/*
 * "tmpl_mismatch, no_policy, ..., unknown": every reason the CLI names, in
 * the uapi's order, with unknown (0), the catch-all, last.
 */
static void reason_list(char *buf, size_t len)
{
	size_t used = 0;
	int i;

	buf[0] = '\0';
	for (i = 1; i <= __XFRMWHY_REASON_MAX; i++) {
		int r = i % __XFRMWHY_REASON_MAX;

		if (used < len)
			used += (size_t)snprintf(buf + used, len - used, "%s%s",
						 i > 1 ? ", " : "",
						 xw_reason_name(r));
	}
}

/* "status, enable, ...": the commands, as the table has them. */
static void command_list(char *buf, size_t len)
{
	size_t ci, used = 0;

	buf[0] = '\0';
	for (ci = 0; ci < NCMDS && used < len; ci++)
		used += (size_t)snprintf(buf + used, len - used, "%s%s",
					 ci ? ", " : "", cmds[ci].name);
}

static const char *option_help(int id, char *buf, size_t len)
{
	char list[256];

	switch (id) {
	case O_REASONS:
		reason_list(list, sizeof(list));
		snprintf(buf, len, "comma list of: %s, or all", list);
		return buf;
	case O_RING:
		snprintf(buf, len, "events buffered per CPU (%d..%d)",
			 XFRMWHY_RING_MIN, XFRMWHY_RING_MAX);
		return buf;
	case O_FAIL_ON_DROP:
		snprintf(buf, len, "exit %d if CMD caused drops not declared with --expect",
			 XW_EXIT_DROPS);
		return buf;
	case O_EXPECT:
		reason_list(list, sizeof(list));
		snprintf(buf, len, "CMD may drop up to N packets (any number without =N) for REASON, one of: %s, or its XfrmIn* counter; repeatable",
			 list);
		return buf;
	}
	return opt_docs[id - O_JSON].help;
}

static const char *opt_name(int id);

/* Options of cmds[ci] in the order of long_opts, --help left out. */
static bool shows_opt(size_t ci, int id, bool synopsis)
{
	if (id == O_HELP)
		return false;
	if (id == O_JSON)
		return synopsis && cmds[ci].prints;
	if (id == O_NETNS)
		return synopsis;
	return BIT(id) & cmds[ci].opts;
}

static void cmd_usage(FILE *out, size_t ci)
{
	const struct option *lo;
	char buf[512];
	struct wrap w;
	int width = 0;

	wrap_at(&w, out, fprintf(out, "Usage: xfrmwhy %s ", cmds[ci].name));
	for (lo = long_opts; lo->name; lo++) {
		const char *arg = opt_docs[lo->val - O_JSON].arg;

		if (!shows_opt(ci, lo->val, true))
			continue;
		snprintf(buf, sizeof(buf), "[--%s%s%s]", lo->name,
			 arg ? " " : "", arg ? arg : "");
		wrap_word(&w, buf);
	}
	if (cmds[ci].operands)
		wrap_word(&w, cmds[ci].operands);
	fputc('\n', out);
	fputs(cmds[ci].about, out);
	/* The options' own lines, their help in one column. */
	for (lo = long_opts; lo->name; lo++) {
		const char *harg = opt_docs[lo->val - O_JSON].harg;
		int n = (int)(strlen(lo->name) + (harg ? strlen(harg) + 1 : 0));

		if (shows_opt(ci, lo->val, false) && n > width)
			width = n;
	}
	for (lo = long_opts; lo->name; lo++) {
		const char *harg = opt_docs[lo->val - O_JSON].harg;

		if (!shows_opt(ci, lo->val, false))
			continue;
		snprintf(buf, sizeof(buf), "--%s%s%s", lo->name,
			 harg ? " " : "", harg ? harg : "");
		wrap_at(&w, out, fprintf(out, "  %-*s   ", width + 2, buf));
		wrap_text(&w, option_help(lo->val, buf, sizeof(buf)));
		fputc('\n', out);
	}
}

static void main_usage(FILE *out)
{
	struct wrap w;
	size_t ci;

	fputs("Usage: xfrmwhy [-j|--json] [--netns NAME|PID] COMMAND [OPTIONS]\n"
	      "Explain why the kernel dropped inbound IPsec packets at the xfrm policy check.\n"
	      "\n"
	      "Commands:\n", out);
	for (ci = 0; ci < NCMDS; ci++) {
		wrap_at(&w, out, fprintf(out, "  %-8s  ", cmds[ci].name));
		wrap_text(&w, cmds[ci].summary);
		fputc('\n', out);
	}
	fputs("\n"
	      "Global options:\n"
	      "  -j, --json        JSON Lines: one object per line\n"
	      "  --netns NAME|PID  only the network namespace /run/netns/NAME or\n"
	      "                    /proc/PID/ns/net\n"
	      "  -V, --version     the CLI's version, then exit\n"
	      "  -h, --help        this help; 'xfrmwhy COMMAND --help' for a command\n"
	      "\n"
	      "Exit codes:\n", out);
#define XW_EXIT_HELP(name, code, text) fprintf(out, "  %d  %s\n", code, text);
	XW_EXIT_CODES(XW_EXIT_HELP)
#undef XW_EXIT_HELP
}

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
			char list[256];

			reason_list(list, sizeof(list));
			fprintf(err, "xfrmwhy %s: bad --reasons '%s': give a comma list of %s (or all)\n",
				cmd, arg, list);
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
	case O_JSON_OUT:
		if (!*arg) {
			fprintf(err, "xfrmwhy %s: --json-out needs a file name\n", cmd);
			return XW_EXIT_USAGE;
		}
		o->json_out = arg;
		break;
	case O_FAIL_ON_DROP:
		o->fail_on_drop = true;
		break;
	case O_EXPECT:
		if (o->nexpect == XW_MAX_EXPECT) {
			fprintf(err, "xfrmwhy %s: at most %d --expect options\n",
				cmd, XW_MAX_EXPECT);
			return XW_EXIT_USAGE;
		}
		if (xw_parse_expect(arg, &o->expect[o->nexpect]) < 0) {
			char list[256];

			reason_list(list, sizeof(list));
			fprintf(err, "xfrmwhy %s: bad --expect '%s': give REASON or REASON=N, REASON one of %s or its XfrmIn* counter\n",
				cmd, arg, list);
			return XW_EXIT_USAGE;
		}
		o->nexpect++;
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
	while ((c = getopt_long(argc, argv, "+:hjV", long_opts, NULL)) != -1) {
		if (c == 'h' || c == O_HELP) {
			main_usage(out);
			return XW_EXIT_OK;
		}
		if (c == 'V' || c == O_VERSION) {
			fprintf(out, "xfrmwhy %s\n", XW_VERSION);
			return XW_EXIT_OK;
		}
		if (c == 'j')
			c = O_JSON;
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
		char list[128];

		if (!strcmp(name, "help")) {
			main_usage(out);
			return XW_EXIT_OK;
		}
		command_list(list, sizeof(list));
		fprintf(err, "xfrmwhy: unknown command '%s'; commands are %s (see 'xfrmwhy --help')\n",
			name, list);
		return XW_EXIT_USAGE;
	}
	o->cmd = cmds[ci].cmd;
	allowed = cmds[ci].opts | GLOBAL_OPTS;

	argc -= optind;
	argv += optind;
	optind = 0;
	/* run: options up to the command ("+": no permuting past it). */
	while ((c = getopt_long(argc, argv, o->cmd == XW_CMD_RUN ? "+:hj" : ":hj",
				long_opts, NULL)) != -1) {
		if (c == 'h' || c == O_HELP) {
			cmd_usage(out, ci);
			return XW_EXIT_OK;
		}
		if (c == O_VERSION) {
			fprintf(out, "xfrmwhy %s\n", XW_VERSION);
			return XW_EXIT_OK;
		}
		if (c == 'j')
			c = O_JSON;
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
	if (o->cmd == XW_CMD_RUN) {
		if (optind >= argc) {
			fprintf(err, "xfrmwhy run: no command given: xfrmwhy run [OPTIONS] -- CMD [ARGS...]\n");
			return XW_EXIT_USAGE;
		}
		o->run_argv = argv + optind;
		if (o->nexpect && !o->fail_on_drop) {
			fprintf(err, "xfrmwhy run: --expect declares drops for --fail-on-drop; add --fail-on-drop\n");
			return XW_EXIT_USAGE;
		}
		return -1;
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
