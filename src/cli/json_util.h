/* Small helpers for reading Ethereum-style JSON (hex quantities, addresses, byte strings) with jansson.
 * Every reader returns 0 on success and -1 on a missing or malformed value. */
#ifndef BRAID_CLI_JSON_UTIL_H
#define BRAID_CLI_JSON_UTIL_H

#include <jansson.h>

#include "braid/braid_bytes.h"
#include "braid/braid_u256.h"

int json_get_u256(const json_t *v, braid_u256 *out);
int json_get_u64(const json_t *v, uint64_t *out);
int json_get_address(const json_t *v, braid_address *out);
int json_get_hash(const json_t *v, braid_hash *out);
int json_get_bytes(const json_t *v, braid_buf *out);

#endif
