/* Chain configuration: which fork's rules apply to a block, by number (up to Paris) and timestamp
 * (Shanghai on), and the chain id.
 *
 * Thread contract: configurations are plain values; the mainnet one is a constant. */
#ifndef BRAID_CHAIN_H
#define BRAID_CHAIN_H

#include <stdbool.h>
#include <stdint.h>

#include "braid_fork.h"
#include "braid_u256.h"

#define BRAID_NEVER UINT64_MAX

typedef struct braid_chain_config {
    braid_u256 chain_id;
    /* Activation block numbers for Frontier..Paris (index = fork; BRAID_NEVER when never), then
     * activation timestamps for Shanghai and later (also by index). */
    uint64_t activation[BRAID_FORK_COUNT];
    uint64_t dao_fork_block; /* BRAID_NEVER when the chain has no DAO fork */
} braid_chain_config;

/* Mainnet: Homestead 1,150,000; DAO 1,920,000; Tangerine Whistle 2,463,000; Spurious Dragon 2,675,000;
 * Byzantium 4,370,000; Constantinople and Petersburg 7,280,000; Istanbul 9,069,000; Berlin 12,244,000;
 * London 12,965,000; Paris 15,537,394; Shanghai at 1681338455; Cancun at 1710338135. */
const braid_chain_config *braid_chain_mainnet(void);

/* A test chain running one fork from genesis (the blockchain tests' "network"), chain id 1. */
void braid_chain_single_fork(braid_chain_config *cfg, braid_fork fork);

braid_fork braid_chain_fork_at(const braid_chain_config *cfg, uint64_t number, uint64_t timestamp);

/* Applies the DAO fork's irregular state change when `number` is the DAO fork block. */
struct braid_state;
void braid_chain_apply_dao_fork(const braid_chain_config *cfg, struct braid_state *state, uint64_t number);

#endif
