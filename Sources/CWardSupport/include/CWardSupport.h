#ifndef CWARDSUPPORT_H
#define CWARDSUPPORT_H

/// Asks the kernel to send `signal` to this process when the thread that started it ends (prctl's
/// PR_SET_PDEATHSIG, which Swift cannot call: prctl is variadic). Returns 0, or -1 with errno set.
int ward_die_with_parent(int signal);

/// Opens `path` below the open directory `directory` with `flags`, refusing a symbolic link anywhere on the
/// way (openat2 with RESOLVE_NO_SYMLINKS and RESOLVE_BENEATH, Linux 5.6 and later): one system call where
/// checking each directory for links takes one more per directory. Returns the descriptor, or -1 with errno
/// set: ELOOP for a link on the way, ENOSYS where the kernel (or a sandbox) has no openat2.
int ward_open_beneath(int directory, const char *path, int flags);

/// Opens the folder `name` in the open directory `directory` as a place to open files in (O_PATH), without
/// following a link at its name (a link gives ENOTDIR or ELOOP). Returns the descriptor, or -1 with errno set.
int ward_open_folder(int directory, const char *name);

#endif
