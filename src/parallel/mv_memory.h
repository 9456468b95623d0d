/* Multi-version memory for Block-STM: for every location a transaction of the block touched, the
 * values written by each transaction (absolute values, balance deltas, or ESTIMATE markers left by an
 * aborted one), sorted by transaction index.
 *
 * Locations are an account's info (existence, nonce, code), its balance, or one storage slot. A
 * location's entry is created on first use, read or write, with the value the parent state holds, so a
 * transaction's reads and its later validation find everything through one pointer.
 *
 * Thread contract: every function may be called from any worker at once, except mv_begin (before the
 * workers start) and mv_end (after they stop). Each entry is guarded by its own spinlock. */
#ifndef BRAID_MV_MEMORY_H
#define BRAID_MV_MEMORY_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "braid/braid_state.h"

typedef enum mv_kind { MV_INFO, MV_BALANCE, MV_STORAGE } mv_kind;

typedef struct mv_key {
    braid_address addr;
    uint8_t kind;
    braid_u256 slot; /* MV_STORAGE only; zero otherwise */
} mv_key;

typedef struct mv_info {
    bool exists;
    uint64_t nonce;
    const braid_code *code;
} mv_info;

typedef union mv_value {
    braid_u256 u; /* balance or slot value */
    mv_info info;
} mv_value;

typedef enum mv_version_kind { MV_ABSOLUTE, MV_DELTA, MV_ESTIMATE } mv_version_kind;

typedef struct mv_version {
    uint32_t tx;
    uint8_t kind;
    mv_value v;
} mv_version;

typedef struct mv_entry {
    uint64_t hash;
    mv_key key;
    atomic_int lock;
    bool listed; /* on its worker's list of written entries */
    /* A read of this location failed validation in this block: transactions reading it wait for the
     * previous transaction to the same contract (a scheduling hint, see stm_tx.c). */
    atomic_bool contended;
    /* An account's info entry: one of its storage slots is contended (calls to it are then held back
     * before they start, see stm_run_tx). */
    atomic_bool callee_contended;
    mv_value base; /* the parent state's value */
    mv_version *versions; /* `first` until a second version spills to the heap */
    _Atomic uint32_t n;
    uint32_t cap;
    mv_version first;
} mv_entry;

typedef struct mv_memory mv_memory;

mv_memory *mv_create(void);
void mv_destroy(mv_memory *m);
/* Prepares for a block of `n_txs` transactions reading `base` (which nobody may change meanwhile).
 * `workers` arenas are kept, one per worker. */
void mv_begin(mv_memory *m, const braid_state *base, size_t n_txs, unsigned workers);
/* Releases the versions of the block. */
void mv_end(mv_memory *m);
/* False when the table filled up (the caller then gives up on parallel execution). */
bool mv_ok(const mv_memory *m);

/* The entry of a location, created if new (NULL only when the table is full). */
mv_entry *mv_entry_get(mv_memory *m, unsigned worker, const mv_key *key);
/* The same with the key's hash already computed by mv_key_hash. An account's info and balance entries
 * share a hash and sit side by side (the balance one right after the info one). */
uint64_t mv_key_hash(const mv_key *key);
mv_entry *mv_entry_get_hashed(mv_memory *m, unsigned worker, const mv_key *key, uint64_t h);

typedef enum mv_read_result { MV_READ_OK, MV_READ_BLOCKED } mv_read_result;
/* The value transaction `tx` reads: the latest write below it (balances: the latest absolute value plus
 * the deltas after it), or the parent's. MV_READ_BLOCKED with *blocking when an ESTIMATE is in the way. */
mv_read_result mv_read(mv_memory *m, mv_entry *e, uint32_t tx, mv_value *out, uint32_t *blocking);
/* The same for a balance, also telling from which transaction on its deltas were summed (the one after
 * the absolute value used, or 0 for the parent's value). */
mv_read_result mv_read_balance(mv_memory *m, mv_entry *e, uint32_t tx, mv_value *out, uint32_t *blocking,
                               uint32_t *deltas_from);
bool mv_value_eq(const mv_entry *e, const mv_value *a, const mv_value *b);

/* Writes or replaces `tx`'s version at the entry (`worker` is the writer, for the list of written
 * entries); removes it; turns it into an ESTIMATE. */
void mv_write(mv_memory *m, unsigned worker, mv_entry *e, uint32_t tx, mv_version_kind kind, const mv_value *v);
void mv_remove(mv_entry *e, uint32_t tx);
void mv_mark_estimate(mv_entry *e, uint32_t tx);

/* Calls fn on every entry of one kind that was ever written (after the workers stopped): the commit
 * applies the final values, accounts' info first. */
enum { MV_WRITTEN_INFO = 0, MV_WRITTEN_OTHER = 1 };
void mv_for_each_written(mv_memory *m, int list, void (*fn)(mv_entry *e, void *arg), void *arg);
/* The value a transaction after the last would read, once the workers have stopped (no locking);
 * false when an ESTIMATE is left. */
bool mv_read_final(const mv_entry *e, mv_value *out);

#endif
