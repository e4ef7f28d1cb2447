import ArgumentParser
import IPVSKernel
import IPVSModel
import Synchronization
import SystemSupport

/// `ipvs_exporter netlink-dump`: one full netlink read, with every raw reply written to disk.
///
/// For bug reports ("the exporter says X, ipvsadm says Y": attach the dump) and for the
/// decoder's test fixtures, which are dumps recorded in the kernel lab.
struct NetlinkDumpCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "netlink-dump",
        abstract: "Record the kernel's raw IPVS netlink replies (for bug reports and test fixtures).",
        discussion: """
            Writes DIR/<request>.bin for GET_INFO (info), the GET_SERVICE dump (services), each
            GET_DEST dump (dests-N, in service order), GET_CONFIG (config) and GET_DAEMON (daemons),
            exactly as received, and prints what was decoded. Needs CAP_NET_ADMIN.
            """)

    @Option(name: .customLong("out"), help: ArgumentHelp("Directory to write the replies to.", valueName: "dir"))
    var output: String

    @Option(name: .customLong("netns"), help: ArgumentHelp("Read this network namespace instead.", valueName: "path"))
    var netns: String?

    func run() throws {
        try Files.makeDirectory(output)
        let failures = Mutex<[String]>([])
        let directory = output
        let reader = NetlinkStateReader { name, bytes in
            do throws(FileError) { try Files.write(bytes, to: directory + "/" + name + ".bin") } catch {
                failures.withLock { $0.append("\(name): \(error)") }
            }
        }
        let read = { () throws -> (ServiceTable, Timeouts?, [SyncDaemon]?) in
            (try reader.serviceTable(), try reader.timeouts(), try reader.syncDaemons())
        }
        let (table, timeouts, daemons): (ServiceTable, Timeouts?, [SyncDaemon]?)
        do {
            if let netns {
                let namespace = try NetworkNamespace(path: netns)
                (table, timeouts, daemons) = try namespace.run { () throws -> (ServiceTable, Timeouts?, [SyncDaemon]?) in
                    try read()
                }.get()
            } else {
                (table, timeouts, daemons) = try read()
            }
        } catch {
            var output = StandardError()
            print("netlink-dump: \(error)", to: &output)
            throw ExitCode(1)
        }
        for failure in failures.withLock({ $0 }) {
            var output = StandardError()
            print("netlink-dump: could not write \(failure)", to: &output)
        }
        print("IPVS \(table.info.versionString), connection table \(table.info.connectionTableSize)")
        for service in table.services {
            print("\(service.id) \(service.scheduler): \(service.realServers.count) real servers")
        }
        if let timeouts { print("timeouts tcp \(timeouts.tcp) tcpfin \(timeouts.tcpFin) udp \(timeouts.udp)") }
        for daemon in daemons ?? [] { print("\(daemon.state.label) sync daemon on \(daemon.interface), syncid \(daemon.syncID)") }
        print("replies written to \(output)")
        if !failures.withLock({ $0.isEmpty }) { throw ExitCode(1) }
    }
}
