// SPDX-License-Identifier: GPL-2.0
/*
 * "xfrmwhy run": declared drops and the child process.  The command
 * itself (capture, reading the events it caused) is in main.c.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "event.h"
#include "run.h"

int xw_parse_expect(const char *arg, struct xw_expect *e)
{
	char name[64];
	const char *eq = strchr(arg, '=');
	size_t n = eq ? (size_t)(eq - arg) : strlen(arg);
	uint32_t max;
	int r;

	if (!n || n >= sizeof(name))
		return -EINVAL;
	memcpy(name, arg, n);
	name[n] = '\0';
	r = xw_reason_parse(name);
	/* The counter's name, as /proc/net/xfrm_stat shows it, also works. */
	for (int i = 0; r < 0 && i < __XFRMWHY_REASON_MAX; i++) {
		const char *c = xw_reason_counter(i);

		if (c && !strcmp(c, name))
			r = i;
	}
	if (r < 0)
		return -EINVAL;
	memset(e, 0, sizeof(*e));
	e->reason = r;
	if (eq) {
		if (xw_parse_u32(eq + 1, 0, UINT32_MAX, &max) < 0)
			return -EINVAL;
		e->has_max = true;
		e->max = max;
	}
	return 0;
}

uint64_t xw_unexpected(const uint64_t count[__XFRMWHY_REASON_MAX],
		       const struct xw_expect *e, int n)
{
	uint64_t extra = 0;
	int r, i;

	for (r = 0; r < __XFRMWHY_REASON_MAX; r++) {
		bool declared = false, any = false;
		uint64_t allow = 0;

		for (i = 0; i < n; i++) {
			if (e[i].reason != r)
				continue;
			declared = true;
			if (!e[i].has_max)
				any = true;
			else if (e[i].max > allow)
				allow = e[i].max;
		}
		if (!declared)
			allow = 0;
		if (!any && count[r] > allow)
			extra += count[r] - allow;
	}
	return extra;
}

static volatile sig_atomic_t child_pid;

static void forward(int sig)
{
	if (child_pid > 0)
		kill((pid_t)child_pid, sig);
}

int xw_run_child(char *const argv[])
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };
	struct sigaction sa, old[3];
	int status, i;
	pid_t pid;

	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return -errno;
	if (!pid) {
		execvp(argv[0], argv);
		fprintf(stderr, "xfrmwhy run: cannot run %s: %s\n", argv[0],
			strerror(errno));
		_exit(127);
	}
	/* The terminal's Ctrl-C reaches the child too; kill(1)'s does not. */
	child_pid = pid;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = forward;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART;
	for (i = 0; i < 3; i++)
		sigaction(sigs[i], &sa, &old[i]);
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR) {
			status = -errno;
			goto out;
		}
	}
	status = WIFEXITED(status) ? WEXITSTATUS(status) :
		 WIFSIGNALED(status) ? 128 + WTERMSIG(status) : 1;
out:
	child_pid = 0;
	for (i = 0; i < 3; i++)
		sigaction(sigs[i], &old[i], NULL);
	return status;
}
