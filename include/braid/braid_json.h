/* Reading Ethereum-style JSON values (quantities in hex or decimal, addresses, hashes, byte strings)
 * with jansson. Every reader returns 0 on success and -1 on a missing (NULL) or malformed value.
 *
 * Thread contract: stateless. */
#ifndef BRAID_JSON_H
#define BRAID_JSON_H

#include <jansson.h>

#include <stdbool.h>

#include "braid_bytes.h"
#include "braid_state.h"
#include "braid_u256.h"

/* Loads a JSON file; a name ending in ".zst" is decompressed first (zstd). Returns NULL with a message
 * (naming the file, and the line for syntax errors) on failure. The caller owns the result. */
json_t *braid_json_load_file(const char *path, char *err, size_t err_len);

int braid_json_u256(const json_t *v, braid_u256 *out);
int braid_json_u64(const json_t *v, uint64_t *out);
int braid_json_address(const json_t *v, braid_address *out);
int braid_json_hash(const json_t *v, braid_hash *out);
int braid_json_bytes(const json_t *v, braid_buf *out);
/* An address written as 40 hex digits, with or without 0x (geth's genesis files use both). */
int braid_json_address_text(const char *text, braid_address *out);

/* Loads a JSON account map {address: {balance, nonce, code, storage}} into `state`: the "pre" and
 * "postState" of the ethereum/tests fixtures, the prestateTracer output of real blocks, a genesis
 * file's "alloc". With `lenient`, absent fields mean empty (zero balance and nonce, no code, no storage);
 * otherwise all four must be present. Returns 0, or -1 with a message naming the account and field. */
int braid_json_accounts(const json_t *accounts, braid_state *state, bool lenient, char *err, size_t err_len);

#endif
