/* The state after a given block, for the RPC methods: the flat tables at the head, the tries below it
 * (their nodes are kept, so every block's state stays readable by its root). */
#ifndef BRAID_NODE_STATE_VIEW_H
#define BRAID_NODE_STATE_VIEW_H

#include "braid/braid_block.h"
#include "braid/braid_mpt.h"
#include "braid/braid_state.h"
#include "braid/braid_store.h"

typedef struct state_view {
    braid_store_txn *t;
    bool flat;          /* the head: the flat tables */
    braid_hash root;    /* otherwise the state trie at this root */
    braid_mpt_store nodes;
    braid_code_cache *codes;
    braid_state_source source; /* reads for an execution over this view */
} state_view;

void state_view_init(state_view *v, braid_store_txn *t, braid_code_cache *codes, bool flat, const braid_hash *root);
/* false: absent (or, for a trie view, a node missing: the caller cannot tell, and need not) */
bool state_view_account(state_view *v, const braid_address *addr, braid_store_account *out);
braid_u256 state_view_slot(state_view *v, const braid_address *addr, const braid_u256 *key);

#endif
