/* Internal view of braid_state for the interpreter and the transaction code: the account and slot
 * records, the journal operations, warm/cold tracking and transient storage.
 *
 * Per-transaction flags use epochs instead of sets: the state's `epoch` grows by one per transaction, and
 * a slot or account is warm when its warm_epoch equals it. Ending a transaction is then O(changes), not
 * O(everything touched), and nothing is allocated to track warmth. */
#ifndef BRAID_STATE_INTERNAL_H
#define BRAID_STATE_INTERNAL_H

#include "braid/braid_state.h"

typedef struct state_slot {
    braid_u256 key;
    braid_u256 value;
    braid_u256 original; /* value at the start of the transaction, valid when orig_epoch == epoch */
    uint32_t orig_epoch;
    uint32_t warm_epoch;
} state_slot;

typedef struct slot_map {
    state_slot *entries;
    uint32_t count, cap;
    uint32_t *index; /* open addressing: entry index + 1, 0 = empty */
    uint32_t mask;
} slot_map;

typedef struct state_account {
    braid_address addr;
    bool exists;
    bool destructed;      /* self-destructed in this transaction: removed at finalize */
    bool touched;         /* modified in this transaction (EIP-161 removal of empty accounts) */
    bool storage_cleared; /* storage wiped (destroyed earlier): do not consult the source for slots */
    bool balance_known;   /* false: `balance` holds a delta over a base not yet read (lazy sources) */
    bool loaded_exists;   /* what the source said, for telling what changed */
    uint32_t warm_epoch;
    uint32_t created_epoch; /* EIP-6780: created in this transaction */
    uint64_t nonce;
    braid_u256 balance; /* use state_balance(): it may be a delta */
    braid_u256 balance_base; /* the base read from the source, once read */
    const braid_code *code;
    uint64_t loaded_nonce;
    const braid_code *loaded_code;
    slot_map storage;
} state_account;

typedef struct journal_entry journal_entry;
typedef struct transient_entry transient_entry;

typedef struct state_log {
    braid_address address;
    uint8_t n_topics;
    braid_hash topics[4];
    size_t data_off, data_len; /* into log_data */
} state_log;

#define ACCOUNTS_PER_CHUNK 256

struct braid_state {
    braid_code_cache *codes;
    const braid_state_source *source;
    braid_fork fork;
    uint32_t epoch; /* transaction counter; per-transaction flags compare against it */

    /* accounts: stable records allocated in chunks, found through an open-addressing index */
    state_account **chunks;
    size_t n_chunks, n_accounts;
    state_account **index;
    size_t index_mask;

    journal_entry *journal;
    size_t journal_len, journal_cap;
    int64_t refund;

    transient_entry *transient;
    size_t transient_count, transient_mask;

    state_log *logs;
    size_t log_count, log_cap;
    braid_buf log_data;
    braid_log *log_views; /* public views handed out by braid_state_logs */
    size_t log_views_cap;
};

typedef struct state_checkpoint {
    size_t journal_len;
    size_t log_count;
} state_checkpoint;

/* Marks in `bitmap` (len / 64 + 1 zeroed words) the JUMPDEST positions of `code` outside PUSH data. */
void braid_code_find_jumpdests(const uint8_t *code, size_t len, uint64_t *bitmap);

/* Transaction-scoped rules the state needs to know. */
void state_begin_tx(braid_state *s, braid_fork fork);

/* The account record for `addr`, loading it from the source on first use (never NULL; check ->exists). */
/* Prefetch hints for an account about to be used: its index slot, then (a step later, once the slot
 * has arrived) the account record it points to. */
void state_prefetch_index(const braid_state *s, const braid_address *addr);
void state_prefetch_account(const braid_state *s, const braid_address *addr);
state_account *state_account_get(braid_state *s, const braid_address *addr);

/* EIP-2929: marks the account warm; returns true if it was cold. */
bool state_warm_account(braid_state *s, state_account *a);
static inline bool state_is_warm(const braid_state *s, const state_account *a);

/* The slot record for `key` (loaded on first use). */
state_slot *state_slot_get(braid_state *s, state_account *a, const braid_u256 *key);
/* Marks a slot warm; returns true if it was cold. */
bool state_warm_slot(braid_state *s, state_account *a, state_slot *slot);
/* Value of the slot at the start of the transaction. */
static inline braid_u256 state_slot_original(const braid_state *s, const state_slot *slot);
void state_slot_set(braid_state *s, state_account *a, state_slot *slot, const braid_u256 *value);

braid_u256 state_tload(braid_state *s, const braid_address *addr, const braid_u256 *key);
void state_tstore(braid_state *s, const braid_address *addr, const braid_u256 *key, const braid_u256 *value);

/* The account's balance, reading it from the source first if only a delta was known. */
braid_u256 state_balance(braid_state *s, state_account *a);

/* Balance, nonce and code changes (journaled; each marks the account touched). Adding to an account whose
 * balance was never read keeps a delta and does not read it. */
void state_add_balance(braid_state *s, state_account *a, const braid_u256 *amount);
void state_sub_balance(braid_state *s, state_account *a, const braid_u256 *amount);
void state_set_balance(braid_state *s, state_account *a, const braid_u256 *amount);
void state_set_nonce(braid_state *s, state_account *a, uint64_t nonce);
void state_set_code(braid_state *s, state_account *a, const braid_code *code);
void state_touch(braid_state *s, state_account *a);
/* Makes the account exist (value sent to a new address, or a contract created there). With
 * `contract` set it is a fresh contract: nonce `nonce`, no code, created in this transaction. */
void state_create_account(braid_state *s, state_account *a, bool contract, uint64_t nonce);
void state_mark_destructed(braid_state *s, state_account *a);

void state_add_refund(braid_state *s, int64_t delta);
int64_t state_refund(const braid_state *s);

void state_emit_log(braid_state *s, const braid_address *addr, const braid_hash *topics, unsigned n_topics,
                    const uint8_t *data, size_t len);

state_checkpoint state_checkpoint_take(const braid_state *s);
void state_revert(braid_state *s, const state_checkpoint *cp);

/* Ends the transaction: removes self-destructed accounts and, from Spurious Dragon on, touched empty
 * accounts; clears the journal, refund and transient storage; advances the epoch. The logs stay readable
 * until the next state_begin_tx. */
void braid_state_finalize_tx(braid_state *s);
/* Drops the current transaction's changes entirely (an invalid transaction). */
void braid_state_discard_tx(braid_state *s);

/* The i-th account record of the state (i < n_accounts), for walking everything an overlay touched. */
static inline state_account *state_account_at(braid_state *s, size_t i) {
    return &s->chunks[i / ACCOUNTS_PER_CHUNK][i % ACCOUNTS_PER_CHUNK];
}
static inline size_t state_account_count(const braid_state *s) { return s->n_accounts; }

/* Turns the record into an absent account (no journal): what a deletion at the end of a transaction
 * does, and what committing a deletion does. */
void state_account_clear(state_account *a);

/* EIP-161 "empty": no nonce, no code, no balance. A nonzero pending delta settles it without a read. */
static inline bool state_account_is_empty(braid_state *s, state_account *a) {
    if (a->nonce != 0 || a->code->len != 0) return false;
    if (!a->balance_known && !braid_u256_is_zero(a->balance)) return false;
    return braid_u256_is_zero(state_balance(s, a));
}
/* EIP-161 "dead": absent or empty. */
static inline bool state_account_is_dead(braid_state *s, state_account *a) {
    return !a->exists || state_account_is_empty(s, a);
}

static inline bool state_is_warm(const braid_state *s, const state_account *a) { return a->warm_epoch == s->epoch; }
static inline braid_u256 state_slot_original(const braid_state *s, const state_slot *slot) {
    return slot->orig_epoch == s->epoch ? slot->original : slot->value;
}

#endif
