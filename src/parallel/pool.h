/* A persistent pool of worker threads: created once, woken for each parallel section. The calling
 * thread takes part as worker 0, so a pool of N threads starts N-1. */
#ifndef BRAID_POOL_H
#define BRAID_POOL_H

typedef struct braid_pool braid_pool;
typedef void (*pool_fn)(void *arg, unsigned worker);

braid_pool *pool_create(unsigned threads);
void pool_destroy(braid_pool *p);
/* Runs fn(arg, w) on every worker w in [0, threads) and returns when all have finished. */
void pool_run(braid_pool *p, pool_fn fn, void *arg);

#endif
