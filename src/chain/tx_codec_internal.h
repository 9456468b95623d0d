/* Shared between the transaction codec's files (tx_codec.c, tx_sign.c, tx_json.c): the field layout of
 * each envelope type, the signing hash, and the legacy v <-> chain id rule.
 *
 * Thread contract: pure functions over constant tables and caller-owned values. */
#ifndef BRAID_CHAIN_TX_CODEC_INTERNAL_H
#define BRAID_CHAIN_TX_CODEC_INTERNAL_H

#include <stddef.h>

#include "braid/braid_tx_codec.h"

typedef enum tx_field {
    TX_F_CHAIN_ID,
    TX_F_NONCE,
    TX_F_GAS_PRICE,
    TX_F_MAX_PRIORITY_FEE,
    TX_F_MAX_FEE,
    TX_F_GAS,
    TX_F_TO,
    TX_F_VALUE,
    TX_F_DATA,
    TX_F_ACCESS_LIST,
    TX_F_MAX_BLOB_FEE,
    TX_F_BLOB_HASHES,
    TX_F_V, /* v for legacy transactions, the y parity for typed ones */
    TX_F_R,
    TX_F_S,
} tx_field;

/* The fields of `type` in wire order, the signature (v, r, s) always last. */
const tx_field *tx_fields(braid_tx_type type, size_t *count);
/* The field's name as the JSON-RPC spells it, for error messages. */
const char *tx_field_name(tx_field f);

/* keccak256 of what the sender signed (EIP-155 / EIP-2718 rules, per the transaction's type and v). */
braid_hash tx_signing_hash(const braid_signed_tx *stx);

/* Sets has_chain_id and chain_id of a legacy transaction from its v: v >= 35 means EIP-155, with
 * v = chain_id * 2 + 35 + parity; smaller values carry no chain id. */
void tx_legacy_chain_id_from_v(braid_signed_tx *stx);

/* Sets stx->hash from the canonical encoding. */
void tx_compute_hash(braid_signed_tx *stx);

#endif
