/* Subcommands of the braid binary. Each returns the process exit status. */
#ifndef BRAID_CLI_COMMANDS_H
#define BRAID_CLI_COMMANDS_H

int cmd_statetest(int argc, char **argv);
int cmd_blocktest(int argc, char **argv);
int cmd_block(int argc, char **argv);
int cmd_bench(int argc, char **argv);
int cmd_evmbench(int argc, char **argv);
int cmd_node(int argc, char **argv);

#endif
