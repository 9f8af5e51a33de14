// Prints nmc_nccl_status's return value and text (test/nccl_loader_check.sh): "1 NCCL 22703 (path)".
#include <cstdio>

#include "nemotron_cuda.h"

int main() {
    char buf[8192];
    int rc = nmc_nccl_status(buf, sizeof buf);
    printf("%d %s\n", rc, buf);
    return 0;
}
