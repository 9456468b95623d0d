/* Loading a JSON account map {address: {balance, nonce, code, storage}} into a state: the "pre" and
 * "postState" of the ethereum/tests fixtures, and the prestateTracer format of real blocks. */
#ifndef BRAID_CLI_PRESTATE_H
#define BRAID_CLI_PRESTATE_H

#include <jansson.h>
#include <stdbool.h>

#include "braid/braid_state.h"

/* With `lenient`, absent fields mean empty (zero balance and nonce, no code, no storage), as the
 * prestateTracer omits them; otherwise all four must be present. Returns 0, or -1 with a message naming
 * the account and field. */
int prestate_load(const json_t *accounts, braid_state *state, bool lenient, char *err, size_t err_len);

#endif
