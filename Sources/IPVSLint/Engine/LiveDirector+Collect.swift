import Glibc
import IPVSKernel
import IPVSModel
import SystemSupport

/// `lint --live`'s reading of the running director. The one file of IPVSLint that imports
/// IPVSKernel: the rules lint text, and only this turns the kernel's state into that text.
extension LiveDirector {
    /// The running director's inputs for each role not in `given`, and the kernel's release
    /// (known first-hand here, where `facts.kernel` is for files). IPVS comes from netlink, or
    /// /proc when netlink is refused; the firewall from iptables-save and ip6tables-save, and
    /// nftables from `nft -j list ruleset`; the sysctls from /proc/sys. With `netns`, all of it
    /// is read inside that network namespace: its firewall and its sysctls are its own.
    /// `notice` hears what is read some other way or not at all.
    static func collect(
        given: Set<InputRole>, netns: String?, notice: @escaping @Sendable (String) -> Void
    ) throws(LintSession.Failure) -> (inputs: [(SourceFile, InputRole)], kernel: KernelRelease?, schedulers: Set<String>?) {
        var out: [(SourceFile, InputRole)] = []
        let namespace: NetworkNamespace?
        do throws(NetworkNamespace.Error) {
            namespace = try netns.map { path throws(NetworkNamespace.Error) in try NetworkNamespace(path: path) }
        } catch {
            throw LintSession.Failure("lint --live: \(error)")
        }
        /// Runs a reading inside the namespace (a command started there inherits it).
        func inside<T>(_ body: () throws(LintSession.Failure) -> T) throws(LintSession.Failure) -> T {
            guard let namespace else { return try body() }
            let result: Result<T, LintSession.Failure>
            do throws(NetworkNamespace.Error) {
                result = try namespace.run(body)
            } catch {
                throw LintSession.Failure("lint --live: \(error)")
            }
            return try result.get()
        }
        if !given.contains(.ipvsadm) && !given.contains(.keepalived) {
            let procfs = ProcFS(root: "/proc", netDirectory: netns == nil ? "net" : "thread-self/net")
            let reader = AutoStateReader(
                netlink: NetlinkStateReader(),
                procfs: ProcFSStateReader(procfs: procfs, hz: KernelHZ.detect(procfs: procfs, bootDirectory: "/boot"))
            ) { reason in
                notice("lint: netlink refused (\(reason)); reading /proc/net/ip_vs, without timeouts")
            }
            let read = { () throws(IPVSReadError) -> (ServiceTable, Timeouts?) in
                (try reader.serviceTable(), try reader.timeouts())
            }
            let table: ServiceTable
            let kernelTimeouts: Timeouts?
            do {
                if let namespace {
                    (table, kernelTimeouts) = try namespace.run { () throws(IPVSReadError) -> (ServiceTable, Timeouts?) in
                        try read()
                    }.get()
                } else {
                    (table, kernelTimeouts) = try read()
                }
            } catch {
                throw LintSession.Failure("lint --live: cannot read IPVS: \(error)")
            }
            out.append((SourceFile(name: ipvsadmName, text: ipvsadmSave(table)), .ipvsadm))
            if !given.contains(.timeouts), let kernelTimeouts {
                out.append((SourceFile(name: timeoutsName, text: timeouts(kernelTimeouts)), .timeouts))
            }
        }
        for (role, tool) in [(InputRole.iptables, "iptables-save"), (.ip6tables, "ip6tables-save")] where !given.contains(role) {
            guard
                let path = ["/usr/sbin/", "/sbin/", "/usr/bin/", "/bin/"].map({ $0 + tool }).first(where: {
                    access($0, X_OK) == 0
                })
            else {
                notice("lint: \(tool) not found; firewall rules are not checked")
                continue
            }
            out.append(
                (
                    SourceFile(name: "live:" + tool, text: try inside { () throws(LintSession.Failure) in try output(of: path) }),
                    role
                ))
        }
        // Native nftables tables, which iptables-save does not show (LVS501 reads their marks).
        // Not beside a firewall file: the live marks would hide a MARK rule missing from it.
        let nftPaths: [String] = ["/usr/sbin/nft", "/sbin/nft", "/usr/bin/nft", "/bin/nft"]
        let firewallGiven = given.contains(.nftables) || given.contains(.iptables) || given.contains(.ip6tables)
        if !firewallGiven, let nft = nftPaths.first(where: { access($0, X_OK) == 0 }) {
            do throws(LintSession.Failure) {
                let listing = try inside { () throws(LintSession.Failure) in try output(of: nft, arguments: "-j list ruleset") }
                let file = SourceFile(name: "live:nft", text: listing)
                // A listing this reader refuses (a newer schema) costs the nftables part, not the run.
                do throws(LintInputError) {
                    _ = try NFTJSONParser.parse(file)
                    out.append((file, .nftables))
                } catch {
                    notice("lint: cannot read nft -j list ruleset (\(error)); nftables rules are not checked")
                }
            } catch {
                notice("lint: nft -j list ruleset failed (\(error)); nftables rules are not checked")
            }
        }
        if !given.contains(.sysctl(host: nil)) {
            let text = try inside { () throws(LintSession.Failure) in sysctls(procfs: "/proc") }
            out.append((SourceFile(name: sysctlName, text: text), .sysctl(host: nil)))
        }
        var kernel: KernelRelease?
        var schedulers: Set<String>?
        if let text = try? Files.read("/proc/sys/kernel/osrelease"),
            let line = String(decoding: text, as: UTF8.self).split(separator: "\n").first
        {
            kernel = KernelRelease(String(line))
            schedulers = loadableSchedulers(release: String(line))
        }
        return (out, kernel, schedulers)
    }

    /// The schedulers the running kernel can load: its `ip_vs_NAME` modules under
    /// /lib/modules/RELEASE (the distribution's, and out-of-tree ones under `updates/` and
    /// `extra/`, DKMS's `updates/dkms/` included), the built-in ones in modules.builtin, and the
    /// ones loaded now (`loaded`, from /proc/modules). A kernel's version does not say it:
    /// Debian 12's 6.1 leaves `twos` out. Nil when the release has no module tree here (a
    /// container without /lib/modules): the rules then know only the mainline list.
    public static func loadableSchedulers(
        release: String, moduleRoots: [String] = ["/lib/modules", "/usr/lib/modules"], loaded: String = "/proc/modules"
    ) -> Set<String>? {
        guard !release.contains("/"), release != "..",
            let root = moduleRoots.map({ $0 + "/" + release }).first(where: {
                (try? Files.list($0)) != nil
            })
        else { return nil }
        /// `ip_vs_wlc.ko.zst` → wlc; the core, the FTP helper and persistence engines are no schedulers.
        func scheduler(_ file: Substring) -> String? {
            guard file.hasPrefix("ip_vs_"), let dot = file.firstIndex(of: ".") else { return nil }
            let name = String(file[file.index(file.startIndex, offsetBy: 6)..<dot])
            return name.isEmpty || name == "ftp" || name.hasPrefix("pe_") ? nil : name
        }
        var names = Set<String>()
        /// Module files in a directory and, for the out-of-tree ones, a few levels below it.
        func collect(_ directory: String, depth: Int) {
            for entry in (try? Files.list(directory)) ?? [] {
                if let name = scheduler(Substring(entry)) {
                    names.insert(name)
                } else if depth > 0, !entry.contains(".") {
                    collect(directory + "/" + entry, depth: depth - 1)
                }
            }
        }
        collect(root + "/kernel/net/netfilter/ipvs", depth: 0)
        collect(root + "/updates", depth: 3)
        collect(root + "/extra", depth: 3)
        if let builtin = try? Files.read(root + "/modules.builtin") {
            for line in String(decoding: builtin, as: UTF8.self).split(separator: "\n") {
                if let name = scheduler(line.split(separator: "/").last ?? "") { names.insert(name) }
            }
        }
        // /proc/modules: "ip_vs_wlc 16384 2 - Live 0x…"; a name there has no suffix.
        if let modules = try? Files.read(loaded) {
            for line in String(decoding: modules, as: UTF8.self).split(separator: "\n") {
                if let name = line.split(separator: " ").first, let scheduler = scheduler(name + ".ko") {
                    names.insert(scheduler)
                }
            }
        }
        return names.isEmpty ? nil : names
    }

    /// What a command prints, for iptables-save and nft; its failure is an input error.
    /// `arguments` are fixed words of ours, never user text.
    static func output(of path: String, arguments: String = "") throws(LintSession.Failure) -> String {
        guard let pipe = popen("'\(path)' \(arguments) 2>/dev/null", "r") else {
            throw LintSession.Failure("lint --live: cannot run \(path)")
        }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = fread(&buffer, 1, buffer.count, pipe)
            if count <= 0 { break }
            bytes += buffer[0..<count]
        }
        let status = pclose(pipe)
        guard status == 0 else { throw LintSession.Failure("lint --live: \(path) failed (status \(status))") }
        return String(decoding: bytes, as: UTF8.self)
    }
}
