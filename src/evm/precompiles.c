/* The table of precompiled contracts and the fork in which each appears. */
#include "braid/braid_precompile.h"

static const struct {
    braid_fork since;
    braid_precompile_gas_fn gas;
    braid_precompile_run_fn run;
} precompiles[] = {
    /* index = address - 1 */
    {BRAID_FORK_FRONTIER, braid_pc_ecrecover_gas, braid_pc_ecrecover_run},
    {BRAID_FORK_FRONTIER, braid_pc_sha256_gas, braid_pc_sha256_run},
    {BRAID_FORK_FRONTIER, braid_pc_ripemd160_gas, braid_pc_ripemd160_run},
    {BRAID_FORK_FRONTIER, braid_pc_identity_gas, braid_pc_identity_run},
    {BRAID_FORK_BYZANTIUM, braid_pc_modexp_gas, braid_pc_modexp_run},
    {BRAID_FORK_BYZANTIUM, braid_pc_bn254_add_gas, braid_pc_bn254_add_run},
    {BRAID_FORK_BYZANTIUM, braid_pc_bn254_mul_gas, braid_pc_bn254_mul_run},
    {BRAID_FORK_BYZANTIUM, braid_pc_bn254_pairing_gas, braid_pc_bn254_pairing_run},
    {BRAID_FORK_ISTANBUL, braid_pc_blake2f_gas, braid_pc_blake2f_run},
    {BRAID_FORK_CANCUN, braid_pc_point_evaluation_gas, braid_pc_point_evaluation_run},
};

int braid_precompile_lookup(unsigned address, braid_fork fork, braid_precompile_gas_fn *gas,
                            braid_precompile_run_fn *run) {
    if (address == 0 || address > sizeof precompiles / sizeof precompiles[0]) return -1;
    if (fork < precompiles[address - 1].since) return -1;
    *gas = precompiles[address - 1].gas;
    *run = precompiles[address - 1].run;
    return 0;
}

unsigned braid_precompile_count(braid_fork fork) {
    if (fork >= BRAID_FORK_CANCUN) return 10;
    if (fork >= BRAID_FORK_ISTANBUL) return 9;
    if (fork >= BRAID_FORK_BYZANTIUM) return 8;
    return 4;
}
