#ifndef CNETLINK_SHIM_H
#define CNETLINK_SHIM_H

// libnl-3 and libnl-genl-3 (Debian: libnl-3-dev, libnl-genl-3-dev) plus the kernel's IPVS
// generic-netlink ABI. Only IPVS/NetlinkSocket.swift imports this module.
#include <netlink/netlink.h>
#include <netlink/msg.h>
#include <netlink/attr.h>
#include <netlink/genl/genl.h>
#include <netlink/genl/ctrl.h>
#include <linux/ip_vs.h>
#include <linux/netlink.h>
#include <sched.h>
#include <errno.h>

// nlmsg_for_each / NLMSG_* are macros that Swift cannot import; these give the same answers.
static inline int CNetlink_nlmsg_hdrlen(void) { return NLMSG_HDRLEN; }
static inline int CNetlink_genl_hdrlen(void) { return GENL_HDRLEN; }

#endif
