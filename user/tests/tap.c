// SPDX-License-Identifier: GPL-2.0
/* The test runner: runs every registered case and prints KTAP. */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include "tap.h"

#define MAX_CASES 256

static struct {
	const char *name;
	void (*fn)(void);
} cases[MAX_CASES];
static int ncases;
static bool failed, skipped;
static const char *skip_why;
const char *tap_cli_path;

void tap_register(const char *name, void (*fn)(void))
{
	if (ncases == MAX_CASES) {
		fprintf(stderr, "tap: too many test cases\n");
		exit(1);
	}
	cases[ncases].name = name;
	cases[ncases].fn = fn;
	ncases++;
}

void tap_fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	failed = true;
	printf("# %s:%d: ", file, line);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

void tap_skip(const char *why)
{
	skipped = true;
	skip_why = why;
}

int main(int argc, char **argv)
{
	int i, passed = 0, nfailed = 0, nskipped = 0;

	tap_cli_path = argc > 1 ? argv[1] : NULL;
	/* Explanations print times in local time; make them stable. */
	setenv("TZ", "UTC", 1);
	printf("TAP version 13\n1..%d\n", ncases);
	for (i = 0; i < ncases; i++) {
		failed = skipped = false;
		cases[i].fn();
		fflush(stdout);
		if (skipped && !failed) {
			printf("ok %d - %s # SKIP %s\n", i + 1, cases[i].name,
			       skip_why);
			nskipped++;
		} else if (failed) {
			printf("not ok %d - %s\n", i + 1, cases[i].name);
			nfailed++;
		} else {
			printf("ok %d - %s\n", i + 1, cases[i].name);
			passed++;
		}
	}
	if (nskipped)
		printf("%d passed, %d failed, %d skipped\n", passed, nfailed,
		       nskipped);
	else
		printf("%d passed, %d failed\n", passed, nfailed);
	return nfailed ? 1 : 0;
}
