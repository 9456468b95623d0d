#include "pool.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>

#include "braid/braid_bytes.h"
#include "braid/braid_evm.h"

struct braid_pool {
    unsigned threads;
    pthread_t *ids;
    pthread_mutex_t lock;
    pthread_cond_t wake, finished;
    unsigned long generation; /* bumped per section; workers run once per bump */
    unsigned running;
    bool stopping;
    pool_fn fn;
    void *arg;
};

typedef struct worker_start {
    braid_pool *pool;
    unsigned index;
} worker_start;

static void *worker_main(void *p) {
    worker_start *start = p;
    braid_pool *pool = start->pool;
    unsigned index = start->index;
    free(start);
    unsigned long seen = 0;
    pthread_mutex_lock(&pool->lock);
    for (;;) {
        while (!pool->stopping && pool->generation == seen) pthread_cond_wait(&pool->wake, &pool->lock);
        if (pool->stopping) break;
        seen = pool->generation;
        pool_fn fn = pool->fn;
        void *arg = pool->arg;
        pthread_mutex_unlock(&pool->lock);
        fn(arg, index);
        pthread_mutex_lock(&pool->lock);
        if (--pool->running == 0) pthread_cond_signal(&pool->finished);
    }
    pthread_mutex_unlock(&pool->lock);
    return NULL;
}

braid_pool *pool_create(unsigned threads) {
    braid_pool *p = braid_xcalloc(1, sizeof *p);
    p->threads = threads ? threads : 1;
    pthread_mutex_init(&p->lock, NULL);
    pthread_cond_init(&p->wake, NULL);
    pthread_cond_init(&p->finished, NULL);
    p->ids = braid_xcalloc(p->threads, sizeof *p->ids);
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, BRAID_VM_STACK_SIZE);
    for (unsigned i = 1; i < p->threads; i++) {
        worker_start *s = braid_xmalloc(sizeof *s);
        s->pool = p;
        s->index = i;
        pthread_create(&p->ids[i], &attr, worker_main, s);
    }
    pthread_attr_destroy(&attr);
    return p;
}

void pool_destroy(braid_pool *p) {
    if (!p) return;
    pthread_mutex_lock(&p->lock);
    p->stopping = true;
    pthread_cond_broadcast(&p->wake);
    pthread_mutex_unlock(&p->lock);
    for (unsigned i = 1; i < p->threads; i++) pthread_join(p->ids[i], NULL);
    pthread_mutex_destroy(&p->lock);
    pthread_cond_destroy(&p->wake);
    pthread_cond_destroy(&p->finished);
    free(p->ids);
    free(p);
}

void pool_run(braid_pool *p, pool_fn fn, void *arg) {
    if (p->threads > 1) {
        pthread_mutex_lock(&p->lock);
        p->fn = fn;
        p->arg = arg;
        p->running = p->threads - 1;
        p->generation++;
        pthread_cond_broadcast(&p->wake);
        pthread_mutex_unlock(&p->lock);
    }
    fn(arg, 0);
    if (p->threads > 1) {
        pthread_mutex_lock(&p->lock);
        while (p->running) pthread_cond_wait(&p->finished, &p->lock);
        pthread_mutex_unlock(&p->lock);
    }
}
