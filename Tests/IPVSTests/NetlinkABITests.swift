import CNetlink
import IPVSKernel
import IPVSModel
import Testing

/// The numbers the decoder spells out equal the kernel header's (`<linux/ip_vs.h>`).
@Suite struct NetlinkABITests {
    @Test func commands() async {
        #expect(Int(IPVSABI.Command.newService) == IPVS_CMD_NEW_SERVICE)
        #expect(Int(IPVSABI.Command.getService) == IPVS_CMD_GET_SERVICE)
        #expect(Int(IPVSABI.Command.newDest) == IPVS_CMD_NEW_DEST)
        #expect(Int(IPVSABI.Command.getDest) == IPVS_CMD_GET_DEST)
        #expect(Int(IPVSABI.Command.newDaemon) == IPVS_CMD_NEW_DAEMON)
        #expect(Int(IPVSABI.Command.getDaemon) == IPVS_CMD_GET_DAEMON)
        #expect(Int(IPVSABI.Command.setConfig) == IPVS_CMD_SET_CONFIG)
        #expect(Int(IPVSABI.Command.getConfig) == IPVS_CMD_GET_CONFIG)
        #expect(Int(IPVSABI.Command.setInfo) == IPVS_CMD_SET_INFO)
        #expect(Int(IPVSABI.Command.getInfo) == IPVS_CMD_GET_INFO)
    }

    @Test func attributes() async {
        #expect(Int(IPVSABI.CommandAttribute.service) == IPVS_CMD_ATTR_SERVICE)
        #expect(Int(IPVSABI.CommandAttribute.dest) == IPVS_CMD_ATTR_DEST)
        #expect(Int(IPVSABI.CommandAttribute.daemon) == IPVS_CMD_ATTR_DAEMON)
        #expect(Int(IPVSABI.CommandAttribute.timeoutTCP) == IPVS_CMD_ATTR_TIMEOUT_TCP)
        #expect(Int(IPVSABI.CommandAttribute.timeoutTCPFin) == IPVS_CMD_ATTR_TIMEOUT_TCP_FIN)
        #expect(Int(IPVSABI.CommandAttribute.timeoutUDP) == IPVS_CMD_ATTR_TIMEOUT_UDP)
        let service: [(UInt16, Int)] = [
            (IPVSABI.ServiceAttribute.af, IPVS_SVC_ATTR_AF), (IPVSABI.ServiceAttribute.proto, IPVS_SVC_ATTR_PROTOCOL),
            (IPVSABI.ServiceAttribute.address, IPVS_SVC_ATTR_ADDR), (IPVSABI.ServiceAttribute.port, IPVS_SVC_ATTR_PORT),
            (IPVSABI.ServiceAttribute.firewallMark, IPVS_SVC_ATTR_FWMARK),
            (IPVSABI.ServiceAttribute.schedulerName, IPVS_SVC_ATTR_SCHED_NAME),
            (IPVSABI.ServiceAttribute.flags, IPVS_SVC_ATTR_FLAGS), (IPVSABI.ServiceAttribute.timeout, IPVS_SVC_ATTR_TIMEOUT),
            (IPVSABI.ServiceAttribute.netmask, IPVS_SVC_ATTR_NETMASK), (IPVSABI.ServiceAttribute.stats, IPVS_SVC_ATTR_STATS),
            (IPVSABI.ServiceAttribute.persistenceEngine, IPVS_SVC_ATTR_PE_NAME),
            (IPVSABI.ServiceAttribute.stats64, IPVS_SVC_ATTR_STATS64),
        ]
        let dest: [(UInt16, Int)] = [
            (IPVSABI.DestAttribute.address, IPVS_DEST_ATTR_ADDR), (IPVSABI.DestAttribute.port, IPVS_DEST_ATTR_PORT),
            (IPVSABI.DestAttribute.forwardingMethod, IPVS_DEST_ATTR_FWD_METHOD),
            (IPVSABI.DestAttribute.weight, IPVS_DEST_ATTR_WEIGHT),
            (IPVSABI.DestAttribute.upperThreshold, IPVS_DEST_ATTR_U_THRESH),
            (IPVSABI.DestAttribute.lowerThreshold, IPVS_DEST_ATTR_L_THRESH),
            (IPVSABI.DestAttribute.activeConnections, IPVS_DEST_ATTR_ACTIVE_CONNS),
            (IPVSABI.DestAttribute.inactiveConnections, IPVS_DEST_ATTR_INACT_CONNS),
            (IPVSABI.DestAttribute.persistentConnections, IPVS_DEST_ATTR_PERSIST_CONNS),
            (IPVSABI.DestAttribute.stats, IPVS_DEST_ATTR_STATS),
            (IPVSABI.DestAttribute.addressFamily, IPVS_DEST_ATTR_ADDR_FAMILY),
            (IPVSABI.DestAttribute.stats64, IPVS_DEST_ATTR_STATS64),
            (IPVSABI.DestAttribute.tunnelType, IPVS_DEST_ATTR_TUN_TYPE),
            (IPVSABI.DestAttribute.tunnelPort, IPVS_DEST_ATTR_TUN_PORT),
            (IPVSABI.DestAttribute.tunnelFlags, IPVS_DEST_ATTR_TUN_FLAGS),
        ]
        let stats: [(UInt16, Int)] = [
            (IPVSABI.StatsAttribute.connections, IPVS_STATS_ATTR_CONNS),
            (IPVSABI.StatsAttribute.incomingPackets, IPVS_STATS_ATTR_INPKTS),
            (IPVSABI.StatsAttribute.outgoingPackets, IPVS_STATS_ATTR_OUTPKTS),
            (IPVSABI.StatsAttribute.incomingBytes, IPVS_STATS_ATTR_INBYTES),
            (IPVSABI.StatsAttribute.outgoingBytes, IPVS_STATS_ATTR_OUTBYTES), (IPVSABI.StatsAttribute.cps, IPVS_STATS_ATTR_CPS),
            (IPVSABI.StatsAttribute.incomingPPS, IPVS_STATS_ATTR_INPPS),
            (IPVSABI.StatsAttribute.outgoingPPS, IPVS_STATS_ATTR_OUTPPS),
            (IPVSABI.StatsAttribute.incomingBPS, IPVS_STATS_ATTR_INBPS),
            (IPVSABI.StatsAttribute.outgoingBPS, IPVS_STATS_ATTR_OUTBPS),
            (IPVSABI.StatsAttribute.pad, IPVS_STATS_ATTR_PAD),
        ]
        let daemon: [(UInt16, Int)] = [
            (IPVSABI.DaemonAttribute.state, IPVS_DAEMON_ATTR_STATE),
            (IPVSABI.DaemonAttribute.interface, IPVS_DAEMON_ATTR_MCAST_IFN),
            (IPVSABI.DaemonAttribute.syncID, IPVS_DAEMON_ATTR_SYNC_ID),
            (IPVSABI.DaemonAttribute.maxLength, IPVS_DAEMON_ATTR_SYNC_MAXLEN),
            (IPVSABI.DaemonAttribute.group, IPVS_DAEMON_ATTR_MCAST_GROUP),
            (IPVSABI.DaemonAttribute.group6, IPVS_DAEMON_ATTR_MCAST_GROUP6),
            (IPVSABI.DaemonAttribute.port, IPVS_DAEMON_ATTR_MCAST_PORT),
            (IPVSABI.DaemonAttribute.ttl, IPVS_DAEMON_ATTR_MCAST_TTL),
            (IPVSABI.InfoAttribute.version, IPVS_INFO_ATTR_VERSION),
            (IPVSABI.InfoAttribute.connectionTableSize, IPVS_INFO_ATTR_CONN_TAB_SIZE),
        ]
        for (mine, header) in service + dest + stats + daemon {
            #expect(Int(mine) == header)
        }
        #expect(IPVSABI.hashedFlag == UInt32(IP_VS_SVC_F_HASHED))
        #expect(ServiceFlags.persistent.rawValue == UInt32(IP_VS_SVC_F_PERSISTENT))
        #expect(ServiceFlags.onePacket.rawValue == UInt32(IP_VS_SVC_F_ONEPACKET))
        #expect(ServiceFlags.scheduler1.rawValue == UInt32(IP_VS_SVC_F_SCHED1))
        #expect(ForwardingMethod.directRouting.rawValue == UInt32(IP_VS_CONN_F_DROUTE))
        #expect(ForwardingMethod.tunneling.rawValue == UInt32(IP_VS_CONN_F_TUNNEL))
        #expect(ForwardingMethod.local.rawValue == UInt32(IP_VS_CONN_F_LOCALNODE))
    }
}
