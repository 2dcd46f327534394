#define _GNU_SOURCE
#include "CWardSupport.h"
#include <errno.h>
#include <fcntl.h>

#ifdef __linux__
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <string.h>
#if defined(__has_include)
#if __has_include(<linux/openat2.h>)
#include <linux/openat2.h>
#define WARD_HAS_OPENAT2 1
#endif
#endif

int ward_die_with_parent(int signal) {
    return prctl(PR_SET_PDEATHSIG, (unsigned long)signal, 0UL, 0UL, 0UL);
}

int ward_open_beneath(int directory, const char *path, int flags) {
#if defined(SYS_openat2) && defined(WARD_HAS_OPENAT2)
    struct open_how how;
    memset(&how, 0, sizeof how);
    how.flags = (unsigned long long)flags;
    how.resolve = RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS | RESOLVE_BENEATH;
    return (int)syscall(SYS_openat2, directory, path, &how, sizeof how);
#else
    (void)directory; (void)path; (void)flags;
    errno = ENOSYS;
    return -1;
#endif
}

int ward_open_folder(int directory, const char *name) {
    return openat(directory, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
}
#else
int ward_die_with_parent(int signal) {
    (void)signal;
    errno = ENOSYS;
    return -1;
}

int ward_open_beneath(int directory, const char *path, int flags) {
    (void)directory; (void)path; (void)flags;
    errno = ENOSYS;
    return -1;
}

int ward_open_folder(int directory, const char *name) {
    return openat(directory, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
}
#endif
