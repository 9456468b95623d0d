/* The spinlock of the parallel executor: critical sections are a few dozen instructions, so spinning
 * beats sleeping; but when there are more workers than cores the holder may be descheduled, so a
 * waiter that spins too long gives its core away. */
#ifndef BRAID_SPIN_H
#define BRAID_SPIN_H

#include <sched.h>
#include <stdatomic.h>

static inline void spin_wait(unsigned *spins) {
    if (++*spins < 128)
        __builtin_ia32_pause();
    else
        sched_yield();
}

static inline void spin_lock(atomic_int *l) {
    unsigned spins = 0;
    for (;;) {
        if (!atomic_exchange_explicit(l, 1, memory_order_acquire)) return;
        while (atomic_load_explicit(l, memory_order_relaxed)) spin_wait(&spins);
    }
}

static inline void spin_unlock(atomic_int *l) { atomic_store_explicit(l, 0, memory_order_release); }

#endif
