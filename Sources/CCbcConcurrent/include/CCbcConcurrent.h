#ifndef CCBC_CONCURRENT_H
#define CCBC_CONCURRENT_H

/*
 * CBC models that can be solved from several threads at once.
 *
 * CBC's C interface (Cbc_C_Interface.h) runs each solve through CBC's command-line driver, CbcMain1, which reads
 * its arguments through process-wide globals (the position of the next argument); Cbc_newModel resets them too.
 * CbcConcurrent_newModel and CbcConcurrent_solve take the place of Cbc_newModel and Cbc_solve: they hold one
 * process-wide lock while the driver reads its arguments, solves the root relaxation and sets up, and release it for
 * the branch and bound itself (between the driver's callbacks 3 and 4), after which the driver takes the lock again
 * and reads on from its own position. The branch and bound of several models thus runs in parallel. Every other
 * Cbc_* function of the C interface applies to these models as usual.
 */

#ifdef __cplusplus
extern "C" {
#endif

/// A new model, as Cbc_newModel; free it with Cbc_deleteModel.
void *CbcConcurrent_newModel(void);

/// A flag another thread raises to stop a solve early; free it with CbcConcurrent_deleteFlag.
void *CbcConcurrent_newFlag(void);
void CbcConcurrent_raiseFlag(void *flag);
int CbcConcurrent_isRaised(const void *flag);
void CbcConcurrent_deleteFlag(void *flag);

/// CPUs this process may run on (its affinity mask, as `taskset` sets it); 0 when unknown.
int CbcConcurrent_allowedCPUs(void);

/// Solves `model` as Cbc_solve does, and returns the same status. Once `stop` (a flag, or NULL) is raised, the
/// branch and bound ends at its next node, keeping the best solution found so far.
int CbcConcurrent_solve(void *model, const void *stop);

#ifdef __cplusplus
}
#endif

#endif
