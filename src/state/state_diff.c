/* The state diff: what an overlay changed relative to its source, account by account. */
#include <stdlib.h>

#include "state.h"

/* Slots that differ from the source. After a wipe the source's slots are gone, so every non-zero slot is
 * news; otherwise each slot is compared with the source's value (slot records also hold what was only
 * read, and the overlay does not remember the value it loaded once a transaction overwrote it). */
static uint32_t changed_slots(braid_state *s, const state_account *a, bool wiped, uint32_t **idx, uint32_t *cap) {
    const slot_map *m = &a->storage;
    uint32_t n = 0;
    for (uint32_t i = 0; i < m->count; i++) {
        const state_slot *slot = &m->entries[i];
        bool changed;
        if (wiped || !a->loaded_exists || !s->source)
            changed = !braid_u256_is_zero(slot->value);
        else
            changed = !braid_u256_eq(slot->value, s->source->get_storage(s->source->ctx, &a->addr, &slot->key));
        if (!changed) continue;
        if (n == *cap) {
            *cap = *cap ? *cap * 2 : 64;
            *idx = braid_xrealloc(*idx, *cap * sizeof **idx);
        }
        (*idx)[n++] = i;
    }
    return n;
}

void braid_state_changes(braid_state *s, const braid_state_visitor *v) {
    uint32_t *idx = NULL, cap = 0;
    for (size_t i = 0; i < s->n_accounts; i++) {
        state_account *a = state_account_at(s, i);
        if (!a->exists && !a->loaded_exists) continue;
        /* storage_cleared is set at load for accounts the source lacks; for one it had, only a
         * deletion sets it. */
        bool wiped = a->loaded_exists && a->storage_cleared;
        if (!a->exists) {
            v->account(v->ctx, &a->addr, NULL, wiped);
            continue;
        }
        braid_u256 balance = state_balance(s, a);
        uint32_t n = changed_slots(s, a, wiped, &idx, &cap);
        bool changed = n || wiped || !a->loaded_exists || a->nonce != a->loaded_nonce || a->code != a->loaded_code ||
                       !braid_u256_eq(balance, a->balance_base);
        if (!changed) continue;
        braid_state_account now = {.nonce = a->nonce, .balance = balance, .code = a->code};
        v->account(v->ctx, &a->addr, &now, wiped);
        for (uint32_t k = 0; k < n; k++) {
            const state_slot *slot = &a->storage.entries[idx[k]];
            v->slot(v->ctx, &a->addr, &slot->key, &slot->value);
        }
    }
    free(idx);
}
