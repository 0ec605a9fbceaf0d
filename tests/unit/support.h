/*  support.h: what the unit suites share. */
#ifndef SHANHAI_TEST_SUPPORT_H
#define SHANHAI_TEST_SUPPORT_H

#include <stddef.h>

// Makes a fresh directory under $TMPDIR (or /tmp) and returns its path (the caller frees it).
char *test_tmpdir (void);
// Removes a directory made by test_tmpdir and everything in it; frees nothing.
void test_rmdir (const char *path);
// Joins dir and name into a new string (the caller frees it).
char *test_path (const char *dir, const char *name);
// A TCP port on 127.0.0.1 that was free a moment ago.
int test_free_port (void);
// "tcp://127.0.0.1:<free port>" into out.
void test_free_endpoint (char *out, size_t out_size);
// The source tree's root (SHANHAI_SOURCE_DIR, set by CTest), for data/ and policies/.
const char *test_source_dir (void);

#endif
