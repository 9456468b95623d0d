/* The journaled world state: account records, storage slots, transient storage, logs, and the journal
 * that lets a failed call frame revert exactly what it changed. */
#include "state.h"

#include <stdlib.h>

#include "braid/braid_keccak.h"
#include "braid/braid_precompile.h"
#include "braid/braid_rlp.h"

enum journal_kind {
    J_BALANCE,
    J_NONCE,
    J_STORAGE,
    J_TRANSIENT,
    J_CODE,
    J_CREATE,
    J_DESTRUCT,
    J_TOUCH,
    J_WARM_ACCOUNT,
    J_WARM_SLOT,
    J_REFUND,
};

struct journal_entry {
    uint8_t kind;
    state_account *acc;
    braid_u256 key; /* J_STORAGE, J_TRANSIENT, J_WARM_SLOT */
    union {
        braid_u256 value;
        uint64_t nonce;
        const braid_code *code;
        int64_t refund;
        struct {
            bool exists;
            uint32_t created_epoch;
            uint64_t nonce;
        } create;
    } prev;
    bool prev_known; /* J_BALANCE: whether prev.value was a balance or a pending delta */
};

struct transient_entry {
    const state_account *acc; /* NULL = empty bucket */
    braid_u256 key;
    braid_u256 value;
};

/* ---- hashing ---- */

static inline uint64_t mix64(uint64_t h) {
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdull;
    h ^= h >> 33;
    return h;
}

static inline uint64_t address_hash(const braid_address *a) {
    uint64_t x, y;
    uint32_t z;
    memcpy(&x, a->b, 8);
    memcpy(&y, a->b + 8, 8);
    memcpy(&z, a->b + 16, 4);
    return mix64(x ^ mix64(y ^ ((uint64_t)z << 7)));
}

static inline uint64_t key_hash(const braid_u256 *k) {
    return mix64(k->w[0] ^ mix64(k->w[1] ^ mix64(k->w[2] ^ mix64(k->w[3]))));
}

/* ---- lifecycle ---- */

braid_state *braid_state_create(braid_code_cache *codes, const braid_state_source *source) {
    braid_state *s = braid_xcalloc(1, sizeof *s);
    s->codes = codes;
    s->source = source;
    s->fork = BRAID_FORK_CANCUN;
    s->epoch = 1;
    s->index_mask = 255;
    s->index = braid_xcalloc(s->index_mask + 1, sizeof *s->index);
    return s;
}

static void slot_map_free(slot_map *m) {
    free(m->entries);
    free(m->index);
    memset(m, 0, sizeof *m);
}

void braid_state_destroy(braid_state *s) {
    if (!s) return;
    for (size_t i = 0; i < s->n_chunks * ACCOUNTS_PER_CHUNK; i++)
        slot_map_free(&s->chunks[i / ACCOUNTS_PER_CHUNK][i % ACCOUNTS_PER_CHUNK].storage);
    for (size_t i = 0; i < s->n_chunks; i++) free(s->chunks[i]);
    free(s->chunks);
    free(s->index);
    free(s->journal);
    free(s->transient);
    free(s->logs);
    free(s->log_views);
    braid_buf_free(&s->log_data);
    free(s);
}

braid_code_cache *braid_state_codes(braid_state *s) { return s->codes; }

/* The previous transaction's logs stay readable until the next one begins. */
void state_begin_tx(braid_state *s, braid_fork fork) {
    s->fork = fork;
    s->log_count = 0;
    s->log_data.len = 0;
}

/* ---- accounts ---- */

static void index_insert(state_account **index, size_t mask, state_account *a) {
    size_t i = address_hash(&a->addr) & mask;
    while (index[i]) i = (i + 1) & mask;
    index[i] = a;
}

static state_account *account_new(braid_state *s, const braid_address *addr) {
    if (s->n_accounts == s->n_chunks * ACCOUNTS_PER_CHUNK) {
        s->chunks = braid_xrealloc(s->chunks, (s->n_chunks + 1) * sizeof *s->chunks);
        s->chunks[s->n_chunks++] = braid_xcalloc(ACCOUNTS_PER_CHUNK, sizeof(state_account));
    }
    state_account *a = &s->chunks[s->n_accounts / ACCOUNTS_PER_CHUNK][s->n_accounts % ACCOUNTS_PER_CHUNK];
    s->n_accounts++;
    /* A record reused after braid_state_reset keeps its storage buffers. */
    slot_map storage = a->storage;
    memset(a, 0, sizeof *a);
    storage.count = 0;
    if (storage.index) memset(storage.index, 0, ((size_t)storage.mask + 1) * sizeof *storage.index);
    a->storage = storage;
    a->addr = *addr;
    a->code = braid_code_empty();
    if ((s->n_accounts) * 2 > s->index_mask) {
        size_t nmask = s->index_mask * 2 + 1;
        state_account **ni = braid_xcalloc(nmask + 1, sizeof *ni);
        for (size_t i = 0; i <= s->index_mask; i++)
            if (s->index[i]) index_insert(ni, nmask, s->index[i]);
        free(s->index);
        s->index = ni;
        s->index_mask = nmask;
    }
    index_insert(s->index, s->index_mask, a);
    return a;
}

static state_account *account_find(const braid_state *s, const braid_address *addr) {
    size_t i = address_hash(addr) & s->index_mask;
    for (;;) {
        state_account *a = s->index[i];
        if (!a) return NULL;
        if (braid_address_eq(&a->addr, addr)) return a;
        i = (i + 1) & s->index_mask;
    }
}

void state_prefetch_index(const braid_state *s, const braid_address *addr) {
    if (s->index) __builtin_prefetch(&s->index[address_hash(addr) & s->index_mask]);
}

void state_prefetch_account(const braid_state *s, const braid_address *addr) {
    if (!s->index) return;
    const state_account *a = s->index[address_hash(addr) & s->index_mask];
    if (a) { /* the first in the probe sequence: most often the account itself */
        __builtin_prefetch(a);
        __builtin_prefetch((const char *)a + 64);
    }
}

state_account *state_account_get(braid_state *s, const braid_address *addr) {
    state_account *a = account_find(s, addr);
    if (a) return a;
    a = account_new(s, addr);
    braid_state_account src = {0};
    bool lazy = s->source && s->source->get_balance;
    if (s->source && s->source->get_account(s->source->ctx, addr, &src)) {
        a->exists = true;
        a->nonce = src.nonce;
        a->code = src.code ? src.code : braid_code_empty();
    } else {
        a->storage_cleared = true; /* an absent account has no storage to fetch */
    }
    a->loaded_exists = a->exists;
    a->loaded_nonce = a->nonce;
    a->loaded_code = a->code;
    /* An absent account's balance is zero: nothing to read lazily. */
    a->balance_known = !lazy || !a->exists;
    if (!lazy) a->balance = src.balance;
    a->balance_base = a->balance;
    return a;
}

/* ---- storage slots ---- */

static state_slot *slot_find(slot_map *m, const braid_u256 *key) {
    if (!m->index) return NULL;
    size_t i = key_hash(key) & m->mask;
    for (;;) {
        uint32_t e = m->index[i];
        if (!e) return NULL;
        if (braid_u256_eq(m->entries[e - 1].key, *key)) return &m->entries[e - 1];
        i = (i + 1) & m->mask;
    }
}

static void slot_index_rebuild(slot_map *m, uint32_t nmask) {
    free(m->index);
    m->index = braid_xcalloc((size_t)nmask + 1, sizeof *m->index);
    m->mask = nmask;
    for (uint32_t e = 0; e < m->count; e++) {
        size_t i = key_hash(&m->entries[e].key) & m->mask;
        while (m->index[i]) i = (i + 1) & m->mask;
        m->index[i] = e + 1;
    }
}

static state_slot *slot_insert(slot_map *m, const braid_u256 *key, const braid_u256 *value) {
    if (m->count == m->cap) {
        m->cap = m->cap ? m->cap * 2 : 4;
        m->entries = braid_xrealloc(m->entries, (size_t)m->cap * sizeof *m->entries);
    }
    if (!m->index || (m->count + 1) * 2 > m->mask) slot_index_rebuild(m, m->index ? m->mask * 2 + 1 : 15);
    state_slot *slot = &m->entries[m->count];
    memset(slot, 0, sizeof *slot);
    slot->key = *key;
    slot->value = *value;
    size_t i = key_hash(key) & m->mask;
    while (m->index[i]) i = (i + 1) & m->mask;
    m->index[i] = ++m->count;
    return slot;
}

state_slot *state_slot_get(braid_state *s, state_account *a, const braid_u256 *key) {
    state_slot *slot = slot_find(&a->storage, key);
    if (slot) return slot;
    braid_u256 v = BRAID_U256_ZERO;
    if (!a->storage_cleared && s->source) v = s->source->get_storage(s->source->ctx, &a->addr, key);
    return slot_insert(&a->storage, key, &v);
}

/* ---- journal ---- */

static journal_entry *journal_push(braid_state *s, uint8_t kind, state_account *a) {
    if (s->journal_len == s->journal_cap) {
        s->journal_cap = s->journal_cap ? s->journal_cap * 2 : 256;
        s->journal = braid_xrealloc(s->journal, s->journal_cap * sizeof *s->journal);
    }
    journal_entry *e = &s->journal[s->journal_len++];
    e->kind = kind;
    e->acc = a;
    return e;
}

void state_touch(braid_state *s, state_account *a) {
    if (a->touched) return;
    journal_push(s, J_TOUCH, a);
    a->touched = true;
}

/* EIP-2929 puts the precompiles in every transaction's warm set: answer without a journal entry (and
 * without transactions loading all of them up front). */
static bool is_precompile(const braid_state *s, const braid_address *addr) {
    uint64_t hi, mid;
    uint32_t lo;
    memcpy(&hi, addr->b, 8);
    memcpy(&mid, addr->b + 8, 8);
    memcpy(&lo, addr->b + 16, 4);
    if (hi | mid) return false;
    lo = __builtin_bswap32(lo);
    return lo >= 1 && lo <= braid_precompile_count(s->fork);
}

bool state_warm_account(braid_state *s, state_account *a) {
    if (a->warm_epoch == s->epoch || is_precompile(s, &a->addr)) return false;
    journal_entry *e = journal_push(s, J_WARM_ACCOUNT, a);
    e->prev.nonce = a->warm_epoch;
    a->warm_epoch = s->epoch;
    return true;
}

bool state_warm_slot(braid_state *s, state_account *a, state_slot *slot) {
    if (slot->warm_epoch == s->epoch) return false;
    journal_entry *e = journal_push(s, J_WARM_SLOT, a);
    e->key = slot->key;
    slot->warm_epoch = s->epoch;
    return true;
}

void state_slot_set(braid_state *s, state_account *a, state_slot *slot, const braid_u256 *value) {
    if (slot->orig_epoch != s->epoch) {
        slot->original = slot->value;
        slot->orig_epoch = s->epoch;
    }
    journal_entry *e = journal_push(s, J_STORAGE, a);
    e->key = slot->key;
    e->prev.value = slot->value;
    slot->value = *value;
    state_touch(s, a);
}

/* Like geth's getOrNewStateObject: changing an absent account brings it into existence. Before EIP-161
 * such an account stays (empty); after it, finalize removes it again if it ends up empty. */
static void ensure_exists(braid_state *s, state_account *a) {
    if (!a->exists) state_create_account(s, a, false, 0);
}

braid_u256 state_balance(braid_state *s, state_account *a) {
    if (!a->balance_known) {
        /* Settle the pending delta on the base; journal entries taken before keep meaning deltas and are
         * reverted against this base (see state_revert). */
        a->balance_base = s->source->get_balance(s->source->ctx, &a->addr);
        a->balance = braid_u256_add(a->balance_base, a->balance);
        a->balance_known = true;
    }
    return a->balance;
}

/* Stores a new raw value (a balance, or a delta when the balance is not known). */
static void put_balance(braid_state *s, state_account *a, const braid_u256 *raw) {
    ensure_exists(s, a);
    journal_entry *e = journal_push(s, J_BALANCE, a);
    e->prev.value = a->balance;
    e->prev_known = a->balance_known;
    a->balance = *raw;
    state_touch(s, a);
}

void state_set_balance(braid_state *s, state_account *a, const braid_u256 *amount) {
    state_balance(s, a);
    put_balance(s, a, amount);
}

/* Moving zero wei changes nothing but brings the account into existence and touches it (EIP-161). */
static void touch_only(braid_state *s, state_account *a) {
    ensure_exists(s, a);
    state_touch(s, a);
}

void state_add_balance(braid_state *s, state_account *a, const braid_u256 *amount) {
    if (braid_u256_is_zero(*amount)) return touch_only(s, a);
    braid_u256 v = braid_u256_add(a->balance, *amount); /* the balance, or the delta */
    put_balance(s, a, &v);
}

void state_sub_balance(braid_state *s, state_account *a, const braid_u256 *amount) {
    if (braid_u256_is_zero(*amount)) return touch_only(s, a);
    braid_u256 v = braid_u256_sub(state_balance(s, a), *amount);
    put_balance(s, a, &v);
}

void state_set_nonce(braid_state *s, state_account *a, uint64_t nonce) {
    ensure_exists(s, a);
    journal_entry *e = journal_push(s, J_NONCE, a);
    e->prev.nonce = a->nonce;
    a->nonce = nonce;
    state_touch(s, a);
}

void state_set_code(braid_state *s, state_account *a, const braid_code *code) {
    ensure_exists(s, a);
    journal_entry *e = journal_push(s, J_CODE, a);
    e->prev.code = a->code;
    a->code = code;
    state_touch(s, a);
}

void state_create_account(braid_state *s, state_account *a, bool contract, uint64_t nonce) {
    journal_entry *e = journal_push(s, J_CREATE, a);
    e->prev.create.exists = a->exists;
    e->prev.create.created_epoch = a->created_epoch;
    e->prev.create.nonce = a->nonce;
    a->exists = true;
    if (contract) {
        a->created_epoch = s->epoch;
        a->nonce = nonce;
    }
    state_touch(s, a);
}

void state_mark_destructed(braid_state *s, state_account *a) {
    if (a->destructed) return;
    journal_push(s, J_DESTRUCT, a);
    a->destructed = true;
}

void state_add_refund(braid_state *s, int64_t delta) {
    journal_entry *e = journal_push(s, J_REFUND, NULL);
    e->prev.refund = s->refund;
    s->refund += delta;
}

int64_t state_refund(const braid_state *s) { return s->refund; }

/* ---- transient storage (EIP-1153) ---- */

static transient_entry *transient_find(braid_state *s, const state_account *a, const braid_u256 *key, bool insert) {
    if (!s->transient) {
        if (!insert) return NULL;
        s->transient_mask = 63;
        s->transient = braid_xcalloc(s->transient_mask + 1, sizeof *s->transient);
    }
    if (insert && (s->transient_count + 1) * 2 > s->transient_mask) {
        size_t omask = s->transient_mask;
        transient_entry *old = s->transient;
        s->transient_mask = omask * 2 + 1;
        s->transient = braid_xcalloc(s->transient_mask + 1, sizeof *s->transient);
        for (size_t i = 0; i <= omask; i++) {
            if (!old[i].acc) continue;
            size_t j = (key_hash(&old[i].key) ^ (uintptr_t)old[i].acc) & s->transient_mask;
            while (s->transient[j].acc) j = (j + 1) & s->transient_mask;
            s->transient[j] = old[i];
        }
        free(old);
    }
    size_t i = (key_hash(key) ^ (uintptr_t)a) & s->transient_mask;
    for (;;) {
        transient_entry *t = &s->transient[i];
        if (!t->acc) {
            if (!insert) return NULL;
            t->acc = a;
            t->key = *key;
            t->value = BRAID_U256_ZERO;
            s->transient_count++;
            return t;
        }
        if (t->acc == a && braid_u256_eq(t->key, *key)) return t;
        i = (i + 1) & s->transient_mask;
    }
}

braid_u256 state_tload(braid_state *s, const braid_address *addr, const braid_u256 *key) {
    transient_entry *t = transient_find(s, state_account_get(s, addr), key, false);
    return t ? t->value : BRAID_U256_ZERO;
}

void state_tstore(braid_state *s, const braid_address *addr, const braid_u256 *key, const braid_u256 *value) {
    state_account *a = state_account_get(s, addr);
    transient_entry *t = transient_find(s, a, key, true);
    journal_entry *e = journal_push(s, J_TRANSIENT, a);
    e->key = *key;
    e->prev.value = t->value;
    t->value = *value;
}

/* ---- logs ---- */

void state_emit_log(braid_state *s, const braid_address *addr, const braid_hash *topics, unsigned n_topics,
                    const uint8_t *data, size_t len) {
    if (s->log_count == s->log_cap) {
        s->log_cap = s->log_cap ? s->log_cap * 2 : 16;
        s->logs = braid_xrealloc(s->logs, s->log_cap * sizeof *s->logs);
    }
    state_log *l = &s->logs[s->log_count++];
    l->address = *addr;
    l->n_topics = (uint8_t)n_topics;
    for (unsigned i = 0; i < n_topics; i++) l->topics[i] = topics[i];
    l->data_off = s->log_data.len;
    l->data_len = len;
    braid_buf_append(&s->log_data, data, len);
}

size_t braid_state_log_count(const braid_state *s) { return s->log_count; }

const braid_log *braid_state_logs(const braid_state *s) {
    braid_state *m = (braid_state *)s; /* the views are a cache over the logs */
    if (m->log_views_cap < s->log_count) {
        m->log_views_cap = s->log_count;
        m->log_views = braid_xrealloc(m->log_views, s->log_count * sizeof *m->log_views);
    }
    for (size_t i = 0; i < s->log_count; i++) {
        const state_log *l = &s->logs[i];
        braid_log *v = &m->log_views[i];
        v->address = l->address;
        v->n_topics = l->n_topics;
        memcpy(v->topics, l->topics, sizeof v->topics);
        /* log_data has no buffer yet when every log so far is empty, and NULL + 0 is undefined */
        v->data = l->data_len ? s->log_data.data + l->data_off : NULL;
        v->data_len = l->data_len;
    }
    return m->log_views;
}

void braid_logs_encode(braid_buf *out, const braid_log *logs, size_t n) {
    size_t outer = braid_rlp_list_begin(out);
    for (size_t i = 0; i < n; i++) {
        const braid_log *l = &logs[i];
        size_t item = braid_rlp_list_begin(out);
        braid_rlp_put_bytes(out, l->address.b, 20);
        size_t topics = braid_rlp_list_begin(out);
        for (unsigned t = 0; t < l->n_topics; t++) braid_rlp_put_bytes(out, l->topics[t].b, 32);
        braid_rlp_list_end(out, topics);
        braid_rlp_put_bytes(out, l->data, l->data_len);
        braid_rlp_list_end(out, item);
    }
    braid_rlp_list_end(out, outer);
}

braid_hash braid_state_logs_hash(const braid_state *s) {
    braid_buf b;
    braid_buf_init(&b);
    braid_logs_encode(&b, braid_state_logs(s), s->log_count);
    braid_hash h;
    braid_keccak256(b.data, b.len, h.b);
    braid_buf_free(&b);
    return h;
}

/* ---- checkpoints ---- */

state_checkpoint state_checkpoint_take(const braid_state *s) {
    return (state_checkpoint){.journal_len = s->journal_len, .log_count = s->log_count};
}

void state_revert(braid_state *s, const state_checkpoint *cp) {
    while (s->journal_len > cp->journal_len) {
        journal_entry *e = &s->journal[--s->journal_len];
        state_account *a = e->acc;
        switch (e->kind) {
        case J_BALANCE:
            /* an entry taken while the balance was a delta, reverted after it was read */
            a->balance = !e->prev_known && a->balance_known ? braid_u256_add(a->balance_base, e->prev.value)
                                                            : e->prev.value;
            break;
        case J_NONCE: a->nonce = e->prev.nonce; break;
        case J_STORAGE: slot_find(&a->storage, &e->key)->value = e->prev.value; break;
        case J_TRANSIENT: transient_find(s, a, &e->key, false)->value = e->prev.value; break;
        case J_CODE: a->code = e->prev.code; break;
        case J_CREATE:
            a->exists = e->prev.create.exists;
            a->created_epoch = e->prev.create.created_epoch;
            a->nonce = e->prev.create.nonce;
            break;
        case J_DESTRUCT: a->destructed = false; break;
        case J_TOUCH: a->touched = false; break;
        case J_WARM_ACCOUNT: a->warm_epoch = (uint32_t)e->prev.nonce; break;
        case J_WARM_SLOT: slot_find(&a->storage, &e->key)->warm_epoch = 0; break;
        case J_REFUND: s->refund = e->prev.refund; break;
        }
    }
    if (s->log_count > cp->log_count) {
        s->log_data.len = s->logs[cp->log_count].data_off;
        s->log_count = cp->log_count;
    }
}

/* ---- end of transaction ---- */

void state_account_clear(state_account *a) {
    a->exists = false;
    a->destructed = false;
    a->nonce = 0;
    a->balance = BRAID_U256_ZERO;
    a->balance_known = true;
    a->code = braid_code_empty();
    slot_map_free(&a->storage);
    a->storage_cleared = true;
}

static void end_tx(braid_state *s) {
    s->journal_len = 0;
    s->refund = 0;
    if (s->transient_count) {
        memset(s->transient, 0, (s->transient_mask + 1) * sizeof *s->transient);
        s->transient_count = 0;
    }
    s->epoch++;
}

void braid_state_finalize_tx(braid_state *s) {
    bool clear_empty = s->fork >= BRAID_FORK_SPURIOUS_DRAGON;
    for (size_t i = 0; i < s->journal_len; i++) {
        state_account *a = s->journal[i].acc;
        if (!a) continue;
        if (a->destructed)
            state_account_clear(a);
        else if (clear_empty && a->touched && a->exists && state_account_is_empty(s, a))
            state_account_clear(a);
        a->touched = false;
    }
    end_tx(s);
}

void braid_state_reset(braid_state *s) {
    s->n_accounts = 0;
    memset(s->index, 0, (s->index_mask + 1) * sizeof *s->index);
    s->journal_len = 0;
    s->refund = 0;
    s->log_count = 0;
    s->log_data.len = 0;
    if (s->transient_count) {
        memset(s->transient, 0, (s->transient_mask + 1) * sizeof *s->transient);
        s->transient_count = 0;
    }
    s->epoch++;
}

void braid_state_discard_tx(braid_state *s) {
    state_checkpoint start = {0, 0};
    state_revert(s, &start);
    end_tx(s);
}

/* ---- direct access outside transactions ---- */

void braid_state_put_account(braid_state *s, const braid_address *addr, uint64_t nonce, braid_u256 balance,
                             const braid_code *code) {
    state_account *a = state_account_get(s, addr);
    a->exists = true;
    a->nonce = nonce;
    a->balance = balance;
    a->balance_known = true;
    a->code = code;
}

void braid_state_put_storage(braid_state *s, const braid_address *addr, braid_u256 key, braid_u256 value) {
    state_account *a = state_account_get(s, addr);
    state_slot_get(s, a, &key)->value = value;
}

void braid_state_clear_storage(braid_state *s, const braid_address *addr) {
    state_account *a = state_account_get(s, addr);
    a->storage.count = 0;
    if (a->storage.index) memset(a->storage.index, 0, ((size_t)a->storage.mask + 1) * sizeof *a->storage.index);
    a->storage_cleared = true;
}

bool braid_state_peek_account(const braid_state *s, const braid_address *addr, braid_state_account *out) {
    const state_account *a = account_find(s, addr);
    if (a) {
        if (!a->exists) return false;
        out->nonce = a->nonce;
        out->balance = a->balance; /* states that are peeked at read balances eagerly */
        out->code = a->code;
        return true;
    }
    if (!s->source || !s->source->get_account(s->source->ctx, addr, out)) return false;
    if (s->source->get_balance) out->balance = s->source->get_balance(s->source->ctx, addr);
    return true;
}

braid_u256 braid_state_peek_storage(const braid_state *s, const braid_address *addr, const braid_u256 *key) {
    state_account *a = account_find(s, addr);
    if (a) {
        const state_slot *slot = slot_find(&a->storage, key);
        if (slot) return slot->value;
        if (a->storage_cleared || !a->exists) return BRAID_U256_ZERO;
    }
    return s->source ? s->source->get_storage(s->source->ctx, addr, key) : BRAID_U256_ZERO;
}

bool braid_state_exists(braid_state *s, const braid_address *addr) { return state_account_get(s, addr)->exists; }
uint64_t braid_state_get_nonce(braid_state *s, const braid_address *addr) {
    return state_account_get(s, addr)->nonce;
}
braid_u256 braid_state_get_balance(braid_state *s, const braid_address *addr) {
    return state_balance(s, state_account_get(s, addr));
}
braid_u256 braid_state_get_storage(braid_state *s, const braid_address *addr, braid_u256 key) {
    state_account *a = state_account_get(s, addr);
    return state_slot_get(s, a, &key)->value;
}
const braid_code *braid_state_get_code(braid_state *s, const braid_address *addr) {
    return state_account_get(s, addr)->code;
}
