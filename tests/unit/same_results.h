/* Whether two executions of one block gave the same results: error, gas, bloom, receipts root, state root,
 * and every receipt with its logs. Shared by the parallel == sequential test and the EVM fuzzer. */
#ifndef BRAID_TEST_SAME_RESULTS_H
#define BRAID_TEST_SAME_RESULTS_H

#include <stdbool.h>
#include <string.h>

#include "braid/braid_block.h"

static bool same_results(const braid_block_result *a, const braid_block_result *b) {
    if (a->error != b->error || a->gas_used != b->gas_used || a->n_receipts != b->n_receipts ||
        memcmp(a->bloom, b->bloom, sizeof a->bloom) || !braid_hash_eq(&a->receipts_root, &b->receipts_root) ||
        !braid_hash_eq(&a->state_root, &b->state_root))
        return false;
    for (size_t i = 0; i < a->n_receipts; i++) {
        const braid_receipt *x = &a->receipts[i], *y = &b->receipts[i];
        if (x->success != y->success || x->cumulative_gas != y->cumulative_gas || x->gas_used != y->gas_used ||
            x->n_logs != y->n_logs || memcmp(x->bloom, y->bloom, sizeof x->bloom))
            return false;
        for (size_t k = 0; k < x->n_logs; k++)
            if (!braid_address_eq(&x->logs[k].address, &y->logs[k].address) ||
                x->logs[k].n_topics != y->logs[k].n_topics || x->logs[k].data_len != y->logs[k].data_len ||
                /* empty logs' data is NULL, and memcmp of NULL is undefined even for 0 bytes */
                (x->logs[k].data_len && memcmp(x->logs[k].data, y->logs[k].data, x->logs[k].data_len)))
                return false;
    }
    return true;
}

#endif
