#ifndef CWARDSUPPORT_H
#define CWARDSUPPORT_H

/// Asks the kernel to send `signal` to this process when the thread that started it ends (prctl's
/// PR_SET_PDEATHSIG, which Swift cannot call: prctl is variadic). Returns 0, or -1 with errno set.
int ward_die_with_parent(int signal);

#endif
