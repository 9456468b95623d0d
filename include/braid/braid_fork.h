/* Ethereum mainnet forks, in activation order. Comparisons like `fork >= BRAID_FORK_BERLIN` are how
 * rules are selected everywhere.
 *
 * Thread contract: pure functions over constant tables. */
#ifndef BRAID_FORK_H
#define BRAID_FORK_H

typedef enum braid_fork {
    BRAID_FORK_FRONTIER,
    BRAID_FORK_HOMESTEAD,
    BRAID_FORK_TANGERINE_WHISTLE, /* EIP-150 */
    BRAID_FORK_SPURIOUS_DRAGON,   /* EIP-158/161 */
    BRAID_FORK_BYZANTIUM,
    BRAID_FORK_CONSTANTINOPLE,
    BRAID_FORK_PETERSBURG, /* "ConstantinopleFix" in the fixtures */
    BRAID_FORK_ISTANBUL,
    BRAID_FORK_BERLIN,
    BRAID_FORK_LONDON,
    BRAID_FORK_PARIS, /* "Merge" */
    BRAID_FORK_SHANGHAI,
    BRAID_FORK_CANCUN,
    BRAID_FORK_COUNT
} braid_fork;

/* Canonical name ("Frontier", ..., "Cancun"). */
const char *braid_fork_name(braid_fork fork);

/* Parses a fork name as the ethereum/tests fixtures spell it (also the aliases EIP150, EIP158,
 * ConstantinopleFix, Merge). Returns 0 and sets *out, or -1 for an unknown name. */
int braid_fork_from_name(const char *name, braid_fork *out);

#endif
