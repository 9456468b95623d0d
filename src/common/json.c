#include "braid/braid_json.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zstd.h>

/* Decompressed JSON inputs are bounded so a hostile frame header cannot ask for absurd memory. */
#define MAX_DECOMPRESSED ((size_t)1 << 31)

static json_t *load_zstd(const char *path, char *err, size_t err_len) {
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, err_len, "%s: cannot open", path);
        return NULL;
    }
    braid_buf in, out;
    braid_buf_init(&in);
    braid_buf_init(&out);
    uint8_t chunk[1 << 16];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) braid_buf_append(&in, chunk, n);
    bool read_error = ferror(f);
    fclose(f);
    json_t *j = NULL;
    if (read_error) {
        snprintf(err, err_len, "%s: read error", path);
        goto done;
    }
    ZSTD_DStream *ds = ZSTD_createDStream();
    ZSTD_inBuffer zin = {in.data, in.len, 0};
    size_t rc = 1;
    while (zin.pos < zin.size || rc != 0) {
        if (out.len + sizeof chunk > MAX_DECOMPRESSED) {
            snprintf(err, err_len, "%s: decompresses to more than 2 GiB", path);
            ZSTD_freeDStream(ds);
            goto done;
        }
        ZSTD_outBuffer zout = {chunk, sizeof chunk, 0};
        rc = ZSTD_decompressStream(ds, &zout, &zin);
        if (ZSTD_isError(rc)) {
            snprintf(err, err_len, "%s: zstd: %s", path, ZSTD_getErrorName(rc));
            ZSTD_freeDStream(ds);
            goto done;
        }
        braid_buf_append(&out, chunk, zout.pos);
        if (zin.pos == zin.size && zout.pos == 0 && rc != 0) {
            snprintf(err, err_len, "%s: truncated zstd stream", path);
            ZSTD_freeDStream(ds);
            goto done;
        }
    }
    ZSTD_freeDStream(ds);
    json_error_t jerr;
    j = json_loadb((const char *)out.data, out.len, 0, &jerr);
    if (!j) snprintf(err, err_len, "%s: line %d: %s", path, jerr.line, jerr.text);
done:
    braid_buf_free(&in);
    braid_buf_free(&out);
    return j;
}

json_t *braid_json_load_file(const char *path, char *err, size_t err_len) {
    size_t len = strlen(path);
    if (len > 4 && strcmp(path + len - 4, ".zst") == 0) return load_zstd(path, err, err_len);
    json_error_t jerr;
    json_t *j = json_load_file(path, 0, &jerr);
    if (!j) snprintf(err, err_len, "%s: line %d: %s", path, jerr.line, jerr.text);
    return j;
}

int braid_json_u256(const json_t *v, braid_u256 *out) {
    if (json_is_integer(v)) {
        json_int_t i = json_integer_value(v);
        if (i < 0) return -1;
        *out = braid_u256_from_u64((uint64_t)i);
        return 0;
    }
    if (!json_is_string(v)) return -1;
    return braid_u256_from_string(json_string_value(v), out);
}

int braid_json_u64(const json_t *v, uint64_t *out) {
    braid_u256 x;
    if (braid_json_u256(v, &x) != 0 || !braid_u256_fits_u64(x)) return -1;
    *out = x.w[0];
    return 0;
}

int braid_json_address(const json_t *v, braid_address *out) {
    if (!json_is_string(v)) return -1;
    return braid_hex_decode_fixed(json_string_value(v), out->b, 20);
}

int braid_json_address_text(const char *text, braid_address *out) {
    if (text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) return braid_hex_decode_fixed(text, out->b, 20);
    char prefixed[43];
    if (strlen(text) != 40) return -1;
    prefixed[0] = '0';
    prefixed[1] = 'x';
    memcpy(prefixed + 2, text, 41);
    return braid_hex_decode_fixed(prefixed, out->b, 20);
}

int braid_json_hash(const json_t *v, braid_hash *out) {
    if (!json_is_string(v)) return -1;
    return braid_hex_decode_fixed(json_string_value(v), out->b, 32);
}

int braid_json_bytes(const json_t *v, braid_buf *out) {
    if (!json_is_string(v)) return -1;
    return braid_hex_decode(json_string_value(v), out);
}
