/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The generic netlink family "xfrmwhy" seen from userspace: one function
 * per operation, results as plain structs, kernel errors as -errno with the
 * kernel's extack message kept for printing.
 */
#ifndef XFRMWHY_NL_H
#define XFRMWHY_NL_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include "event.h"

/* Returned by xw_nl_open() when the family is not registered. */
#define XW_ERR_NOFAMILY (-100000)

struct nl_sock;

struct xw_nl {
	struct nl_sock *sk;
	int family;
	char extack[512];	/* last extack message, as the kernel said it */
	char libnl_err[128];	/* what libnl said when the kernel said nothing */
};

/*
 * Which namespaces an operation covers: one netns by inode, or (no netns)
 * the kernel's default: all of them from the initial netns, else the
 * caller's own.
 */
struct xw_scope {
	bool has_netns;
	uint32_t netns;		/* netns inode */
};

struct xw_cpu_stats {
	uint32_t cpu;
	uint64_t recorded, lost, filtered;
	uint32_t buffered;
};

struct xw_status {
	bool has_version;
	char version[64];
	bool enabled;
	uint32_t ring_size;
	bool has_netns;
	uint32_t netns;
	bool all_netns;
	uint8_t filter_family;
	uint32_t filter_reasons;
	uint32_t rate_limit;
	bool has_hook_mode;
	uint8_t hook_mode;
	uint32_t features;
	uint64_t recorded, lost, filtered, missed, notify_lost;
	uint32_t buffered;
	int ncpus;
	struct xw_cpu_stats *cpus;	/* malloc'd, free with xw_status_free */
};

/* Only the fields whose set_* is true are sent. */
struct xw_config {
	bool set_enabled, enabled;
	bool set_ring_size;
	uint32_t ring_size;
	bool set_family;
	uint8_t family;
	bool set_reasons;
	uint32_t reasons;
	bool set_rate_limit;
	uint32_t rate_limit;
};

/* Return 0 to go on, non-zero to stop the dump/watch early. */
typedef int (*xw_event_cb)(const struct xw_event *ev, void *arg);

int xw_nl_open(struct xw_nl *nl);
void xw_nl_close(struct xw_nl *nl);

int xw_nl_status(struct xw_nl *nl, const struct xw_scope *sc,
		 struct xw_status *st);
void xw_status_free(struct xw_status *st);
int xw_nl_config(struct xw_nl *nl, const struct xw_scope *sc,
		 const struct xw_config *cfg);
int xw_nl_events(struct xw_nl *nl, const struct xw_scope *sc, bool peek,
		 xw_event_cb cb, void *arg);
int xw_nl_clear(struct xw_nl *nl, const struct xw_scope *sc);

/*
 * Join "events" and deliver XFRMWHY_CMD_EVENT notifications until *stop
 * becomes non-zero (set from a signal handler) or cb asks to stop.
 * *lost_notify counts socket overruns seen (ENOBUFS).
 */
int xw_nl_watch(struct xw_nl *nl, const struct xw_scope *sc,
		volatile sig_atomic_t *stop, xw_event_cb cb, void *arg,
		unsigned long *overruns);

/* Decode one family message (reply or notification) holding an event. */
int xw_nl_parse_event_msg(struct nl_msg *msg, struct xw_event *ev);

#endif
