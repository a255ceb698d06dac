#ifndef REVIEWCAL_CQRENCODE_SHIM_H
#define REVIEWCAL_CQRENCODE_SHIM_H
#include <qrencode.h>
#endif
