// SPDX-License-Identifier: GPL-2.0
/*
 * SAD snapshot over NETLINK_XFRM and its correlation with an event.  Raw
 * libnl-3 is enough: we only read struct xfrm_usersa_info of each SA.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <linux/netlink.h>
#include <linux/xfrm.h>
#include <netlink/netlink.h>
#include <netlink/msg.h>

#include "sad.h"

int xw_sad_add(struct xw_sad *sad, const struct xw_sad_entry *e)
{
	if (sad->n == sad->cap) {
		size_t cap = sad->cap ? 2 * sad->cap : 64;
		struct xw_sad_entry *ne = realloc(sad->e, cap * sizeof(*ne));

		if (!ne)
			return -ENOMEM;
		sad->e = ne;
		sad->cap = cap;
	}
	sad->e[sad->n++] = *e;
	return 0;
}

void xw_sad_free(struct xw_sad *sad)
{
	free(sad->e);
	memset(sad, 0, sizeof(*sad));
}

static void addr_from_xfrm(struct xw_addr *out, unsigned int family,
			   const xfrm_address_t *a)
{
	memset(out, 0, sizeof(*out));
	if (family == AF_INET) {
		out->family = AF_INET;
		memcpy(out->a, &a->a4, 4);
	} else if (family == AF_INET6) {
		out->family = AF_INET6;
		memcpy(out->a, a->a6, 16);
	}
}

static int sa_cb(struct nl_msg *msg, void *arg)
{
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct xfrm_usersa_info *p;
	struct xw_sad_entry e;

	if (nlh->nlmsg_type != XFRM_MSG_NEWSA ||
	    nlmsg_datalen(nlh) < (int)sizeof(*p))
		return NL_SKIP;
	p = nlmsg_data(nlh);
	memset(&e, 0, sizeof(e));
	e.spi = ntohl(p->id.spi);
	e.proto = p->id.proto;
	e.reqid = p->reqid;
	e.mode = p->mode;
	addr_from_xfrm(&e.src, p->family, &p->saddr);
	addr_from_xfrm(&e.dst, p->family, &p->id.daddr);
	e.bytes = p->curlft.bytes;
	e.packets = p->curlft.packets;
	return xw_sad_add(arg, &e) < 0 ? NL_STOP : NL_OK;
}

/*
 * Connect sk in the netns at nspath (inode ino) and come back: a netlink
 * socket stays in the netns it was created in.  Returns 0 or -errno.
 */
static int connect_in(struct nl_sock *sk, const char *nspath, uint32_t ino)
{
	struct stat st;
	int self, target, err;

	target = open(nspath, O_RDONLY | O_CLOEXEC);
	if (target < 0)
		return -errno;
	/* A /proc/PID path may now be another process's. */
	if (fstat(target, &st) < 0 || (uint32_t)st.st_ino != ino) {
		close(target);
		return -ESTALE;
	}
	self = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (self < 0) {
		err = -errno;
		close(target);
		return err;
	}
	if (setns(target, CLONE_NEWNET) < 0) {
		err = -errno;	/* EPERM without CAP_SYS_ADMIN: no correlation */
	} else {
		err = nl_connect(sk, NETLINK_XFRM) < 0 ? -EIO : 0;
		if (setns(self, CLONE_NEWNET) < 0) {
			/* Every later netns-relative step would be wrong. */
			fprintf(stderr, "xfrmwhy: cannot return to the original network namespace after reading the SAD of %s: %s\n",
				nspath, strerror(errno));
			exit(1);
		}
	}
	close(self);
	close(target);
	return err;
}

int xw_sad_load_in(struct xw_sad *sad, const char *nspath, uint32_t ino)
{
	struct nl_sock *sk;
	int err;

	sad->n = 0;
	sad->ok = false;
	sad->taken = time(NULL);
	sk = nl_socket_alloc();
	if (!sk)
		return -ENOMEM;
	if (nspath)
		err = connect_in(sk, nspath, ino);
	else
		err = nl_connect(sk, NETLINK_XFRM) < 0 ? -EIO : 0;
	if (!err)
		err = nl_socket_modify_cb(sk, NL_CB_VALID, NL_CB_CUSTOM,
					  sa_cb, sad) < 0 ? -EIO : 0;
	if (!err)
		err = nl_send_simple(sk, XFRM_MSG_GETSA, NLM_F_DUMP, NULL, 0) < 0 ?
		      -EIO : 0;
	if (!err) {
		err = nl_recvmsgs_default(sk);
		if (err == -NLE_PERM)
			err = -EPERM;
		else if (err < 0)
			err = -EIO;
	}
	nl_socket_free(sk);
	if (err < 0)
		return err;
	sad->ok = true;
	return 0;
}

int xw_sad_load(struct xw_sad *sad)
{
	return xw_sad_load_in(sad, NULL, 0);
}

/* path names a file of inode ino (on device dev, if not 0)? */
static bool same_ns(const char *path, uint32_t ino, uint64_t dev)
{
	struct stat st;

	return stat(path, &st) == 0 && (uint32_t)st.st_ino == ino &&
	       st.st_ino <= UINT32_MAX && (!dev || (uint64_t)st.st_dev == dev);
}

int xw_netns_find(uint32_t ino, uint64_t dev, const char *run_dir,
		  const char *proc_dir, char *path, size_t len)
{
	const char *dirs[2] = { run_dir, proc_dir };
	struct dirent *de;
	DIR *d;
	int i;

	if (!ino)
		return -ENOENT;
	for (i = 0; i < 2; i++) {
		if (!dirs[i] || !(d = opendir(dirs[i])))
			continue;
		while ((de = readdir(d))) {
			int n;

			if (de->d_name[0] == '.')
				continue;
			if (i == 1 && !isdigit((unsigned char)de->d_name[0]))
				continue;	/* /proc/PID only */
			n = snprintf(path, len, i ? "%s/%s/ns/net" : "%s/%s",
				     dirs[i], de->d_name);
			if (n < 0 || (size_t)n >= len)
				continue;
			if (same_ns(path, ino, dev)) {
				closedir(d);
				return 0;
			}
		}
		closedir(d);
	}
	if (len)
		path[0] = '\0';
	return -ENOENT;
}

void xw_sad_cache_init(struct xw_sad_cache *c, uint32_t self,
		       uint32_t hint_netns, const char *hint_path)
{
	struct stat st;

	memset(c, 0, sizeof(*c));
	c->self_netns = self;
	c->hint_netns = hint_path ? hint_netns : 0;
	c->hint_path = hint_path;
	c->run_dir = "/run/netns";
	c->proc_dir = "/proc";
	if (stat("/proc/self/ns/net", &st) == 0)
		c->nsfs_dev = st.st_dev;
	c->load = xw_sad_load_in;
}

/* Where netns can be opened; false if nowhere (the event stays bare). */
static bool resolve(struct xw_sad_cache *c, struct xw_sad_ns *e)
{
	char path[PATH_MAX];

	free(e->path);
	e->path = NULL;
	e->resolved = false;
	if (e->netns == c->self_netns) {
		e->resolved = true;	/* path NULL: no setns needed */
		return true;
	}
	if (c->hint_netns && e->netns == c->hint_netns &&
	    same_ns(c->hint_path, e->netns, c->nsfs_dev))
		e->path = strdup(c->hint_path);
	else if (xw_netns_find(e->netns, c->nsfs_dev, c->run_dir, c->proc_dir,
			       path, sizeof(path)) == 0)
		e->path = strdup(path);
	e->resolved = e->path != NULL;
	return e->resolved;
}

const struct xw_sad *xw_sad_cache_get(struct xw_sad_cache *c, uint32_t netns,
				      int max_age)
{
	static const struct xw_sad none;	/* ok false: say nothing */
	struct xw_sad_ns *e = NULL;
	size_t i;
	int err;

	if (!netns)
		return &none;
	for (i = 0; i < c->n; i++)
		if (c->ns[i].netns == netns) {
			e = &c->ns[i];
			break;
		}
	if (!e) {
		if (c->n == c->cap) {
			size_t cap = c->cap ? 2 * c->cap : 8;
			struct xw_sad_ns *nn = realloc(c->ns, cap * sizeof(*nn));

			if (!nn)
				return &none;
			c->ns = nn;
			c->cap = cap;
		}
		e = &c->ns[c->n++];
		memset(e, 0, sizeof(*e));
		e->netns = netns;
		resolve(c, e);
	}
	if (e->tried && (max_age < 0 || time(NULL) - e->sad.taken < max_age))
		return &e->sad;
	/* A namespace not found once is looked for again only on refresh. */
	if (!e->resolved && (!e->tried || !resolve(c, e))) {
		e->tried = true;
		e->sad.taken = time(NULL);
		return &e->sad;
	}
	e->tried = true;
	err = c->load(&e->sad, e->path, e->netns);
	e->sad.taken = time(NULL);
	if (err == -ESTALE || err == -ENOENT) {
		/* The path now names another netns or nothing: search again. */
		e->resolved = false;
	}
	return &e->sad;
}

void xw_sad_cache_free(struct xw_sad_cache *c)
{
	size_t i;

	for (i = 0; i < c->n; i++) {
		free(c->ns[i].path);
		xw_sad_free(&c->ns[i].sad);
	}
	free(c->ns);
	c->ns = NULL;
	c->n = c->cap = 0;
}

static bool entry_fits(const struct xw_sad_entry *e, const struct xw_tmpl *t,
		       const struct xw_addr *peer, const struct xw_addr *local)
{
	if (t->proto && e->proto != t->proto)
		return false;
	if (t->reqid && e->reqid != t->reqid)
		return false;
	if (t->spi && e->spi != t->spi)
		return false;
	if (xw_addr_is_set(peer) && !xw_addr_equal(&e->src, peer))
		return false;
	if (xw_addr_is_set(local) && !xw_addr_equal(&e->dst, local))
		return false;
	return true;
}

/*
 * An SPI no SA had: is there one now (the SA came after the drop), and
 * which SAs of the same protocol does this host have from that peer to
 * that address (the ones the peer should be using)?
 */
static void correlate_nostate(const struct xw_sad *sad,
			      const struct xw_outer *o, struct xw_sad_match *m)
{
	size_t i;

	m->looked_up = true;
	m->nostate = true;
	m->peer = o->src;
	m->want_spi = o->spi;
	for (i = 0; i < sad->n; i++) {
		const struct xw_sad_entry *e = &sad->e[i];

		if (e->proto != o->proto || !xw_addr_equal(&e->dst, &o->dst))
			continue;
		if (e->spi == o->spi) {
			m->spi_now = true;
			m->sa = *e;
			continue;
		}
		if (!xw_addr_equal(&e->src, &o->src))
			continue;
		if (m->npeer < XW_SAD_PEER_MAX)
			m->peer_sa[m->npeer] = *e;
		m->npeer++;
	}
}

void xw_sad_correlate(const struct xw_sad *sad, const struct xw_event *ev,
		      struct xw_sad_match *m)
{
	const uint32_t ask = (1u << XFRMWHY_MISMATCH_REQID) |
			     (1u << XFRMWHY_MISMATCH_SPI) |
			     (1u << XFRMWHY_MISMATCH_MISSING);
	const struct xw_tmpl *t;
	const struct xw_sa *used;
	struct xw_addr peer, local;
	size_t i;
	int ti;

	memset(m, 0, sizeof(*m));
	if (!sad || !sad->ok)
		return;
	if (ev->reason == XFRMWHY_REASON_NO_STATE && ev->outer.present) {
		correlate_nostate(sad, &ev->outer, m);
		return;
	}
	ti = xw_event_failing_tmpl(ev);
	if (ti < 0)
		return;
	t = &ev->tmpl[ti];
	if (t->is_extra || !(t->mismatch & ask) || (!t->reqid && !t->spi))
		return;

	/* Inbound: the peer is the outer source, we are the destination. */
	used = xw_event_compared_sa(ev, t);
	memset(&peer, 0, sizeof(peer));
	memset(&local, 0, sizeof(local));
	if (used) {
		peer = used->src;
		local = used->dst;
	} else if (t->mode != XFRM_MODE_TRANSPORT) {
		peer = t->src;
		local = t->dst;
	}

	m->looked_up = true;
	m->want_reqid = t->reqid;
	m->want_spi = t->spi;
	m->peer = peer;
	if (used) {
		m->has_using_spi = true;
		m->using_spi = used->spi;
	}
	for (i = 0; i < sad->n; i++) {
		if (used && sad->e[i].spi == used->spi)
			continue;	/* the SA that failed is not the answer */
		if (entry_fits(&sad->e[i], t, &peer, &local)) {
			m->found = true;
			m->sa = sad->e[i];
			return;
		}
	}
}
