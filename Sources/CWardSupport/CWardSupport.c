#include "CWardSupport.h"
#include <sys/prctl.h>

int ward_die_with_parent(int signal) {
    return prctl(PR_SET_PDEATHSIG, (unsigned long)signal, 0UL, 0UL, 0UL);
}
