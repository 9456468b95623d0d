/* Subcommands of the braid binary. Each returns the process exit status. */
#ifndef BRAID_CLI_COMMANDS_H
#define BRAID_CLI_COMMANDS_H

#include <pthread.h>
#include <signal.h>

int cmd_statetest(int argc, char **argv);
int cmd_blocktest(int argc, char **argv);
int cmd_block(int argc, char **argv);
int cmd_bench(int argc, char **argv);
int cmd_evmbench(int argc, char **argv);
int cmd_node(int argc, char **argv);

/* Blocks SIGINT and SIGTERM in the calling thread (and the threads it starts later); *set holds them. */
static inline void cli_block_stop_signals(sigset_t *set) {
    sigemptyset(set);
    sigaddset(set, SIGINT);
    sigaddset(set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, set, NULL);
}

#endif
