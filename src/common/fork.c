/* Fork names as the fixtures and chain configs spell them. */
#include "braid/braid_fork.h"

#include <string.h>

static const char *const fork_names[BRAID_FORK_COUNT] = {
    "Frontier", "Homestead", "TangerineWhistle", "SpuriousDragon", "Byzantium", "Constantinople",
    "Petersburg", "Istanbul", "Berlin", "London", "Paris", "Shanghai", "Cancun",
};

static const struct {
    const char *alias;
    braid_fork fork;
} fork_aliases[] = {
    {"EIP150", BRAID_FORK_TANGERINE_WHISTLE},
    {"EIP158", BRAID_FORK_SPURIOUS_DRAGON},
    {"ConstantinopleFix", BRAID_FORK_PETERSBURG},
    {"Merge", BRAID_FORK_PARIS},
};

const char *braid_fork_name(braid_fork fork) {
    return (unsigned)fork < BRAID_FORK_COUNT ? fork_names[fork] : "Unknown";
}

int braid_fork_from_name(const char *name, braid_fork *out) {
    for (int i = 0; i < BRAID_FORK_COUNT; i++) {
        if (strcmp(name, fork_names[i]) == 0) {
            *out = (braid_fork)i;
            return 0;
        }
    }
    for (size_t i = 0; i < sizeof fork_aliases / sizeof fork_aliases[0]; i++) {
        if (strcmp(name, fork_aliases[i].alias) == 0) {
            *out = fork_aliases[i].fork;
            return 0;
        }
    }
    return -1;
}
