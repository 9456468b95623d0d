/* Chain configuration (mainnet fork boundaries) and the DAO fork's irregular state change. */
#include "braid/braid_chain.h"
#include "braid/braid_state.h"
#include "test_util.h"

static void test_mainnet_schedule(void) {
    const braid_chain_config *m = braid_chain_mainnet();
    static const struct {
        uint64_t number, timestamp;
        braid_fork fork;
    } cases[] = {
        {0, 0, BRAID_FORK_FRONTIER},
        {1149999, 0, BRAID_FORK_FRONTIER},
        {1150000, 0, BRAID_FORK_HOMESTEAD},
        {2462999, 0, BRAID_FORK_HOMESTEAD},
        {2463000, 0, BRAID_FORK_TANGERINE_WHISTLE},
        {2675000, 0, BRAID_FORK_SPURIOUS_DRAGON},
        {4369999, 0, BRAID_FORK_SPURIOUS_DRAGON},
        {4370000, 0, BRAID_FORK_BYZANTIUM},
        {7279999, 0, BRAID_FORK_BYZANTIUM},
        {7280000, 0, BRAID_FORK_PETERSBURG}, /* Constantinople never ran alone on mainnet */
        {9069000, 0, BRAID_FORK_ISTANBUL},
        {12244000, 0, BRAID_FORK_BERLIN},
        {12965000, 0, BRAID_FORK_LONDON},
        {15537393, 1663224162, BRAID_FORK_LONDON},
        {15537394, 1663224179, BRAID_FORK_PARIS},
        {17034869, 1681338443, BRAID_FORK_PARIS},
        {17034870, 1681338479, BRAID_FORK_SHANGHAI},
        {19426586, 1710338123, BRAID_FORK_SHANGHAI},
        {19426587, 1710338135, BRAID_FORK_CANCUN},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        braid_fork f = braid_chain_fork_at(m, cases[i].number, cases[i].timestamp);
        CHECKF(f == cases[i].fork, "block %llu: %s, expected %s", (unsigned long long)cases[i].number,
               braid_fork_name(f), braid_fork_name(cases[i].fork));
    }
    CHECK(braid_u256_eq(m->chain_id, braid_u256_from_u64(1)));

    braid_chain_config single;
    braid_chain_single_fork(&single, BRAID_FORK_BERLIN);
    CHECK(braid_chain_fork_at(&single, 0, 0) == BRAID_FORK_BERLIN);
    CHECK(braid_chain_fork_at(&single, 99999999, 2000000000) == BRAID_FORK_BERLIN);
}

static braid_address addr(const char *hex) {
    braid_address a;
    braid_hex_decode_fixed(hex, a.b, 20);
    return a;
}

/* EIP-779: at 1,920,000 the listed accounts' balances move to the WithdrawDAO contract. */
static void test_dao_fork(void) {
    const braid_chain_config *m = braid_chain_mainnet();
    braid_code_cache *codes = braid_code_cache_create();
    braid_state *s = braid_state_create(codes, NULL);
    braid_address first = addr("0xd4fe7bc31cedb7bfb8a345f31e668033056b2728"); /* first of the list */
    braid_address last = addr("0x807640a13483f8ac783c557fcdf27be11ea4ac7a");  /* last of the list */
    braid_address bystander = addr("0x1111111111111111111111111111111111111111");
    braid_address recovery = addr("0xbf4ed7b27f1d666546e30d74d50d173d20bca754");
    braid_state_put_account(s, &first, 0, braid_u256_from_u64(1000), braid_code_empty());
    braid_state_put_account(s, &last, 3, braid_u256_from_u64(234), braid_code_empty());
    braid_state_put_account(s, &bystander, 0, braid_u256_from_u64(7), braid_code_empty());
    braid_state_put_account(s, &recovery, 0, braid_u256_from_u64(5), braid_code_empty());

    braid_chain_apply_dao_fork(m, s, 1919999); /* not the fork block: nothing moves */
    CHECK(braid_u256_eq(braid_state_get_balance(s, &first), braid_u256_from_u64(1000)));

    braid_chain_apply_dao_fork(m, s, 1920000);
    CHECK(braid_u256_is_zero(braid_state_get_balance(s, &first)));
    CHECK(braid_u256_is_zero(braid_state_get_balance(s, &last)));
    CHECK(braid_state_get_nonce(s, &last) == 3);
    CHECK(braid_u256_eq(braid_state_get_balance(s, &bystander), braid_u256_from_u64(7)));
    CHECK(braid_u256_eq(braid_state_get_balance(s, &recovery), braid_u256_from_u64(5 + 1000 + 234)));

    braid_chain_config single;
    braid_chain_single_fork(&single, BRAID_FORK_HOMESTEAD); /* no DAO fork on test chains */
    braid_state_put_account(s, &first, 0, braid_u256_from_u64(9), braid_code_empty());
    braid_chain_apply_dao_fork(&single, s, 1920000);
    CHECK(braid_u256_eq(braid_state_get_balance(s, &first), braid_u256_from_u64(9)));
    braid_state_destroy(s);
    braid_code_cache_destroy(codes);
}

int main(void) {
    test_mainnet_schedule();
    test_dao_fork();
    return test_summary("chain");
}
