/* Account maps in JSON into a state (braid_json_accounts). */
#include <stdio.h>

#include "braid/braid_json.h"

int braid_json_accounts(const json_t *accounts, braid_state *state, bool lenient, char *err, size_t err_len) {
    if (!json_is_object(accounts)) {
        snprintf(err, err_len, "accounts: not a JSON object");
        return -1;
    }
    braid_buf code;
    braid_buf_init(&code);
    const char *key;
    json_t *acc;
    int rc = 0;
    json_object_foreach((json_t *)accounts, key, acc) {
        braid_address addr;
        uint64_t nonce = 0;
        braid_u256 balance = BRAID_U256_ZERO;
        const json_t *jn = json_object_get(acc, "nonce"), *jb = json_object_get(acc, "balance"),
                     *jc = json_object_get(acc, "code"), *js = json_object_get(acc, "storage");
        const char *bad = NULL;
        braid_buf_clear(&code);
        if (braid_json_address_text(key, &addr))
            bad = "address";
        else if (!json_is_object(acc))
            bad = "account (not an object)";
        else if ((jn || !lenient) && braid_json_u64(jn, &nonce))
            bad = "nonce";
        else if ((jb || !lenient) && braid_json_u256(jb, &balance))
            bad = "balance";
        else if ((jc || !lenient) && braid_json_bytes(jc, &code))
            bad = "code";
        else if ((js || !lenient) && !json_is_object(js))
            bad = "storage";
        if (bad) {
            snprintf(err, err_len, "account %s: missing or malformed %s", key, bad);
            rc = -1;
            break;
        }
        braid_state_put_account(state, &addr, nonce, balance,
                                braid_code_cache_get(braid_state_codes(state), code.data, code.len));
        const char *skey;
        json_t *sval;
        if (js) json_object_foreach((json_t *)js, skey, sval) {
                braid_u256 k, v;
                if (braid_u256_from_string(skey, &k) || braid_json_u256(sval, &v)) {
                    snprintf(err, err_len, "account %s: malformed storage slot %s", key, skey);
                    rc = -1;
                    break;
                }
                braid_state_put_storage(state, &addr, k, v);
            }
        if (rc) break;
    }
    braid_buf_free(&code);
    return rc;
}
