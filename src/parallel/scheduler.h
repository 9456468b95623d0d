/* The Block-STM collaborative scheduler (Gelashvili et al., PPoPP 2023): workers pull execution and
 * validation tasks from two shared indexes, lower-numbered work first. A transaction that reads another's
 * pending write waits on it (its dependency list) instead of spinning; a failed validation aborts the
 * transaction, and every later one is validated again.
 *
 * Thread contract: all functions are called by the workers concurrently. */
#ifndef BRAID_SCHEDULER_H
#define BRAID_SCHEDULER_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

typedef enum sched_task_kind { TASK_NONE, TASK_EXECUTE, TASK_VALIDATE } sched_task_kind;

typedef struct sched_task {
    sched_task_kind kind;
    uint32_t tx;
    uint32_t incarnation;
} sched_task;

typedef struct scheduler scheduler;

scheduler *sched_create(void);
void sched_destroy(scheduler *s);
void sched_begin(scheduler *s, uint32_t n_txs, unsigned workers);
bool sched_done(const scheduler *s);

/* `w` is the calling worker (0 .. workers-1) in every call below. */
sched_task sched_next_task(scheduler *s, unsigned w);
/* The executing transaction read `blocking`'s ESTIMATE: true when it is now suspended until `blocking`
 * finishes; false when `blocking` already finished (execute again at once). */
bool sched_add_dependency(scheduler *s, unsigned w, uint32_t tx, uint32_t blocking);
/* Whether `tx`'s latest incarnation has executed (its writes are in multi-version memory). */
bool sched_executed(scheduler *s, uint32_t tx);
/* After an execution recorded its writes; may hand back its validation as the next task. */
sched_task sched_finish_execution(scheduler *s, unsigned w, uint32_t tx, uint32_t incarnation,
                                  bool wrote_new_location);
/* Claims the right to abort (tx, incarnation) after a failed validation. */
bool sched_try_validation_abort(scheduler *s, uint32_t tx, uint32_t incarnation);
sched_task sched_finish_validation(scheduler *s, unsigned w, uint32_t tx, bool aborted);

#endif
