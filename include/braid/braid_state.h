/* World state as one execution sees it: accounts, storage, code, and the journal that reverts them.
 *
 * A braid_state is an in-memory overlay over an optional read-only state source (the pre-block state,
 * later the database or the Block-STM multi-version memory). Reads that miss the overlay go to the
 * source once and are cached. Every change is journaled so that a failed call frame reverts to its
 * checkpoint. At the end of a transaction braid_state_finalize_tx applies the end-of-transaction rules
 * (self-destructs, EIP-161 removal of touched empty accounts) and clears the per-transaction data
 * (journal, warm sets, transient storage, logs, refund).
 *
 * Code is kept as braid_code objects: immutable, padded and jump-analysed once, owned by a
 * braid_code_cache keyed by code hash and shared by every state that uses the cache.
 *
 * Thread contract: a braid_state belongs to one thread. A braid_code_cache may be shared by threads;
 * its lookups and inserts are internally synchronised and the braid_code objects it returns are
 * immutable and live as long as the cache. */
#ifndef BRAID_STATE_H
#define BRAID_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "braid_bytes.h"
#include "braid_fork.h"
#include "braid_trie.h"
#include "braid_u256.h"

/* keccak256(""): the code hash of an account without code. */
extern const braid_hash BRAID_EMPTY_CODE_HASH;

/* Analysed contract code. `bytes` has `len` bytes of code followed by BRAID_CODE_PADDING zero bytes so
 * that the interpreter can read PUSH data and the next opcode without bounds checks. */
#define BRAID_CODE_PADDING 33
typedef struct braid_code {
    braid_hash hash;
    size_t len;
    const uint8_t *bytes;
    const uint64_t *jumpdests; /* bit i set: position i is a JUMPDEST opcode (not PUSH data) */
} braid_code;

static inline bool braid_code_is_jumpdest(const braid_code *c, uint64_t pos) {
    return pos < c->len && (c->jumpdests[pos >> 6] >> (pos & 63)) & 1;
}

typedef struct braid_code_cache braid_code_cache;
braid_code_cache *braid_code_cache_create(void);
void braid_code_cache_destroy(braid_code_cache *cache);
/* The analysed code for `bytes` (hashing it); inserted on first sight. Never NULL. */
const braid_code *braid_code_cache_get(braid_code_cache *cache, const uint8_t *bytes, size_t len);
/* The same when the caller already knows the hash. */
const braid_code *braid_code_cache_get_hashed(braid_code_cache *cache, const braid_hash *hash, const uint8_t *bytes,
                                              size_t len);
/* The analysed code with this hash when the cache holds it, or NULL. */
const braid_code *braid_code_cache_find(braid_code_cache *cache, const braid_hash *hash);
/* The shared empty code object. */
const braid_code *braid_code_empty(void);

/* Where reads of accounts and storage not yet in the overlay come from. A NULL source means an empty
 * world. `get_account` returns false for an absent account; `get_storage` returns zero for an absent
 * slot.
 *
 * `get_balance` is optional. When it is NULL, get_account fills the balance too. When it is set, the
 * state reads balances lazily: money added to an account whose balance was never read is kept as a
 * delta, and the balance is fetched only when something reads it (the parallel executor relies on this
 * to keep transfers to one account and fees to the beneficiary from conflicting).
 *
 * Callbacks must be safe to call from the thread that owns the state. */
typedef struct braid_state_account {
    uint64_t nonce;
    braid_u256 balance;
    const braid_code *code;
} braid_state_account;

typedef struct braid_state_source {
    void *ctx;
    bool (*get_account)(void *ctx, const braid_address *addr, braid_state_account *out);
    braid_u256 (*get_storage)(void *ctx, const braid_address *addr, const braid_u256 *key);
    braid_u256 (*get_balance)(void *ctx, const braid_address *addr);
} braid_state_source;

typedef struct braid_state braid_state;

/* `source` may be NULL (empty world); it must outlive the state. */
braid_state *braid_state_create(braid_code_cache *codes, const braid_state_source *source);
void braid_state_destroy(braid_state *s);
braid_code_cache *braid_state_codes(braid_state *s);

/* Sets an account directly, outside any transaction and journal (loading a pre-state). `code` comes
 * from this state's code cache (or braid_code_empty()). */
void braid_state_put_account(braid_state *s, const braid_address *addr, uint64_t nonce, braid_u256 balance,
                             const braid_code *code);
void braid_state_put_storage(braid_state *s, const braid_address *addr, braid_u256 key, braid_u256 value);

/* Forgets every slot of the account, the source's included (eth_call's state overrides replace storage
 * whole). Outside transactions, like the two above. */
void braid_state_clear_storage(braid_state *s, const braid_address *addr);

/* Empties the state for reuse over the same source, keeping its allocations. */
void braid_state_reset(braid_state *s);

/* Read-only views for callers outside the interpreter. */
bool braid_state_exists(braid_state *s, const braid_address *addr);
uint64_t braid_state_get_nonce(braid_state *s, const braid_address *addr);
braid_u256 braid_state_get_balance(braid_state *s, const braid_address *addr);
braid_u256 braid_state_get_storage(braid_state *s, const braid_address *addr, braid_u256 key);
const braid_code *braid_state_get_code(braid_state *s, const braid_address *addr);

/* Reads that never modify the state, so that many threads may call them at once on a state nobody is
 * changing (the parent state under a parallel block). A miss goes to the source, which must then be
 * thread-safe too. */
bool braid_state_peek_account(const braid_state *s, const braid_address *addr, braid_state_account *out);
braid_u256 braid_state_peek_storage(const braid_state *s, const braid_address *addr, const braid_u256 *key);

/* The Merkle-Patricia root over every existing account (storage roots included). */
braid_hash braid_state_root(braid_state *s);
/* The same, with the storage roots, account leaves and the subtries under the root built through `pf`
 * (see braid_trie.h; NULL: on this thread). */
braid_hash braid_state_root_parallel(braid_state *s, const struct braid_parallel_for *pf);

/* What a state changed relative to its source: the block's state diff, which the node writes to its
 * database and which later work (access lists, tracers) reads. Call between transactions. The source must
 * read eagerly (no get_balance), as the node's does. */
typedef struct braid_state_visitor {
    void *ctx;
    /* An account whose record or storage differs from the source. `now` is NULL when it no longer
     * exists; `wiped` says its storage in the source is all gone (destroyed, perhaps created again). */
    void (*account)(void *ctx, const braid_address *addr, const braid_state_account *now, bool wiped);
    /* A slot of that account whose value differs from the source's (after a wipe: each non-zero slot).
     * Comes after the account's own call. */
    void (*slot)(void *ctx, const braid_address *addr, const braid_u256 *key, const braid_u256 *value);
} braid_state_visitor;

void braid_state_changes(braid_state *s, const braid_state_visitor *visitor);

/* Logs emitted by the current transaction. */
typedef struct braid_log {
    braid_address address;
    uint8_t n_topics;
    braid_hash topics[4];
    const uint8_t *data; /* owned by the state; valid until the next finalize */
    size_t data_len;
} braid_log;

size_t braid_state_log_count(const braid_state *s);
const braid_log *braid_state_logs(const braid_state *s);
/* Appends rlp([[address, [topics...], data], ...]): the logs as receipts and state tests encode them. */
void braid_logs_encode(braid_buf *out, const braid_log *logs, size_t n);
/* keccak256(rlp(logs)) of the current transaction's logs, as state tests check it. */
braid_hash braid_state_logs_hash(const braid_state *s);

#endif
