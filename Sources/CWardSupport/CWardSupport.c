#include "CWardSupport.h"
#include <errno.h>

#ifdef __linux__
#include <sys/prctl.h>

int ward_die_with_parent(int signal) {
    return prctl(PR_SET_PDEATHSIG, (unsigned long)signal, 0UL, 0UL, 0UL);
}
#else
int ward_die_with_parent(int signal) {
    (void)signal;
    errno = ENOSYS;
    return -1;
}
#endif
