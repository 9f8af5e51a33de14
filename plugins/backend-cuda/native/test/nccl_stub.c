/* A stand-in libnccl.so.2 for the loader check (test/nccl_loader_check.sh; no GPU, no NCCL needed):
 * only the symbols src/nccl.cu resolves, returning an error. STUB_VERSION sets ncclGetVersion's
 * answer; -DSTUB_NO_ASYNC leaves out ncclCommGetAsyncError. Nothing here runs a collective. */
#include <stddef.h>
#ifndef STUB_VERSION
#define STUB_VERSION 22703
#endif
int ncclGetVersion(int *v) { *v = STUB_VERSION; return 0; }
int ncclGetUniqueId(void *id) { (void)id; return 5; }
int ncclCommInitRank(void **c, int n, char id[128], int r) { (void)c; (void)n; (void)id; (void)r; return 5; }
int ncclCommInitAll(void **c, int n, const int *d) { (void)c; (void)n; (void)d; return 5; }
int ncclCommDestroy(void *c) { (void)c; return 0; }
int ncclCommAbort(void *c) { (void)c; return 0; }
#ifndef STUB_NO_ASYNC
int ncclCommGetAsyncError(void *c, int *e) { (void)c; *e = 0; return 0; }
#endif
const char *ncclGetErrorString(int r) { (void)r; return "stub"; }
int ncclAllReduce(void) { return 5; }
int ncclReduceScatter(void) { return 5; }
int ncclAllGather(void) { return 5; }
int ncclBroadcast(void) { return 5; }
int ncclGroupStart(void) { return 0; }
int ncclGroupEnd(void) { return 0; }
