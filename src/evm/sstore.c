/* SSTORE pricing across the forks: the original rule (Frontier..Petersburg), net metering by EIP-1283
 * (Constantinople only) and EIP-2200 (Istanbul), with EIP-2929's cold access (Berlin) and EIP-3529's
 * smaller clearing refund (London). */
#include "vm.h"

#define SSTORE_SET 20000
#define STIPEND_SENTRY 2300
#define COLD_SLOAD 2100

bool vm_sstore(braid_vm *vm, state_account *self, const braid_u256 *key, const braid_u256 *value, int64_t *gas) {
    braid_state *s = vm->state;
    braid_fork fork = vm->fork;
    /* EIP-2200: a call with only the stipend left may not write storage (reentrancy guard). */
    if (fork >= BRAID_FORK_ISTANBUL && *gas <= STIPEND_SENTRY) return false;

    state_slot *slot = state_slot_get(s, self, key);
    int64_t cost = 0, refund = 0;
    if (fork >= BRAID_FORK_BERLIN && state_warm_slot(s, self, slot)) cost += COLD_SLOAD;

    braid_u256 current = slot->value, original = state_slot_original(s, slot), next = *value;
    bool net_metering = fork == BRAID_FORK_CONSTANTINOPLE || fork >= BRAID_FORK_ISTANBUL;
    if (!net_metering) {
        if (braid_u256_is_zero(current) && !braid_u256_is_zero(next))
            cost += SSTORE_SET;
        else {
            cost += 5000;
            if (!braid_u256_is_zero(current) && braid_u256_is_zero(next)) refund += 15000;
        }
    } else {
        int64_t noop = fork >= BRAID_FORK_BERLIN ? 100 : fork >= BRAID_FORK_ISTANBUL ? 800 : 200;
        int64_t reset = fork >= BRAID_FORK_BERLIN ? 5000 - COLD_SLOAD : 5000;
        int64_t clears = fork >= BRAID_FORK_LONDON ? 4800 : 15000;
        if (braid_u256_eq(current, next)) {
            cost += noop;
        } else if (braid_u256_eq(original, current)) {
            if (braid_u256_is_zero(original))
                cost += SSTORE_SET;
            else {
                cost += reset;
                if (braid_u256_is_zero(next)) refund += clears;
            }
        } else {
            cost += noop;
            if (!braid_u256_is_zero(original)) {
                if (braid_u256_is_zero(current))
                    refund -= clears;
                else if (braid_u256_is_zero(next))
                    refund += clears;
            }
            if (braid_u256_eq(original, next)) refund += (braid_u256_is_zero(original) ? SSTORE_SET : reset) - noop;
        }
    }
    if ((*gas -= cost) < 0) return false;
    if (refund) state_add_refund(s, refund);
    state_slot_set(s, self, slot, &next);
    return true;
}
