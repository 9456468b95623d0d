#include "braid/braid_mempool.h"

#include <stdlib.h>
#include <string.h>

#include "braid/braid_tx.h"

typedef struct pool_sender {
    braid_address addr;
    braid_signed_tx *txs; /* by nonce, ascending */
    size_t n, cap;
} pool_sender;

struct braid_mempool {
    braid_mempool_config cfg;
    pool_sender *senders;
    size_t n_senders, cap_senders;
    uint32_t *index; /* open addressing: sender index + 1, 0 empty */
    size_t index_mask;
    size_t total;
};

static uint64_t addr_hash(const braid_address *a) {
    uint64_t h;
    memcpy(&h, a->b + 4, 8);
    return h * 0x9e3779b97f4a7c15ull;
}

static void reindex(braid_mempool *p) {
    size_t size = 64;
    while (size < 2 * p->n_senders + 2)
        size *= 2;
    free(p->index);
    p->index = braid_xcalloc(size, sizeof *p->index);
    p->index_mask = size - 1;
    for (size_t s = 0; s < p->n_senders; s++) {
        size_t i = addr_hash(&p->senders[s].addr) & p->index_mask;
        while (p->index[i])
            i = (i + 1) & p->index_mask;
        p->index[i] = (uint32_t)s + 1;
    }
}

static pool_sender *sender_of(const braid_mempool *p, const braid_address *a) {
    for (size_t i = addr_hash(a) & p->index_mask; p->index[i]; i = (i + 1) & p->index_mask)
        if (braid_address_eq(&p->senders[p->index[i] - 1].addr, a)) return &p->senders[p->index[i] - 1];
    return NULL;
}

static pool_sender *sender_add(braid_mempool *p, const braid_address *a) {
    if (p->n_senders == p->cap_senders) {
        p->cap_senders = p->cap_senders ? 2 * p->cap_senders : 64;
        p->senders = braid_xrealloc(p->senders, p->cap_senders * sizeof *p->senders);
    }
    pool_sender *s = &p->senders[p->n_senders++];
    memset(s, 0, sizeof *s);
    s->addr = *a;
    if (2 * p->n_senders + 2 > p->index_mask + 1) {
        reindex(p);
    } else {
        size_t i = addr_hash(a) & p->index_mask;
        while (p->index[i])
            i = (i + 1) & p->index_mask;
        p->index[i] = (uint32_t)p->n_senders;
    }
    return s;
}

braid_mempool *braid_mempool_create(const braid_mempool_config *cfg) {
    braid_mempool *p = braid_xcalloc(1, sizeof *p);
    p->cfg = *cfg;
    if (!p->cfg.max_txs) p->cfg.max_txs = 10000;
    if (!p->cfg.max_tx_bytes) p->cfg.max_tx_bytes = 128 * 1024;
    if (!p->cfg.max_per_sender) p->cfg.max_per_sender = 1000;
    reindex(p);
    return p;
}

void braid_mempool_destroy(braid_mempool *p) {
    if (!p) return;
    for (size_t s = 0; s < p->n_senders; s++) {
        for (size_t i = 0; i < p->senders[s].n; i++)
            braid_signed_tx_free(&p->senders[s].txs[i]);
        free(p->senders[s].txs);
    }
    free(p->senders);
    free(p->index);
    free(p);
}

/* ---- fees ---- */

static braid_u256 fee_cap(const braid_tx *t) {
    return t->type <= BRAID_TX_ACCESS_LIST ? t->gas_price : t->max_fee_per_gas;
}
static braid_u256 tip_cap(const braid_tx *t) {
    return t->type <= BRAID_TX_ACCESS_LIST ? t->gas_price : t->max_priority_fee_per_gas;
}
static braid_u256 effective_tip(const braid_tx *t, braid_u256 base_fee) {
    braid_u256 room = braid_u256_sub(fee_cap(t), base_fee), tip = tip_cap(t);
    return braid_u256_lt(tip, room) ? tip : room;
}

/* a * k as five 64-bit limbs (never overflows). */
static void mul_small(braid_u256 a, uint64_t k, uint64_t out[5]) {
    unsigned __int128 carry = 0;
    for (int i = 0; i < 4; i++) {
        carry += (unsigned __int128)a.w[i] * k;
        out[i] = (uint64_t)carry;
        carry >>= 64;
    }
    out[4] = (uint64_t)carry;
}

static bool wide_lt(const uint64_t a[5], const uint64_t b[5]) {
    for (int i = 4; i >= 0; i--)
        if (a[i] != b[i]) return a[i] < b[i];
    return false;
}

/* new >= old * 110%, i.e. 10 * new >= 11 * old (geth's price bump). */
static bool bumped_enough(braid_u256 old, braid_u256 new_) {
    uint64_t a[5], b[5];
    mul_small(new_, 10, a);
    mul_small(old, 11, b);
    return !wide_lt(a, b);
}

/* gas_limit * fee_cap + value, false when it does not fit 256 bits. */
static bool max_cost(const braid_tx *t, braid_u256 *out) {
    uint64_t w[5];
    mul_small(fee_cap(t), t->gas_limit, w);
    if (w[4]) return false;
    braid_u256 product = {{w[0], w[1], w[2], w[3]}};
    bool carry;
    *out = braid_u256_add_carry(product, t->value, &carry);
    return !carry;
}

/* ---- entry ---- */

static int check_stateless(const braid_mempool *p, const braid_signed_tx *stx, const braid_mempool_head *h,
                           char *err, size_t err_len) {
    const braid_tx *t = &stx->tx;
    static const braid_fork introduced[] = {
        [BRAID_TX_LEGACY] = BRAID_FORK_FRONTIER,
        [BRAID_TX_ACCESS_LIST] = BRAID_FORK_BERLIN,
        [BRAID_TX_DYNAMIC_FEE] = BRAID_FORK_LONDON,
    };
    /* blob transactions travel with their blobs, which this pool does not keep */
    if (t->type > BRAID_TX_DYNAMIC_FEE || h->fork < introduced[t->type])
        return braid_errorf(err, err_len, "transaction type not supported");
    if (!stx->has_chain_id)
        return braid_errorf(err, err_len, "only replay-protected (EIP-155) transactions allowed over RPC");
    if (!braid_u256_eq(stx->chain_id, p->cfg.chain_id)) return braid_errorf(err, err_len, "invalid chain id");
    if (stx->encoded_len > p->cfg.max_tx_bytes) return braid_errorf(err, err_len, "oversized data");
    if (t->gas_limit > h->gas_limit) return braid_errorf(err, err_len, "exceeds block gas limit");
    if (braid_tx_intrinsic_gas(t, h->fork) > t->gas_limit)
        return braid_errorf(err, err_len, "intrinsic gas too low");
    if (braid_u256_lt(fee_cap(t), tip_cap(t)))
        return braid_errorf(err, err_len, "max priority fee per gas higher than max fee per gas");
    if (braid_u256_lt(fee_cap(t), h->base_fee))
        return braid_errorf(err, err_len, "max fee per gas less than block base fee");
    return 0;
}

/* Index in s->txs of the first transaction with nonce >= `nonce`. */
static size_t nonce_pos(const pool_sender *s, uint64_t nonce) {
    size_t lo = 0, hi = s->n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (s->txs[mid].tx.nonce < nonce)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* The sender whose last transaction has the lowest fee cap (what a full pool gives up first). */
static pool_sender *cheapest_tail(braid_mempool *p) {
    pool_sender *best = NULL;
    for (size_t i = 0; i < p->n_senders; i++) {
        pool_sender *s = &p->senders[i];
        if (s->n &&
            (!best || braid_u256_lt(fee_cap(&s->txs[s->n - 1].tx), fee_cap(&best->txs[best->n - 1].tx))))
            best = s;
    }
    return best;
}

int braid_mempool_add(braid_mempool *p, braid_signed_tx *stx, const braid_mempool_head *h, char *err,
                      size_t err_len) {
    if (check_stateless(p, stx, h, err, err_len)) return -1;
    const braid_tx *t = &stx->tx;
    if (t->nonce < h->nonce(h->ctx, &t->sender)) return braid_errorf(err, err_len, "nonce too low");
    braid_u256 cost;
    if (!max_cost(t, &cost) || braid_u256_lt(h->balance(h->ctx, &t->sender), cost))
        return braid_errorf(err, err_len, "insufficient funds for gas * price + value");
    pool_sender *s = sender_of(p, &t->sender);
    size_t at = s ? nonce_pos(s, t->nonce) : 0;
    bool replaces = s && at < s->n && s->txs[at].tx.nonce == t->nonce;
    if (replaces) {
        const braid_signed_tx *old = &s->txs[at];
        if (braid_hash_eq(&old->hash, &stx->hash)) return braid_errorf(err, err_len, "already known");
        if (!bumped_enough(fee_cap(&old->tx), fee_cap(t)) || !bumped_enough(tip_cap(&old->tx), tip_cap(t)))
            return braid_errorf(err, err_len, "replacement transaction underpriced");
        braid_signed_tx_free(&s->txs[at]);
        s->txs[at] = *stx;
        memset(stx, 0, sizeof *stx);
        return 0;
    }
    if (s && s->n >= p->cfg.max_per_sender) return braid_errorf(err, err_len, "txpool is full");
    if (p->total >= p->cfg.max_txs) {
        pool_sender *victim = cheapest_tail(p);
        if (!victim || !braid_u256_lt(fee_cap(&victim->txs[victim->n - 1].tx), fee_cap(t)))
            return braid_errorf(err, err_len, "txpool is full");
        braid_signed_tx_free(&victim->txs[--victim->n]);
        p->total--;
        if (victim == s) at = nonce_pos(s, t->nonce);
    }
    if (!s) s = sender_add(p, &t->sender);
    if (s->n == s->cap) {
        s->cap = s->cap ? 2 * s->cap : 4;
        s->txs = braid_xrealloc(s->txs, s->cap * sizeof *s->txs);
    }
    memmove(&s->txs[at + 1], &s->txs[at], (s->n - at) * sizeof *s->txs);
    s->txs[at] = *stx;
    s->n++;
    p->total++;
    memset(stx, 0, sizeof *stx);
    return 0;
}

/* ---- leaving ---- */

void braid_mempool_prune(braid_mempool *p, const braid_mempool_head *h) {
    size_t kept = 0;
    for (size_t i = 0; i < p->n_senders; i++) {
        pool_sender *s = &p->senders[i];
        uint64_t nonce = h->nonce(h->ctx, &s->addr);
        size_t stale = nonce_pos(s, nonce);
        for (size_t k = 0; k < stale; k++)
            braid_signed_tx_free(&s->txs[k]);
        memmove(s->txs, s->txs + stale, (s->n - stale) * sizeof *s->txs);
        s->n -= stale;
        p->total -= stale;
        if (s->n == 0) {
            free(s->txs);
            continue;
        }
        p->senders[kept++] = *s;
    }
    p->n_senders = kept;
    reindex(p);
}

/* Executable run of a sender: how many of its transactions follow its account nonce without a gap,
 * from *first on. Transactions below the nonce are skipped: a block may have taken them and the pool not
 * yet been pruned (readers see the new head as soon as it commits). */
static size_t executable_at(const pool_sender *s, uint64_t nonce, size_t *first) {
    size_t start = nonce_pos(s, nonce), k = 0;
    while (start + k < s->n && s->txs[start + k].tx.nonce == nonce + k)
        k++;
    if (first) *first = start;
    return k;
}

static size_t executable(const pool_sender *s, uint64_t nonce) { return executable_at(s, nonce, NULL); }

void braid_mempool_counts(const braid_mempool *p, const braid_mempool_head *h, size_t *pending,
                          size_t *queued) {
    *pending = 0;
    for (size_t i = 0; i < p->n_senders; i++)
        *pending += executable(&p->senders[i], h->nonce(h->ctx, &p->senders[i].addr));
    *queued = p->total - *pending;
}

uint64_t braid_mempool_next_nonce(const braid_mempool *p, const braid_address *addr, uint64_t head_nonce) {
    const pool_sender *s = sender_of(p, addr);
    return head_nonce + (s ? executable(s, head_nonce) : 0);
}

const braid_signed_tx *braid_mempool_find(const braid_mempool *p, const braid_hash *hash) {
    for (size_t i = 0; i < p->n_senders; i++)
        for (size_t k = 0; k < p->senders[i].n; k++)
            if (braid_hash_eq(&p->senders[i].txs[k].hash, hash)) return &p->senders[i].txs[k];
    return NULL;
}

bool braid_mempool_remove(braid_mempool *p, const braid_hash *hash) {
    for (size_t i = 0; i < p->n_senders; i++) {
        pool_sender *s = &p->senders[i];
        for (size_t k = 0; k < s->n; k++) {
            if (!braid_hash_eq(&s->txs[k].hash, hash)) continue;
            braid_signed_tx_free(&s->txs[k]);
            memmove(&s->txs[k], &s->txs[k + 1], (s->n - k - 1) * sizeof *s->txs);
            s->n--;
            p->total--;
            return true;
        }
    }
    return false;
}

/* ---- selection: a max-heap of senders' next transactions by effective tip ---- */

typedef struct head_item {
    pool_sender *s;
    size_t next, end; /* the sender's executable run still to take: [next, end) */
    braid_u256 tip;
} head_item;

static bool before(const head_item *a, const head_item *b) {
    return braid_u256_gt(a->tip, b->tip);
}

static void sift_down(head_item *heap, size_t n, size_t i) {
    for (;;) {
        size_t l = 2 * i + 1, r = l + 1, m = i;
        if (l < n && before(&heap[l], &heap[m])) m = l;
        if (r < n && before(&heap[r], &heap[m])) m = r;
        if (m == i) return;
        head_item tmp = heap[i];
        heap[i] = heap[m];
        heap[m] = tmp;
        i = m;
    }
}

size_t braid_mempool_select(braid_mempool *p, const braid_mempool_head *h, uint64_t gas_limit,
                            const braid_signed_tx **out, size_t max) {
    head_item *heap = braid_xmalloc((p->n_senders + 1) * sizeof *heap);
    size_t n = 0, taken = 0;
    for (size_t i = 0; i < p->n_senders; i++) {
        pool_sender *s = &p->senders[i];
        size_t first;
        size_t run = executable_at(s, h->nonce(h->ctx, &s->addr), &first);
        if (run && !braid_u256_lt(fee_cap(&s->txs[first].tx), h->base_fee))
            heap[n++] = (head_item){s, first, first + run, effective_tip(&s->txs[first].tx, h->base_fee)};
    }
    for (size_t i = n; i-- > 0;)
        sift_down(heap, n, i);
    uint64_t gas = 0;
    while (n && taken < max) {
        head_item *top = &heap[0];
        const braid_signed_tx *stx = &top->s->txs[top->next];
        /* a sender whose next transaction does not fit, or cannot pay the base fee, is done */
        bool fits = stx->tx.gas_limit <= gas_limit - gas && !braid_u256_lt(fee_cap(&stx->tx), h->base_fee);
        if (fits) {
            out[taken++] = stx;
            gas += stx->tx.gas_limit;
        }
        if (fits && ++top->next < top->end) {
            top->tip = effective_tip(&top->s->txs[top->next].tx, h->base_fee);
        } else {
            heap[0] = heap[--n];
        }
        sift_down(heap, n, 0);
    }
    free(heap);
    return taken;
}
