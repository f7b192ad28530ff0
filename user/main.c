// SPDX-License-Identifier: GPL-2.0
/*
 * xfrmwhy: tell an IPsec operator why the kernel dropped inbound packets
 * at the xfrm policy check.  main() parses, opens the family, and runs one
 * command; everything else lives in files named for their concern.
 */
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "event.h"
#include "explain.h"
#include "nl.h"
#include "output.h"
#include "run.h"
#include "sad.h"
#include "summary.h"

/* The init netns has this fixed inode since Linux 6.x (PROC_NET_INIT_INO). */
#define NET_INIT_INO 0xEFFFFFF9u

static volatile sig_atomic_t stop_flag;

static void on_signal(int sig)
{
	(void)sig;
	stop_flag = 1;
}

static uint32_t self_netns(void)
{
	struct stat st;

	return stat("/proc/self/ns/net", &st) < 0 ? 0 : (uint32_t)st.st_ino;
}

/* Whether we run in the initial netns, where commands cover every netns. */
static bool in_init_netns(void)
{
	struct stat init;
	uint32_t self = self_netns();

	if (self == NET_INIT_INO)
		return true;
	/* Older kernels: compare with PID 1's, when we may look at it. */
	return stat("/proc/1/ns/net", &init) == 0 && self &&
	       (uint32_t)init.st_ino == self;
}

/* Report a failed operation and pick the exit code; says what to do. */
static int report(const char *what, int err, const struct xw_nl *nl)
{
	if (nl && nl->extack[0])
		fprintf(stderr, "xfrmwhy: the kernel said: %s\n", nl->extack);
	if ((err == -EPERM || err == -EACCES) && nl && nl->extack[0]) {
		/* The module said why (e.g. a global setting from a container). */
		fprintf(stderr, "xfrmwhy: %s: permission denied for the reason above\n",
			what);
		return XW_EXIT_PERM;
	}
	if (err == -EPERM || err == -EACCES) {
		fprintf(stderr, "xfrmwhy: %s: permission denied: xfrmwhy needs CAP_NET_ADMIN in the initial user namespace; run it as root on the host (e.g. sudo xfrmwhy ...)\n",
			what);
		return XW_EXIT_PERM;
	}
	if (err == -EBUSY) {
		fprintf(stderr, "xfrmwhy: %s: busy: the rings cannot be resized while capturing; run 'xfrmwhy disable' first, then 'xfrmwhy enable --ring-size N'\n",
			what);
		return XW_EXIT_USAGE;
	}
	if (err == -EOPNOTSUPP || err == -ENOENT) {
		fprintf(stderr, "xfrmwhy: %s: the loaded xfrmwhy module does not support this (%s); install the module and the CLI from the same version\n",
			what, strerror(-err));
		return XW_EXIT_USAGE;
	}
	if (err == -EINVAL || err == -ERANGE) {
		fprintf(stderr, "xfrmwhy: %s: the module rejected the request (%s)%s\n",
			what, strerror(-err), nl && nl->extack[0] ?
			"; fix what the kernel named above" :
			"; check the options with 'xfrmwhy --help'");
		return XW_EXIT_USAGE;
	}
	fprintf(stderr, "xfrmwhy: %s failed: %s%s%s; check 'dmesg' for xfrmwhy messages and retry\n",
		what, strerror(-err), nl && nl->libnl_err[0] ? " / " : "",
		nl && nl->libnl_err[0] ? nl->libnl_err : "");
	return XW_EXIT_USAGE;
}

/* A warning the kernel attached to a successful ACK. */
static void report_warning(const struct xw_nl *nl)
{
	if (nl->extack[0])
		fprintf(stderr, "xfrmwhy: the kernel said: %s\n", nl->extack);
}

static void not_loaded(bool json)
{
	struct xw_out out;

	if (json) {
		xw_out_init(&out, true, stdout);
		xw_output_not_loaded(&out);
	}
	fprintf(stderr, "xfrmwhy module not loaded: load it with 'modprobe xfrmwhy' (or insmod xfrmwhy.ko)\n");
}

static struct xw_scope make_scope(const struct xw_opts *o)
{
	/* Without --netns the kernel covers all netns from the init one. */
	struct xw_scope sc = { .has_netns = o->has_netns, .netns = o->netns };

	return sc;
}

/* watch without notifications: how often to drain. */
#define XW_WATCH_POLL_MS 200

/* Shared state of the event-printing commands. */
struct run {
	const struct xw_opts *o;
	struct xw_sad_cache sad;	/* per netns inode, for this run */
	bool refresh_sad;	/* watch: the SAD changes while we run */
	unsigned long count;
	struct xw_summary sum;
	int err;
};

/*
 * The SAD of the event's own netns (entered with setns when it is not
 * ours); only root may read it, and a netns we cannot find or enter just
 * leaves the correlation out.
 */
static void correlate(struct run *r, const struct xw_event *ev,
		      struct xw_sad_match *m)
{
	struct xw_sad probe = { .ok = true };

	memset(m, 0, sizeof(*m));
	if (r->o->no_sad || !ev->netns)
		return;
	/* Load the SAD only for events that can use it. */
	xw_sad_correlate(&probe, ev, m);
	if (!m->looked_up)
		return;
	/* Its inode may name another namespace by now: do not look there. */
	if (ev->netns_gone) {
		m->netns_gone = true;
		return;
	}
	xw_sad_correlate(xw_sad_cache_get(&r->sad, ev->netns,
					  r->refresh_sad ? 1 : -1), ev, m);
}

static void run_init(struct run *r, const struct xw_opts *o, bool watch)
{
	memset(r, 0, sizeof(*r));
	r->o = o;
	r->refresh_sad = watch;
	xw_sad_cache_init(&r->sad, self_netns(), o->has_netns ? o->netns : 0,
			  o->has_netns ? o->netns_path : NULL);
}

static void explain(struct run *r, const struct xw_event *ev, char *buf,
		    size_t len)
{
	struct xw_sad_match m;

	correlate(r, ev, &m);
	xw_explain(ev, &m, buf, len);
}

static int print_event(const struct xw_event *ev, void *arg)
{
	struct run *r = arg;
	char text[XW_EXPLAIN_MAX];
	struct xw_out out;

	explain(r, ev, text, sizeof(text));
	xw_out_init(&out, r->o->json, stdout);
	xw_output_event(&out, ev, text);
	fflush(stdout);
	r->count++;
	return 0;
}

static int group_event(const struct xw_event *ev, void *arg)
{
	struct run *r = arg;
	char text[XW_EXPLAIN_MAX];

	explain(r, ev, text, sizeof(text));
	if (xw_summary_add(&r->sum, ev, text) < 0) {
		r->err = -ENOMEM;
		return 1;
	}
	r->count++;
	return 0;
}

static int cmd_status(struct xw_nl *nl, const struct xw_opts *o)
{
	struct xw_scope sc = make_scope(o);
	struct xw_status st;
	struct xw_out out;
	int err = xw_nl_status(nl, &sc, &st);

	if (err < 0) {
		xw_status_free(&st);
		return report("status", err, nl);
	}
	xw_out_init(&out, o->json, stdout);
	xw_output_status(&out, &st);
	xw_status_free(&st);
	return XW_EXIT_OK;
}

static int cmd_config(struct xw_nl *nl, const struct xw_opts *o)
{
	struct xw_scope sc = make_scope(o);
	const char *what = o->cfg.enabled ? "enable" : "disable";
	struct xw_config cfg = o->cfg;
	int err;

	/*
	 * A plain enable means the documented defaults, not whatever filters
	 * an earlier enable of this scope left behind.
	 */
	if (cfg.enabled && !cfg.set_family) {
		cfg.set_family = true;
		cfg.family = 0;
	}
	if (cfg.enabled && !cfg.set_reasons) {
		cfg.set_reasons = true;
		cfg.reasons = 0;
	}
	err = xw_nl_config(nl, &sc, &cfg);

	if (err < 0)
		return report(what, err, nl);
	report_warning(nl);
	if (!o->json)
		printf("capture %s%s\n", o->cfg.enabled ? "enabled" : "disabled",
		       o->has_netns ? " for the given network namespace" :
		       !in_init_netns() ? " for this network namespace" :
		       o->cfg.enabled ? " for all network namespaces" :
		       " for all network namespaces (namespaces that enabled their own capture keep it)");
	return XW_EXIT_OK;
}

static int cmd_clear(struct xw_nl *nl, const struct xw_opts *o)
{
	struct xw_scope sc = make_scope(o);
	int err = xw_nl_clear(nl, &sc);

	if (err < 0)
		return report("clear", err, nl);
	report_warning(nl);
	return XW_EXIT_OK;
}

static int cmd_drain(struct xw_nl *nl, const struct xw_opts *o)
{
	struct xw_scope sc = make_scope(o);
	struct run r;
	int err;

	run_init(&r, o, false);
	err = xw_nl_events(nl, &sc, o->peek, print_event, &r);
	xw_sad_cache_free(&r.sad);
	if (err < 0)
		return report(o->peek ? "drain --peek" : "drain", err, nl);
	if (!o->json && !r.count)
		fprintf(stderr, "no events buffered%s\n",
			o->has_netns ? " for this netns" : "");
	return XW_EXIT_OK;
}

static int cmd_summary(struct xw_nl *nl, const struct xw_opts *o)
{
	struct xw_scope sc = make_scope(o);
	struct xw_out out;
	struct run r;
	int err;

	run_init(&r, o, false);
	err = xw_nl_events(nl, &sc, o->peek, group_event, &r);
	xw_sad_cache_free(&r.sad);
	if (!err)
		err = r.err;
	if (err < 0) {
		xw_summary_free(&r.sum);
		return report("summary", err, nl);
	}
	xw_summary_sort(&r.sum);
	xw_out_init(&out, o->json, stdout);
	xw_output_summary(&out, &r.sum);
	xw_summary_free(&r.sum);
	return XW_EXIT_OK;
}

static int cmd_watch(struct xw_nl *nl, const struct xw_opts *o)
{
	struct xw_scope sc = make_scope(o);
	struct run r;
	struct xw_status st;
	struct sigaction sa;
	unsigned long overruns = 0;
	bool notify;
	int err;

	/*
	 * Ask the module first: subscribing to the group is not a privileged
	 * operation on every kernel, and an unprivileged watcher would then
	 * wait forever instead of hearing "permission denied"; a bad --netns
	 * is reported here too.
	 */
	err = xw_nl_status(nl, &sc, &st);
	xw_status_free(&st);
	if (err < 0)
		return report("watch", err, nl);
	notify = st.features & (1u << XFRMWHY_FEATURE_NOTIFY);

	run_init(&r, o, true);
	/* No SA_RESTART: the signal must interrupt poll(). */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	if (notify) {
		err = xw_nl_watch(nl, &sc, &stop_flag, print_event, &r,
				  &overruns);
	} else {
		/*
		 * Where the group cannot be restricted to admins the module
		 * multicasts nothing: drain instead, a few times a second.
		 */
		fprintf(stderr, "xfrmwhy: this kernel has no admin-only multicast groups; watching by draining every %d ms\n",
			XW_WATCH_POLL_MS);
		err = 0;
		while (!stop_flag && err >= 0) {
			err = xw_nl_events(nl, &sc, false, print_event, &r);
			if (err >= 0 && !stop_flag)
				poll(NULL, 0, XW_WATCH_POLL_MS);
		}
		if (err == -EINTR)
			err = 0;
	}
	xw_sad_cache_free(&r.sad);
	if (err < 0)
		return report("watch", err, nl);
	if (overruns)
		fprintf(stderr, "xfrmwhy: the socket overflowed %lu times and notifications were lost; 'xfrmwhy status' counts them, 'xfrmwhy drain' still has the buffered events\n",
			overruns);
	fprintf(stderr, "%lu events\n", r.count);
	return XW_EXIT_OK;
}

/* The newest sequence number among the buffered events (0: none). */
static int newest_seq(const struct xw_event *ev, void *arg)
{
	uint64_t *seq = arg;

	if (ev->seq > *seq)
		*seq = ev->seq;
	return 0;
}

/* State of one "xfrmwhy run". */
struct run_cmd {
	struct run r;
	uint64_t after;		/* events with a higher seq are the command's */
	FILE *json;		/* --json-out, or NULL */
	uint64_t count[__XFRMWHY_REASON_MAX];
};

static int run_event(const struct xw_event *ev, void *arg)
{
	struct run_cmd *rc = arg;
	char text[XW_EXPLAIN_MAX];
	struct xw_out out;

	if (ev->seq <= rc->after)
		return 0;
	explain(&rc->r, ev, text, sizeof(text));
	if (rc->json) {
		xw_out_init(&out, true, rc->json);
		xw_output_event(&out, ev, text);
	}
	if (xw_summary_add(&rc->r.sum, ev, text) < 0) {
		rc->r.err = -ENOMEM;
		return 1;
	}
	rc->count[ev->reason < __XFRMWHY_REASON_MAX ? ev->reason : 0]++;
	rc->r.count++;
	return 0;
}

/* Report the expectations that the drops broke, on stderr. */
static void report_unexpected(const struct run_cmd *rc,
			      const struct xw_opts *o)
{
	int r;

	for (r = 0; r < __XFRMWHY_REASON_MAX; r++) {
		uint64_t one[__XFRMWHY_REASON_MAX] = { 0 };
		uint64_t extra;

		one[r] = rc->count[r];
		extra = xw_unexpected(one, o->expect, o->nexpect);
		if (extra)
			fprintf(stderr, "xfrmwhy run: %" PRIu64 " %s drops (%s) beyond what --expect declares\n",
				extra, xw_reason_name(r),
				xw_reason_counter(r) ? xw_reason_counter(r) : "no counter");
	}
}

/*
 * Capture on (joining one that is on), CMD, then the events recorded
 * after the last one buffered before it: those are CMD's.  Events that
 * were buffered before are left alone; so are CMD's when someone else's
 * capture or events share the rings (they are read with peek).
 */
static int cmd_run(struct xw_nl *nl, const struct xw_opts *o)
{
	struct xw_scope sc = make_scope(o);
	struct xw_config on = { .set_enabled = true, .enabled = true,
				.set_family = true, .set_reasons = true };
	struct xw_config off = { .set_enabled = true };
	struct xw_status st0, st1;
	struct run_cmd rc;
	struct xw_out out;
	bool owned, consume;
	int err, status;

	memset(&rc, 0, sizeof(rc));
	err = xw_nl_status(nl, &sc, &st0);
	xw_status_free(&st0);
	if (err < 0)
		return report("run", err, nl);
	err = xw_nl_events(nl, &sc, true, newest_seq, &rc.after);
	if (err < 0)
		return report("run", err, nl);
	if (o->json_out) {
		rc.json = fopen(o->json_out, "w");
		if (!rc.json) {
			fprintf(stderr, "xfrmwhy run: cannot write --json-out %s: %s\n",
				o->json_out, strerror(errno));
			return XW_EXIT_USAGE;
		}
	}
	owned = !st0.enabled;
	if (owned && (err = xw_nl_config(nl, &sc, &on)) < 0) {
		if (rc.json)
			fclose(rc.json);
		return report("run: enable", err, nl);
	}
	/* Consume only when nothing but CMD's events can be there. */
	consume = owned && !rc.after && !st0.buffered;

	status = xw_run_child(o->run_argv);

	run_init(&rc.r, o, false);
	err = xw_nl_events(nl, &sc, !consume, run_event, &rc);
	if (!err)
		err = rc.r.err;
	xw_sad_cache_free(&rc.r.sad);
	if (err >= 0)
		err = xw_nl_status(nl, &sc, &st1);
	if (owned) {
		int e = xw_nl_config(nl, &sc, &off);

		if (e < 0 && err >= 0)
			err = e;
	}
	if (rc.json && fclose(rc.json) && err >= 0) {
		fprintf(stderr, "xfrmwhy run: writing %s: %s\n", o->json_out,
			strerror(errno));
		err = -EIO;
	}
	if (err < 0) {
		xw_summary_free(&rc.r.sum);
		return err == -EIO ? XW_EXIT_USAGE : report("run", err, nl);
	}
	xw_summary_sort(&rc.r.sum);
	xw_out_init(&out, false, stderr);
	xw_output_summary(&out, &rc.r.sum);
	xw_summary_free(&rc.r.sum);
	fprintf(stderr, "xfrmwhy run: %lu drops recorded while %s ran; %" PRIu64 " lost, %" PRIu64 " filtered in that time%s%s\n",
		rc.r.count, o->run_argv[0], st1.lost - st0.lost,
		st1.filtered - st0.filtered, o->json_out ? "; events in " : "",
		o->json_out ? o->json_out : "");
	xw_status_free(&st1);
	if (status < 0) {
		fprintf(stderr, "xfrmwhy run: cannot start %s: %s\n",
			o->run_argv[0], strerror(-status));
		return XW_EXIT_USAGE;
	}
	if (o->fail_on_drop &&
	    xw_unexpected(rc.count, o->expect, o->nexpect)) {
		report_unexpected(&rc, o);
		return XW_EXIT_DROPS;
	}
	return status;
}

int main(int argc, char **argv)
{
	struct xw_opts o;
	struct xw_nl nl;
	int rc, err;

	rc = xw_parse_args(argc, argv, &o, stdout, stderr);
	if (rc >= 0)
		return rc;

	err = xw_nl_open(&nl);
	if (err == XW_ERR_NOFAMILY) {
		not_loaded(o.json && o.cmd == XW_CMD_STATUS);
		return XW_EXIT_NOT_LOADED;
	}
	if (err < 0)
		return report("opening generic netlink", err, &nl);

	switch (o.cmd) {
	case XW_CMD_STATUS:
		rc = cmd_status(&nl, &o);
		break;
	case XW_CMD_ENABLE:
	case XW_CMD_DISABLE:
		rc = cmd_config(&nl, &o);
		break;
	case XW_CMD_DRAIN:
		rc = cmd_drain(&nl, &o);
		break;
	case XW_CMD_WATCH:
		rc = cmd_watch(&nl, &o);
		break;
	case XW_CMD_SUMMARY:
		rc = cmd_summary(&nl, &o);
		break;
	case XW_CMD_CLEAR:
		rc = cmd_clear(&nl, &o);
		break;
	case XW_CMD_RUN:
		rc = cmd_run(&nl, &o);
		break;
	default:
		rc = XW_EXIT_USAGE;
	}
	xw_nl_close(&nl);
	return rc;
}
