// SPDX-License-Identifier: GPL-2.0
/*
 * xw-send: send (or receive) a counted burst of UDP datagrams with
 * sendmmsg()/recvmmsg(), so that tests and the benchmark can produce an
 * exact number of packets without spawning a process per packet.
 *
 *   xw-send [-s SRC] -d DST [-p DPORT] [-P SPORT] [-n COUNT] [-l LEN] [-m MARK]
 *   xw-send -r [-b BIND] [-p PORT] [-n COUNT] [-t SECONDS]   (prints count)
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define BATCH 64

static int parse_addr(const char *s, unsigned short port,
		      struct sockaddr_storage *ss, socklen_t *len)
{
	struct sockaddr_in *a4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, s, &a4->sin_addr) == 1) {
		a4->sin_family = AF_INET;
		a4->sin_port = htons(port);
		*len = sizeof(*a4);
		return AF_INET;
	}
	if (inet_pton(AF_INET6, s, &a6->sin6_addr) == 1) {
		a6->sin6_family = AF_INET6;
		a6->sin6_port = htons(port);
		*len = sizeof(*a6);
		return AF_INET6;
	}
	fprintf(stderr, "xw-send: '%s' is not an IPv4 or IPv6 address\n", s);
	exit(1);
}

static long num(const char *s, long max)
{
	char *end;
	long v = strtol(s, &end, 0);

	if (*s == '\0' || *end != '\0' || v < 0 || v > max) {
		fprintf(stderr, "xw-send: bad number '%s'\n", s);
		exit(1);
	}
	return v;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int receive(const char *bind_addr, unsigned short port, long count,
		   double timeout)
{
	struct sockaddr_storage ss;
	struct mmsghdr msgs[BATCH];
	struct iovec iov[BATCH];
	static char buf[BATCH][2048];
	socklen_t len;
	long got = 0;
	double end;
	int fd, i;

	fd = socket(parse_addr(bind_addr, port, &ss, &len), SOCK_DGRAM, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&ss, len) < 0) {
		perror("xw-send: bind");
		return 1;
	}
	printf("ready\n");
	fflush(stdout);
	end = now() + timeout;
	while (got < count && now() < end) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		int n;

		if (poll(&p, 1, 100) <= 0)
			continue;
		for (i = 0; i < BATCH; i++) {
			iov[i].iov_base = buf[i];
			iov[i].iov_len = sizeof(buf[i]);
			memset(&msgs[i].msg_hdr, 0, sizeof(msgs[i].msg_hdr));
			msgs[i].msg_hdr.msg_iov = &iov[i];
			msgs[i].msg_hdr.msg_iovlen = 1;
		}
		n = recvmmsg(fd, msgs, BATCH, MSG_DONTWAIT, NULL);
		if (n > 0)
			got += n;
	}
	printf("%ld\n", got);
	return 0;
}

int main(int argc, char **argv)
{
	const char *src = NULL, *dst = NULL, *bind_addr = "0.0.0.0";
	unsigned short dport = 9000, sport = 0;
	long count = 1, len = 64, mark = -1;
	double timeout = 10;
	struct sockaddr_storage sd, ss;
	socklen_t dlen, slen;
	struct mmsghdr msgs[BATCH];
	struct iovec iov;
	static char payload[1500];
	int recv_mode = 0, fam, fd, opt, i;
	long sent = 0;

	while ((opt = getopt(argc, argv, "rs:d:p:P:n:l:m:b:t:")) != -1) {
		switch (opt) {
		case 'r': recv_mode = 1; break;
		case 's': src = optarg; break;
		case 'd': dst = optarg; break;
		case 'p': dport = num(optarg, 65535); break;
		case 'P': sport = num(optarg, 65535); break;
		case 'n': count = num(optarg, 100000000); break;
		case 'l': len = num(optarg, sizeof(payload)); break;
		case 'm': mark = num(optarg, 0xffffffffL); break;
		case 'b': bind_addr = optarg; break;
		case 't': timeout = num(optarg, 3600); break;
		default:
			fprintf(stderr, "usage: xw-send [-s SRC] -d DST [-p DPORT] [-P SPORT] [-n COUNT] [-l LEN] [-m MARK]\n"
					"       xw-send -r [-b BIND] [-p PORT] [-n COUNT] [-t SECONDS]\n");
			return 1;
		}
	}
	if (recv_mode)
		return receive(bind_addr, dport, count, timeout);
	if (!dst) {
		fprintf(stderr, "xw-send: -d DST is required\n");
		return 1;
	}
	fam = parse_addr(dst, dport, &sd, &dlen);
	fd = socket(fam, SOCK_DGRAM, 0);
	if (fd < 0) {
		perror("xw-send: socket");
		return 1;
	}
	if (mark >= 0) {
		unsigned int m = mark;

		if (setsockopt(fd, SOL_SOCKET, SO_MARK, &m, sizeof(m)) < 0)
			perror("xw-send: SO_MARK");
	}
	if (src || sport) {
		if (parse_addr(src ? src : (fam == AF_INET ? "0.0.0.0" : "::"),
			       sport, &ss, &slen) != fam) {
			fprintf(stderr, "xw-send: source and destination families differ\n");
			return 1;
		}
		if (bind(fd, (struct sockaddr *)&ss, slen) < 0) {
			perror("xw-send: bind");
			return 1;
		}
	}
	iov.iov_base = payload;
	iov.iov_len = len;
	for (i = 0; i < BATCH; i++) {
		memset(&msgs[i], 0, sizeof(msgs[i]));
		msgs[i].msg_hdr.msg_name = &sd;
		msgs[i].msg_hdr.msg_namelen = dlen;
		msgs[i].msg_hdr.msg_iov = &iov;
		msgs[i].msg_hdr.msg_iovlen = 1;
	}
	while (sent < count) {
		int want = count - sent > BATCH ? BATCH : count - sent;
		int n = sendmmsg(fd, msgs, want, 0);

		if (n < 0) {
			if (errno == ENOBUFS || errno == EAGAIN) {
				usleep(1000);
				continue;
			}
			perror("xw-send: sendmmsg");
			return 1;
		}
		sent += n;
	}
	printf("%ld\n", sent);
	return 0;
}
