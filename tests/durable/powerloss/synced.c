/* A power-loss model for the durable store's test (tests/durable/test_durability_modes.py).
 *
 * Preloaded into the host (LD_PRELOAD), it wraps fsync and fdatasync: after each successful
 * sync of a file whose name starts with $FAAS_SYNCED_MATCH (the store and its -wal, never the
 * -shm index), it copies the whole file into $FAAS_SYNCED_DIR (written to a temporary name, then
 * renamed, so a copy is never torn). That folder therefore holds each file as of its last sync:
 * what a disk keeps after a power loss that drops every write not yet synced. Deleting such a
 * file deletes its copy (SQLite removes its rollback journal once the store is in WAL mode; a
 * left-over journal would roll the copy back to an empty file).
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The copy's path for a watched file (its name starts with $FAAS_SYNCED_MATCH), else 0. */
static int copy_path(const char *path, char *dst, size_t size, const char **base) {
    const char *dir = getenv("FAAS_SYNCED_DIR");
    const char *match = getenv("FAAS_SYNCED_MATCH");
    if (!dir || !match) return 0;
    const char *slash = strrchr(path, '/');
    *base = slash ? slash + 1 : path;
    if (strncmp(*base, match, strlen(match)) != 0 || strstr(*base, "-shm")) return 0;
    snprintf(dst, size, "%s/%s", dir, *base);
    return 1;
}

static void keep_synced_copy(int fd) {
    char link[64], path[PATH_MAX], dst[PATH_MAX], tmp[PATH_MAX];
    const char *base;
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    ssize_t n = readlink(link, path, sizeof path - 1);
    if (n <= 0) return;
    path[n] = 0;
    if (!copy_path(path, dst, sizeof dst, &base)) return;
    const char *dir = getenv("FAAS_SYNCED_DIR");
    snprintf(tmp, sizeof tmp, "%s/.%s.partial", dir, base);
    int in = open(path, O_RDONLY | O_CLOEXEC);
    int out = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (in >= 0 && out >= 0) {
        char buf[65536];
        ssize_t got;
        while ((got = read(in, buf, sizeof buf)) > 0) {
            if (write(out, buf, (size_t)got) != got) break;
        }
    }
    if (in >= 0) close(in);
    if (out >= 0) {
        close(out);
        rename(tmp, dst);
    }
}

int fsync(int fd) {
    static int (*real)(int);
    if (!real) real = (int (*)(int))dlsym(RTLD_NEXT, "fsync");
    int rc = real(fd);
    if (rc == 0) keep_synced_copy(fd);
    return rc;
}

int fdatasync(int fd) {
    static int (*real)(int);
    if (!real) real = (int (*)(int))dlsym(RTLD_NEXT, "fdatasync");
    int rc = real(fd);
    if (rc == 0) keep_synced_copy(fd);
    return rc;
}

int unlink(const char *path) {
    static int (*real)(const char *);
    if (!real) real = (int (*)(const char *))dlsym(RTLD_NEXT, "unlink");
    int rc = real(path);
    char dst[PATH_MAX];
    const char *base;
    if (rc == 0 && copy_path(path, dst, sizeof dst, &base)) real(dst);
    return rc;
}
