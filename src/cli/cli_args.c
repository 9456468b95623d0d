#include "cli_args.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

int cli_parse_uint(const char *cmd, const char *opt, const char *s, uint64_t min, uint64_t max, uint64_t *out) {
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (*s < '0' || *s > '9' || *end || errno == ERANGE || v < min || v > max) {
        fprintf(stderr, "braid %s: %s needs a whole number from %llu to %llu, got '%s'\n", cmd, opt,
                (unsigned long long)min, (unsigned long long)max, s);
        return -1;
    }
    *out = v;
    return 0;
}
