#include "json_util.h"

int json_get_u256(const json_t *v, braid_u256 *out) {
    if (json_is_integer(v)) {
        json_int_t i = json_integer_value(v);
        if (i < 0) return -1;
        *out = braid_u256_from_u64((uint64_t)i);
        return 0;
    }
    if (!json_is_string(v)) return -1;
    return braid_u256_from_string(json_string_value(v), out);
}

int json_get_u64(const json_t *v, uint64_t *out) {
    braid_u256 x;
    if (json_get_u256(v, &x) != 0 || !braid_u256_fits_u64(x)) return -1;
    *out = x.w[0];
    return 0;
}

int json_get_address(const json_t *v, braid_address *out) {
    if (!json_is_string(v)) return -1;
    return braid_hex_decode_fixed(json_string_value(v), out->b, 20);
}

int json_get_hash(const json_t *v, braid_hash *out) {
    if (!json_is_string(v)) return -1;
    return braid_hex_decode_fixed(json_string_value(v), out->b, 32);
}

int json_get_bytes(const json_t *v, braid_buf *out) {
    if (!json_is_string(v)) return -1;
    return braid_hex_decode(json_string_value(v), out);
}
