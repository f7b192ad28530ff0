/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A tiny KTAP/TAP-13 harness: TEST(name) registers a case; EXPECT_*
 * report the first lines that disagree and mark the case failed.  The
 * runner prints "ok N - name" / "not ok N - name" and, last, exactly
 * "N passed, N failed".
 */
#ifndef XFRMWHY_TAP_H
#define XFRMWHY_TAP_H

#include <stdio.h>
#include <string.h>

void tap_register(const char *name, void (*fn)(void));
void tap_fail(const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void tap_skip(const char *why);
/* Path of the xfrmwhy binary under test (argv[1] of the runner). */
extern const char *tap_cli_path;

#define TEST(name)							\
	static void name(void);						\
	__attribute__((constructor)) static void reg_##name(void)	\
	{ tap_register(#name, name); }					\
	static void name(void)

#define EXPECT(cond) do {						\
	if (!(cond))							\
		tap_fail(__FILE__, __LINE__, "expected: %s", #cond);	\
} while (0)

#define EXPECT_EQ(got, want) do {					\
	long long _g = (long long)(got), _w = (long long)(want);	\
	if (_g != _w)							\
		tap_fail(__FILE__, __LINE__, "%s = %lld, want %lld",	\
			 #got, _g, _w);					\
} while (0)

#define EXPECT_STR(got, want) do {					\
	const char *_g = (got), *_w = (want);				\
	if (!_g || strcmp(_g, _w))					\
		tap_fail(__FILE__, __LINE__,				\
			 "%s\n#   got:  %s\n#   want: %s", #got,		\
			 _g ? _g : "(null)", _w);			\
} while (0)

#define EXPECT_CONTAINS(hay, needle) do {				\
	const char *_h = (hay), *_n = (needle);				\
	if (!_h || !strstr(_h, _n))					\
		tap_fail(__FILE__, __LINE__,				\
			 "%s does not contain \"%s\"\n#   got: %s",	\
			 #hay, _n, _h ? _h : "(null)");			\
} while (0)

#endif
