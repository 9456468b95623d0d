/* Genesis: a chain's configuration, first header and state from a genesis file in geth's format
 * (`config` with chainId and fork activations, `alloc`, and the header fields gasLimit, difficulty,
 * timestamp, extraData, mixHash, nonce, coinbase, baseFeePerGas, excessBlobGas, blobGasUsed).
 *
 * Forks are read from geth's keys (homesteadBlock ... londonBlock, mergeNetsplitBlock or a
 * terminalTotalDifficulty reached at genesis for Paris, shanghaiTime, cancunTime); a fork left out never
 * activates, and so may no later one. Forks Braid does not implement yet (pragueTime, osakaTime) are
 * refused rather than ignored. Absent header fields take geth's defaults: the base fee 1 gwei when London
 * is active at genesis, zero blob gas, a zero parent beacon block root.
 *
 * Thread contract: stateless. */
#ifndef BRAID_GENESIS_H
#define BRAID_GENESIS_H

#include <jansson.h>

#include "braid_block.h"
#include "braid_chain.h"
#include "braid_state.h"

typedef struct braid_genesis {
    braid_chain_config cfg;
    braid_header header; /* state root and hash filled in */
} braid_genesis;

/* Loads the genesis object's alloc into `state` (an empty state) and fills `out`. Returns 0, or -1 with
 * a message naming the field. */
int braid_genesis_from_json(const json_t *genesis, braid_state *state, braid_genesis *out, char *err,
                            size_t err_len);
/* The same from a file (".zst" files are decompressed). */
int braid_genesis_load_file(const char *path, braid_state *state, braid_genesis *out, char *err, size_t err_len);

#endif
