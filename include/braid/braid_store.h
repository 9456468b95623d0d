/* The node's database: one LMDB environment under the data directory, with a table per kind of record.
 *
 *   meta      name -> value        head number, genesis hash, chain configuration, diff sequence
 *   accounts  address -> record    flat head state: nonce, balance, code hash, storage root
 *   storage   address||slot -> v   flat head state: non-zero slots only, sorted by account
 *   code      code hash -> bytes
 *   trie      node hash -> rlp     every state and storage trie node ever written (history by root)
 *   headers   number -> rlp(header)
 *   hashes    block hash -> number
 *   bodies    number -> rlp([transactions, withdrawals])
 *   receipts  number -> rlp([receipt encodings])
 *   txs       tx hash -> number||index
 *   diffs     sequence -> what a block (or a dev-method edit) overwrote, for evm_revert
 *   logs      address||number -> (nothing)   the blocks holding logs of an address (eth_getLogs)
 *
 * Everything a block changes goes into one write transaction, so a crash leaves the database at the last
 * committed block. LMDB gives readers a consistent snapshot each: RPC threads read while the sequencer
 * writes.
 *
 * Values handed out (braid_store_val) point into the database map and stay valid until the transaction
 * they were read in ends.
 *
 * Thread contract: a braid_store is shared by threads. A braid_store_txn belongs to one thread at a time;
 * there is at most one write transaction at a time (a second braid_store_begin_write waits). */
#ifndef BRAID_STORE_H
#define BRAID_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "braid_bytes.h"
#include "braid_u256.h"

typedef struct braid_store braid_store;
typedef struct braid_store_txn braid_store_txn;

typedef struct braid_store_val {
    const uint8_t *data;
    size_t len;
} braid_store_val;

typedef enum braid_store_table {
    BRAID_T_META,
    BRAID_T_ACCOUNTS,
    BRAID_T_STORAGE,
    BRAID_T_CODE,
    BRAID_T_TRIE,
    BRAID_T_HEADERS,
    BRAID_T_HASHES,
    BRAID_T_BODIES,
    BRAID_T_RECEIPTS,
    BRAID_T_TXS,
    BRAID_T_DIFFS,
    BRAID_T_LOGS,
    BRAID_T_COUNT,
} braid_store_table;

typedef struct braid_store_options {
    size_t map_size; /* bytes of address space to reserve; 0: 256 GiB (sparse: only what is used is on disk) */
    bool no_sync;    /* skip fsync at commit (tests only: a power loss may then lose the last blocks) */
} braid_store_options;

/* Opens (creating when needed) the database in `dir`. Returns NULL with a message on failure. */
braid_store *braid_store_open(const char *dir, const braid_store_options *opt, char *err, size_t err_len);
void braid_store_close(braid_store *s);

/* A read-only snapshot, or the single writer. Returns NULL only on a database error (out of readers). */
braid_store_txn *braid_store_begin_read(braid_store *s);
braid_store_txn *braid_store_begin_write(braid_store *s);
/* Commits a write transaction (durably unless no_sync); ends a read one. Returns 0 or -1 with a message;
 * either way the transaction is gone. */
int braid_store_commit(braid_store_txn *t, char *err, size_t err_len);
/* Ends a transaction without writing anything. */
void braid_store_abort(braid_store_txn *t);

/* Raw access by table. get returns false when absent. del of an absent key is not an error. */
bool braid_store_get(braid_store_txn *t, braid_store_table tb, const void *key, size_t key_len, braid_store_val *out);
int braid_store_put(braid_store_txn *t, braid_store_table tb, const void *key, size_t key_len, const void *val,
                    size_t val_len);
int braid_store_del(braid_store_txn *t, braid_store_table tb, const void *key, size_t key_len);
/* Calls fn for every key starting with `prefix` in key order (stop early by returning false). */
void braid_store_scan(braid_store_txn *t, braid_store_table tb, const void *prefix, size_t prefix_len,
                      bool (*fn)(void *ctx, braid_store_val key, braid_store_val val), void *ctx);
/* The same from key `from` on (the first key not below it), while keys share its first `prefix_len`
 * bytes (0: to the end of the table). */
void braid_store_scan_from(braid_store_txn *t, braid_store_table tb, const void *from, size_t from_len,
                           size_t prefix_len, bool (*fn)(void *ctx, braid_store_val key, braid_store_val val),
                           void *ctx);
/* The first write error of the transaction since it began (a full disk, a full map), or NULL. Writers
 * check it once before committing instead of after every put. */
const char *braid_store_error(const braid_store_txn *t);

/* ---- typed records ---- */

typedef struct braid_store_account {
    uint64_t nonce;
    braid_u256 balance;
    braid_hash code_hash;
    braid_hash storage_root;
} braid_store_account;

#define BRAID_STORE_ACCOUNT_LEN 104

bool braid_store_get_account(braid_store_txn *t, const braid_address *addr, braid_store_account *out);
int braid_store_put_account(braid_store_txn *t, const braid_address *addr, const braid_store_account *acc);
void braid_store_account_encode(const braid_store_account *acc, uint8_t out[BRAID_STORE_ACCOUNT_LEN]);
bool braid_store_account_decode(const uint8_t *in, size_t len, braid_store_account *out);

braid_u256 braid_store_get_slot(braid_store_txn *t, const braid_address *addr, const braid_u256 *key);
/* A zero value deletes the slot. */
int braid_store_put_slot(braid_store_txn *t, const braid_address *addr, const braid_u256 *key, const braid_u256 *value);

/* meta values that are one number */
bool braid_store_get_u64(braid_store_txn *t, const char *name, uint64_t *out);
int braid_store_put_u64(braid_store_txn *t, const char *name, uint64_t v);

/* Big-endian u64 keys (block numbers, diff sequences): ordered as numbers in LMDB. */
static inline void braid_store_be64(uint64_t v, uint8_t out[8]) {
    for (int i = 7; i >= 0; i--, v >>= 8) out[i] = (uint8_t)v;
}
static inline uint64_t braid_store_read_be64(const uint8_t in[8]) {
    uint64_t v = 0;
    for (int i = 0; i < 8; i++) v = v << 8 | in[i];
    return v;
}

/* ---- the head state as an execution source ---- */

struct braid_state_source;
struct braid_code_cache;

/* Reads accounts (code through `codes`) and slots from the flat tables. Over `txn` when it is given (one
 * thread); otherwise each thread that reads gets its own read transaction, all on the snapshot current at
 * the last braid_store_source_refresh (the parallel executor's workers read at once). */
typedef struct braid_store_source braid_store_source;
braid_store_source *braid_store_source_create(braid_store *s, struct braid_code_cache *codes, braid_store_txn *txn);
void braid_store_source_destroy(braid_store_source *src);
const struct braid_state_source *braid_store_source_get(braid_store_source *src);
/* Moves every thread's reads to the newest committed state. Call with no read in flight. */
void braid_store_source_refresh(braid_store_source *src);
/* A code object by hash, from the cache or the code table (NULL when neither has it). */
const struct braid_code *braid_store_code(braid_store_txn *t, struct braid_code_cache *codes, const braid_hash *hash);

/* Renews a read transaction onto the newest committed state (after braid_store_txn_reset, or not). */
int braid_store_txn_renew(braid_store_txn *t);
/* Releases a read transaction's snapshot while keeping it for a later renew. */
void braid_store_txn_reset(braid_store_txn *t);

/* ---- committing a state ---- */

struct braid_state;

/* Writes what `state` changed (relative to the flat tables it was read from) into the flat tables, the
 * code table and the tries, within write transaction `t`. The state trie is updated from `root_before`
 * along the changed paths only; the new root goes to *root_after. What the flat tables held before is
 * appended to `undo` (see braid_store_undo). Returns 0, or -1 with a message (a database error, or a
 * trie node missing from the database). */
int braid_store_apply_state(braid_store_txn *t, struct braid_state *state, const braid_hash *root_before,
                            braid_hash *root_after, braid_buf *undo, char *err, size_t err_len);
/* Puts back into the flat tables what an `undo` record list says they held (the tries need nothing: their
 * nodes are never deleted, and the restored accounts name their old storage roots). */
int braid_store_undo(braid_store_txn *t, const uint8_t *undo, size_t len, char *err, size_t err_len);

/* The state root recomputed from scratch from the flat tables (every account and slot read), and each
 * account's stored storage root checked against its slots. Returns 0 with *root, or -1 with a message
 * naming the first account whose storage root is wrong. The cost is a pass over the whole state. */
int braid_store_verify_state(braid_store_txn *t, braid_hash *root, char *err, size_t err_len);

/* The braid_mpt_store over the trie table of `t` (see braid_mpt.h). */
struct braid_mpt_store;
void braid_store_trie_nodes(braid_store_txn *t, struct braid_mpt_store *out);

#endif
