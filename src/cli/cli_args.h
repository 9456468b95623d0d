/* Option values shared by the subcommands' parsers. */
#ifndef BRAID_CLI_ARGS_H
#define BRAID_CLI_ARGS_H

#include <stdint.h>

/* Whole decimal numbers only: "", "-1", "1e3" and "12abc" are refused, not read as something else.
 * Returns 0, or -1 after printing "braid CMD: OPT needs a whole number from MIN to MAX, got 'S'". */
int cli_parse_uint(const char *cmd, const char *opt, const char *s, uint64_t min, uint64_t max, uint64_t *out);

#endif
