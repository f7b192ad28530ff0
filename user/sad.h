/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Correlation with the current SAD: when a template names a reqid (or an
 * SPI) that the packet's SA did not have, is there an SA that would have
 * matched, and is it being used?  The lookup (NETLINK_XFRM) lives here; the
 * result is handed to the pure explain() as plain data.
 */
#ifndef XFRMWHY_SAD_H
#define XFRMWHY_SAD_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "event.h"

/* One SA of the SAD, as much of it as the correlation needs. */
struct xw_sad_entry {
	uint32_t spi;
	uint8_t proto;
	uint32_t reqid;
	uint8_t mode;
	struct xw_addr src, dst;
	uint64_t bytes, packets;
};

/* A snapshot of the SAD of one netns. */
struct xw_sad {
	struct xw_sad_entry *e;
	size_t n, cap;
	bool ok;		/* the dump worked (root, netns reachable) */
	time_t taken;		/* when, for refreshing while watching */
};

/* The SAs from one peer an XfrmInNoStates explanation names, at most. */
#define XW_SAD_PEER_MAX 3

/* What explain() says about the SAD; looked_up false = say nothing. */
struct xw_sad_match {
	bool looked_up;
	bool found;
	uint32_t want_spi, want_reqid;	/* what the template asked for */
	struct xw_addr peer;		/* outer source we looked for */
	struct xw_sad_entry sa;		/* the SA found */
	bool has_using_spi;
	uint32_t using_spi;		/* the SA the peer used instead */
	bool netns_gone;		/* no SAD left to look in */
	/*
	 * XfrmInNoStates: does an SA with the packet's SPI exist now (added
	 * since), and which SAs does this host have from that peer.
	 */
	bool nostate, spi_now;
	int npeer;			/* may exceed XW_SAD_PEER_MAX */
	struct xw_sad_entry peer_sa[XW_SAD_PEER_MAX];
};

/*
 * Dump the SAD (XFRM_MSG_GETSA) of the caller's netns into sad.  Returns 0,
 * or a negative error when the SAD cannot be read (no CAP_NET_ADMIN...):
 * callers then omit the correlation, nothing else.
 */
int xw_sad_load(struct xw_sad *sad);
/*
 * The same for the netns at nspath (/run/netns/NAME, /proc/PID/ns/net...),
 * which must still have inode ino (-ESTALE otherwise): the NETLINK_XFRM
 * socket is created there (setns, CAP_SYS_ADMIN needed) and the caller is
 * back in its own netns before the dump.  nspath NULL: the caller's netns.
 */
int xw_sad_load_in(struct xw_sad *sad, const char *nspath, uint32_t ino);
void xw_sad_free(struct xw_sad *sad);
int xw_sad_add(struct xw_sad *sad, const struct xw_sad_entry *e);

/*
 * Fill m for ev from the snapshot (pure: no I/O).  m->looked_up stays false
 * when the event has no failing template naming a reqid or SPI, or when the
 * snapshot is not usable.
 */
void xw_sad_correlate(const struct xw_sad *sad, const struct xw_event *ev,
		      struct xw_sad_match *m);

/*
 * Find a path that opens the netns with inode ino: an entry of run_dir
 * (normally /run/netns), else proc_dir/PID/ns/net of some process
 * (proc_dir normally /proc).  dev, when not 0, is the device
 * of the nsfs (st_dev of /proc/self/ns/net): other files never match.
 * Returns 0 with the path, or -ENOENT.
 */
int xw_netns_find(uint32_t ino, uint64_t dev, const char *run_dir,
		  const char *proc_dir, char *path, size_t len);

/* The SAD of one netns, loaded on first use. */
struct xw_sad_ns {
	uint32_t netns;
	bool resolved;		/* path known (or NULL: our own netns) */
	bool tried;		/* a load was attempted */
	char *path;
	struct xw_sad sad;
};

/*
 * SAD snapshots per netns inode, for one run of the CLI: events of other
 * namespaces are correlated with their own namespace's SAD.
 */
struct xw_sad_cache {
	struct xw_sad_ns *ns;
	size_t n, cap;
	uint32_t self_netns;	/* ours: loaded without setns */
	uint32_t hint_netns;	/* --netns, tried before any search */
	const char *hint_path;
	const char *run_dir, *proc_dir;	/* where to search (tests change them) */
	uint64_t nsfs_dev;	/* 0: do not check the device */
	/* The loader (tests replace it); xw_sad_load_in by default. */
	int (*load)(struct xw_sad *sad, const char *nspath, uint32_t ino);
};

/* self: our netns inode; hint_*: --netns (0 / NULL if none). */
void xw_sad_cache_init(struct xw_sad_cache *c, uint32_t self,
		       uint32_t hint_netns, const char *hint_path);
/*
 * The snapshot of netns, loaded on first use and again when older than
 * max_age seconds (max_age < 0: never again).  Never NULL; its ok is false
 * when the netns cannot be found or read.
 */
const struct xw_sad *xw_sad_cache_get(struct xw_sad_cache *c, uint32_t netns,
				      int max_age);
void xw_sad_cache_free(struct xw_sad_cache *c);

#endif
