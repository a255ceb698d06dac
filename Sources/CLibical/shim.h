#ifndef CLIBICAL_SHIM_H
#define CLIBICAL_SHIM_H

#include <libical/ical.h>

/// The thread's libical error code (`icalerrno` is a macro and cannot be imported).
static inline icalerrorenum clibical_errno(void) {
    return icalerrno;
}

/// Clears the thread's libical error code.
static inline void clibical_clear_errno(void) {
    icalerror_clear_errno();
}

#endif
