/* Keccak hints: on the path where one worker executes a block's transactions in order, the other
 * workers compute ahead of it the KECCAK256 of mapping slots the coming transactions will most likely
 * hash (a token's balances of the sender and of the recipient named in the call data), so that the
 * executing worker finds them in its vm's memo instead of hashing them itself.
 *
 * What to hash is learned, not assumed: the executing worker samples the 64-byte inputs its
 * transactions hash (a key word, then the mapping's slot word) and keeps those whose key word was the
 * sender, the callee or a call-data word, per callee and slot word. A block uses what the blocks before
 * it taught. A hint is a pure function of its input, so a wrong guess costs time only, never a result.
 *
 * Thread contract: kh_learn, kh_take and kh_end_block on the executing worker only; kh_predict on any
 * number of other workers at once, between kh_begin_block and the end of the block's execution. */
#ifndef BRAID_KECCAK_HINTS_H
#define BRAID_KECCAK_HINTS_H

#include <stdatomic.h>
#include <stdbool.h>

#include "braid/braid_block.h"
#include "braid/braid_evm.h"

typedef struct keccak_hints keccak_hints;

keccak_hints *kh_create(void);
void kh_destroy(keccak_hints *kh);

/* Before the block's execution starts. */
void kh_begin_block(keccak_hints *kh, const braid_block *block);
/* True when transaction i should be sampled: run it with `log` set on the vm, then call kh_learn. */
bool kh_sample(const keccak_hints *kh, size_t i);
void kh_learn(keccak_hints *kh, size_t i, const braid_keccak_log *log);
/* Before executing transaction i: hands the hints ready for it to the vm's memo. */
void kh_take(keccak_hints *kh, size_t i, braid_vm *vm);
/* On a helper worker: hashes the hints of a few transactions less than `ahead` after `executing` (the
 * index of the transaction now being executed). False when there is nothing to do in that window. */
bool kh_predict(keccak_hints *kh, size_t executing, size_t ahead);
/* Transactions of the current (or, after kh_end_block, the last) block that found hints ready. */
size_t kh_hinted(const keccak_hints *kh);
/* After the block: what it taught becomes what the next block uses. */
void kh_end_block(keccak_hints *kh);

#endif
