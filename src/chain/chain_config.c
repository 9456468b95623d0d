/* Fork schedules. */
#include "braid/braid_chain.h"

static const braid_chain_config mainnet = {
    .chain_id = {{1, 0, 0, 0}},
    .activation =
        {
            [BRAID_FORK_FRONTIER] = 0,
            [BRAID_FORK_HOMESTEAD] = 1150000,
            [BRAID_FORK_TANGERINE_WHISTLE] = 2463000,
            [BRAID_FORK_SPURIOUS_DRAGON] = 2675000,
            [BRAID_FORK_BYZANTIUM] = 4370000,
            [BRAID_FORK_CONSTANTINOPLE] = 7280000,
            [BRAID_FORK_PETERSBURG] = 7280000,
            [BRAID_FORK_ISTANBUL] = 9069000,
            [BRAID_FORK_BERLIN] = 12244000,
            [BRAID_FORK_LONDON] = 12965000,
            [BRAID_FORK_PARIS] = 15537394,
            [BRAID_FORK_SHANGHAI] = 1681338455,
            [BRAID_FORK_CANCUN] = 1710338135,
        },
    .dao_fork_block = 1920000,
};

const braid_chain_config *braid_chain_mainnet(void) { return &mainnet; }

void braid_chain_single_fork(braid_chain_config *cfg, braid_fork fork) {
    cfg->chain_id = braid_u256_from_u64(1);
    for (int f = 0; f < BRAID_FORK_COUNT; f++) cfg->activation[f] = f <= (int)fork ? 0 : BRAID_NEVER;
    cfg->dao_fork_block = BRAID_NEVER;
}

braid_fork braid_chain_fork_at(const braid_chain_config *cfg, uint64_t number, uint64_t timestamp) {
    braid_fork fork = BRAID_FORK_FRONTIER;
    for (int f = 1; f < BRAID_FORK_COUNT; f++) {
        uint64_t at = cfg->activation[f];
        uint64_t now = f >= BRAID_FORK_SHANGHAI ? timestamp : number;
        if (at != BRAID_NEVER && now >= at) fork = (braid_fork)f;
    }
    return fork;
}
