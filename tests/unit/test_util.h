/* Minimal assertion helpers shared by the unit tests. Each test binary counts its checks and ends with
 * `N passed, N failed`; the exit status is non-zero when any check failed. */
#ifndef BRAID_TEST_UTIL_H
#define BRAID_TEST_UTIL_H

#include <stdio.h>
#include <string.h>

static int test_passed_, test_failed_;

#define CHECK(cond)                                                                         \
    do {                                                                                    \
        if (cond) {                                                                         \
            test_passed_++;                                                                 \
        } else {                                                                            \
            test_failed_++;                                                                 \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);        \
        }                                                                                   \
    } while (0)

/* Like CHECK, with a printf-style explanation printed on failure. */
#define CHECKF(cond, ...)                                                                   \
    do {                                                                                    \
        if (cond) {                                                                         \
            test_passed_++;                                                                 \
        } else {                                                                            \
            test_failed_++;                                                                 \
            fprintf(stderr, "%s:%d: check failed: %s: ", __FILE__, __LINE__, #cond);        \
            fprintf(stderr, __VA_ARGS__);                                                   \
            fputc('\n', stderr);                                                            \
        }                                                                                   \
    } while (0)

#define CHECK_MEM(a, b, n) CHECK(memcmp((a), (b), (n)) == 0)

/* Path of a fixture under ../shared (BRAID_SHARED_DIR is set by CMake). */
#define SHARED_PATH(rel) BRAID_SHARED_DIR "/" rel

static inline int test_summary(const char *name) {
    printf("%s: %d passed, %d failed\n", name, test_passed_, test_failed_);
    return test_failed_ != 0;
}

#endif
