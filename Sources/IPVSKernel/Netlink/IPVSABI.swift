/// The IPVS generic-netlink ABI (`<linux/ip_vs.h>`): commands and attribute numbers.
///
/// Written out here so that decoding stays pure Swift; `IPVSNetlinkABITests` checks every
/// value against the kernel header through the C module.
package enum IPVSABI {
    package enum Command {
        package static let newService: UInt8 = 1
        package static let getService: UInt8 = 4
        package static let newDest: UInt8 = 5
        package static let getDest: UInt8 = 8
        package static let newDaemon: UInt8 = 9
        package static let getDaemon: UInt8 = 11
        package static let setConfig: UInt8 = 12
        package static let getConfig: UInt8 = 13
        package static let setInfo: UInt8 = 14
        package static let getInfo: UInt8 = 15
    }

    package enum CommandAttribute {
        package static let service: UInt16 = 1
        package static let dest: UInt16 = 2
        package static let daemon: UInt16 = 3
        package static let timeoutTCP: UInt16 = 4
        package static let timeoutTCPFin: UInt16 = 5
        package static let timeoutUDP: UInt16 = 6
    }

    package enum ServiceAttribute {
        package static let af: UInt16 = 1
        package static let proto: UInt16 = 2
        package static let address: UInt16 = 3
        package static let port: UInt16 = 4
        package static let firewallMark: UInt16 = 5
        package static let schedulerName: UInt16 = 6
        package static let flags: UInt16 = 7
        package static let timeout: UInt16 = 8
        package static let netmask: UInt16 = 9
        package static let stats: UInt16 = 10
        package static let persistenceEngine: UInt16 = 11
        package static let stats64: UInt16 = 12
    }

    package enum DestAttribute {
        package static let address: UInt16 = 1
        package static let port: UInt16 = 2
        package static let forwardingMethod: UInt16 = 3
        package static let weight: UInt16 = 4
        package static let upperThreshold: UInt16 = 5
        package static let lowerThreshold: UInt16 = 6
        package static let activeConnections: UInt16 = 7
        package static let inactiveConnections: UInt16 = 8
        package static let persistentConnections: UInt16 = 9
        package static let stats: UInt16 = 10
        package static let addressFamily: UInt16 = 11
        package static let stats64: UInt16 = 12
        package static let tunnelType: UInt16 = 13
        package static let tunnelPort: UInt16 = 14
        package static let tunnelFlags: UInt16 = 15
    }

    package enum StatsAttribute {
        package static let connections: UInt16 = 1
        package static let incomingPackets: UInt16 = 2
        package static let outgoingPackets: UInt16 = 3
        package static let incomingBytes: UInt16 = 4
        package static let outgoingBytes: UInt16 = 5
        package static let cps: UInt16 = 6
        package static let incomingPPS: UInt16 = 7
        package static let outgoingPPS: UInt16 = 8
        package static let incomingBPS: UInt16 = 9
        package static let outgoingBPS: UInt16 = 10
        package static let pad: UInt16 = 11
    }

    package enum DaemonAttribute {
        package static let state: UInt16 = 1
        package static let interface: UInt16 = 2
        package static let syncID: UInt16 = 3
        package static let maxLength: UInt16 = 4
        package static let group: UInt16 = 5
        package static let group6: UInt16 = 6
        package static let port: UInt16 = 7
        package static let ttl: UInt16 = 8
    }

    package enum InfoAttribute {
        package static let version: UInt16 = 1
        package static let connectionTableSize: UInt16 = 2
    }

    /// `IP_VS_SVC_F_HASHED`: internal, but present in replies.
    package static let hashedFlag: UInt32 = 0x0002
    package static let forwardingMask: UInt32 = 0x7
}
