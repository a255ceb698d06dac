#ifndef CCBC_SHIM_H
#define CCBC_SHIM_H

#include <coin/Cbc_C_Interface.h>

#endif
