/* Walking a fixture folder: every named test of every JSON file under a directory, recursively, in the
 * ethereum/tests layout ({name: test, ...} per file). Shared by the unit tests that replay fixtures. */
#ifndef BRAID_TEST_FIXTURE_WALK_H
#define BRAID_TEST_FIXTURE_WALK_H

#include <dirent.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>

typedef void (*fixture_test_fn)(const char *file, const char *name, const json_t *test, void *arg);

static void walk_fixture_tests(const char *dir, fixture_test_fn fn, void *arg) {
    DIR *d = opendir(dir);
    if (!d) return;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.') continue;
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        size_t len = strlen(e->d_name);
        if (len > 5 && strcmp(e->d_name + len - 5, ".json") == 0) {
            json_t *root = json_load_file(path, 0, NULL);
            const char *name;
            json_t *t;
            json_object_foreach(root, name, t) fn(path, name, t, arg);
            json_decref(root);
        } else {
            walk_fixture_tests(path, fn, arg);
        }
    }
    closedir(d);
}

#endif
