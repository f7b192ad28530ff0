/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Command line parsing, kept out of main.c so that every bad argument can
 * be tested without a kernel module.
 */
#ifndef XFRMWHY_CLI_H
#define XFRMWHY_CLI_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "nl.h"
#include "run.h"

/*
 * Exit codes: the one list, which the help prints and scripts/doc-tables
 * renders into the admin guide's table ("Exit codes").
 */
#define XW_EXIT_CODES(X)						\
	X(OK, 0, "success")						\
	X(USAGE, 1, "usage error or another error; the message says what to do") \
	X(NOT_LOADED, 2, "the module is not loaded")			\
	X(PERM, 3, "permission denied (needs CAP_NET_ADMIN)")		\
	X(DROPS, 4, "run --fail-on-drop: the command caused drops that no --expect declares")

#define XW_EXIT_ENUM(name, code, text) XW_EXIT_##name = code,
enum { XW_EXIT_CODES(XW_EXIT_ENUM) };
#undef XW_EXIT_ENUM

enum xw_cmd {
	XW_CMD_STATUS,
	XW_CMD_ENABLE,
	XW_CMD_DISABLE,
	XW_CMD_DRAIN,
	XW_CMD_WATCH,
	XW_CMD_SUMMARY,
	XW_CMD_CLEAR,
	XW_CMD_RUN,
};

struct xw_opts {
	enum xw_cmd cmd;
	bool json;
	bool has_netns;
	uint32_t netns;		/* inode of --netns */
	char netns_path[PATH_MAX];	/* the file it was opened as */
	bool peek;		/* drain/summary --peek */
	bool no_sad;		/* --no-sad: skip the SAD correlation */
	struct xw_config cfg;	/* enable/disable */
	/* run */
	char **run_argv;	/* the command, NULL-terminated (in argv) */
	const char *json_out;	/* --json-out FILE */
	bool fail_on_drop;
	int nexpect;
	struct xw_expect expect[XW_MAX_EXPECT];
};

/* Parse argv.  Returns -1 to go on, else the exit code (help: 0). */
int xw_parse_args(int argc, char **argv, struct xw_opts *o, FILE *out,
		  FILE *err);

/* Helpers, exported for the tests. */
int xw_parse_reasons(const char *list, uint32_t *mask);
int xw_parse_u32(const char *s, uint32_t min, uint32_t max, uint32_t *out);
/* NAME -> /run/netns/NAME, PID -> /proc/PID/ns/net, /path as is. */
int xw_resolve_netns(const char *arg, uint32_t *ino, char *path, size_t len);

#endif
