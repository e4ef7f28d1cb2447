#ifndef CLINUX_SHIM_H
#define CLINUX_SHIM_H
// Linux and glibc calls that Swift's Glibc module leaves out.
#include <malloc.h>

// setns(2): declared by <sched.h> only under _GNU_SOURCE, which the Glibc module is not built
// with; the symbol is in every glibc since 2.14.
int setns(int fd, int nstype);

// CLONE_NEWNET from <linux/sched.h>, the kernel ABI.
static const int CLinux_CLONE_NEWNET = 0x40000000;
#endif
