/* braid: the command-line front end. One subcommand per file. */
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv) {
    (void)argc;
    (void)argv;
    fprintf(stderr, "braid: no subcommands yet\n");
    return 2;
}
