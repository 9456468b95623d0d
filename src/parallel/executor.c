/* Placeholder until the Block-STM engine lands: the sequential path behind the executor API. */
#include <stdlib.h>
#include <unistd.h>

#include "braid/braid_parallel.h"

struct braid_executor {
    unsigned threads;
    braid_vm *vm;
};

braid_executor *braid_executor_create(unsigned threads) {
    braid_executor *ex = braid_xcalloc(1, sizeof *ex);
    ex->threads = threads ? threads : (unsigned)sysconf(_SC_NPROCESSORS_ONLN);
    ex->vm = braid_vm_create();
    return ex;
}

void braid_executor_destroy(braid_executor *ex) {
    if (!ex) return;
    braid_vm_destroy(ex->vm);
    free(ex);
}

unsigned braid_executor_threads(const braid_executor *ex) { return ex->threads; }

int braid_executor_recover_senders(braid_executor *ex, braid_block *block, const braid_chain_config *cfg,
                                   size_t *failed, char *err, size_t err_len) {
    (void)ex;
    return braid_block_recover_senders(block, cfg, failed, err, err_len);
}

int braid_executor_execute(braid_executor *ex, braid_state *state, const braid_chain_config *cfg,
                           const braid_block *block, const braid_block_hashes *hashes,
                           const braid_block_options *opt, braid_block_result *out, braid_stm_stats *stats) {
    if (stats) {
        *stats = (braid_stm_stats){.executions = block->n_txs, .sequential = true, .sequential_why = "not yet parallel"};
    }
    return braid_block_execute(ex->vm, state, cfg, block, hashes, opt, out);
}
