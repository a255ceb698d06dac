#include <atomic>
#include <mutex>

#include <sched.h>

#include "CbcEventHandler.hpp"
#include "CbcModel.hpp"
#include "CbcSolver.hpp"
#include "CoinError.hpp"
#include "OsiClpSolverInterface.hpp"

#define CBC_EXTERN_C
#include "Coin_C_defines.h"
#include "Cbc_C_Interface.h"

#include "CCbcConcurrent.h"

// CBC's driver reads its arguments through these process-wide globals (CbcOrClpParam.cpp): the position of the next
// argument, and of the next word of the environment.
extern int CbcOrClpRead_mode;
extern int CbcOrClpEnvironmentIndex;

namespace {

/// Held while CBC's driver reads its arguments or resets the globals above.
std::mutex driverLock;

/// Whether this thread holds `driverLock` inside CbcMain1.
thread_local bool holdsDriverLock = false;
/// Where this thread's driver was in its arguments when it let the lock go.
thread_local int savedReadMode = 0;
thread_local int savedEnvironmentIndex = -1;

/// CbcMain1 calls this at fixed points; 3 is just before the branch and bound, 4 just after it. In between, the
/// driver reads no argument, so other threads' drivers may run; afterwards it reads on from where it was.
int driverCallback(CbcModel *, int whereFrom)
{
  if (whereFrom == 3 && holdsDriverLock) {
    savedReadMode = CbcOrClpRead_mode;
    savedEnvironmentIndex = CbcOrClpEnvironmentIndex;
    holdsDriverLock = false;
    driverLock.unlock();
  } else if (whereFrom == 4 && !holdsDriverLock) {
    driverLock.lock();
    holdsDriverLock = true;
    CbcOrClpRead_mode = savedReadMode;
    CbcOrClpEnvironmentIndex = savedEnvironmentIndex;
  }
  return 0;
}

typedef std::atomic<int> Flag;

/// Stops the branch and bound at its next node once the caller's flag is raised.
class StopHandler : public CbcEventHandler {
public:
  explicit StopHandler(const Flag *stop)
    : CbcEventHandler()
    , stop_(stop)
  {
  }
  StopHandler(const StopHandler &rhs)
    : CbcEventHandler(rhs)
    , stop_(rhs.stop_)
  {
  }
  CbcEventHandler *clone() const override { return new StopHandler(*this); }
  CbcAction event(CbcEvent whichEvent) override
  {
    if ((whichEvent == node || whichEvent == treeStatus) && stop_->load() != 0)
      return stop;
    return noAction;
  }

private:
  const Flag *stop_;
};

} // namespace

extern "C" void *CbcConcurrent_newModel(void)
{
  std::lock_guard<std::mutex> guard(driverLock);
  return Cbc_newModel();
}

extern "C" void *CbcConcurrent_newFlag(void) { return new Flag(0); }

extern "C" void CbcConcurrent_raiseFlag(void *flag) { static_cast<Flag *>(flag)->store(1); }

extern "C" int CbcConcurrent_isRaised(const void *flag) { return static_cast<const Flag *>(flag)->load(); }

extern "C" void CbcConcurrent_deleteFlag(void *flag) { delete static_cast<Flag *>(flag); }

extern "C" int CbcConcurrent_allowedCPUs(void)
{
#ifdef __linux__
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof(set), &set) == 0)
    return CPU_COUNT(&set);
#endif
  return 0;
}

extern "C" int CbcConcurrent_solve(void *opaque, const void *stop)
{
  Cbc_Model *model = static_cast<Cbc_Model *>(opaque);
  OsiSolverInterface *solver = model->solver_;
  // Columns added one by one are buffered by the C interface and flushed by its own Cbc_solve: leave those to it.
  if (model->nCols != 0) {
    std::lock_guard<std::mutex> guard(driverLock);
    return Cbc_solve(model);
  }
  // As Cbc_solve: a model without integers, or one marked to solve its relaxation only, is a plain LP.
  if (solver->getNumIntegers() == 0 || model->relax_ == 1) {
    if (solver->basisIsAvailable())
      solver->resolve();
    else
      solver->initialSolve();
    return solver->isProvenOptimal() ? 0 : 1;
  }
  if (stop) {
    StopHandler handler(static_cast<const Flag *>(stop));
    model->model_->passInEventHandler(&handler);
  }
  std::vector<const char *> argv;
  argv.push_back("Cbc_C_Interface");
  for (size_t i = 0; i < model->cmdargs_.size(); i++)
    argv.push_back(model->cmdargs_[i].c_str());
  argv.push_back("-solve");
  argv.push_back("-quit");
  // The process's own SIGINT handling stays as it is.
  model->cbcData->useSignalHandler_ = false;
  driverLock.lock();
  holdsDriverLock = true;
  try {
    CbcMain1(static_cast<int>(argv.size()), &argv[0], *model->model_, driverCallback, *model->cbcData);
  } catch (CoinError &e) {
    // As Cbc_solve: the model's status tells the caller that no solution came out.
  }
  if (holdsDriverLock) {
    holdsDriverLock = false;
    driverLock.unlock();
  }
  return model->model_->status();
}
