/// What the lab's three kernels (Debian 11's 5.10, Debian 12's 6.1, Debian 13's 6.12) report
/// differently, each with its reason. The lab's expectations are written for 6.1; a test that
/// meets another kernel applies this table and nothing else, so a difference not listed here
/// fails, and a difference listed here that the kernel no longer shows fails too.
enum KernelDifferences {
    /// The integer IPVS sysctls 6.1 has with only `ip_vs` loaded (a scheduler module adds its
    /// own, such as lblc's `lblc_expiration`); `sync_threshold` is served as two series.
    static let sysctlsOf61: Set<String> = [
        "am_droprate", "amemthresh", "backup_only", "cache_bypass", "conn_reuse_mode", "conntrack", "drop_entry",
        "drop_packet", "expire_nodest_conn", "expire_quiescent_template", "ignore_tunneled", "nat_icmp_send", "pmtu_disc",
        "run_estimation", "schedule_icmp", "secure_tcp", "sloppy_sctp", "sloppy_tcp", "snat_reroute", "sync_persist_mode",
        "sync_ports", "sync_qlen_max", "sync_refresh_period", "sync_retries", "sync_sock_size", "sync_threshold",
        "sync_period", "sync_version",
    ]

    /// Integer IPVS sysctls a kernel has that 6.1 lacks, and the ones it lacks that 6.1 has.
    struct Sysctls {
        var added: Set<String> = []
        var missing: Set<String> = []
    }

    static func sysctls(_ kernel: String) -> Sysctls {
        switch kernel {
        // `run_estimation` came with 5.18; before it the estimator could not be stopped.
        case "5.10": Sysctls(missing: ["run_estimation"])
        // 6.2 moved the rate estimator to kernel threads: `est_nice` is their nice value.
        // `est_cpulist` came with it too, but a CPU list is text, never a series.
        case "6.12": Sysctls(added: ["est_nice"])
        default: Sysctls()
        }
    }

    /// Rulesets of the nftables corpus whose `nft -c` verdict in this kernel differs from the one
    /// recorded in corpus/nftables/expected.tsv (taken on 6.1), with the verdict and why.
    static func nftVerdicts(_ kernel: String) -> [String: (verdict: String, reason: String)] {
        switch kernel {
        case "5.10":
            [
                "nftables--0021prio_0.nft": (
                    "refuses", "its netdev chains on the egress hook, which came with 5.16: \"Operation not supported\""
                )
            ]
        case "6.12":
            [
                "nftables--0043concatenated_ranges_0.json": (
                    "refuses",
                    """
                    nft 1.0.6 converts the 1-byte `meta l4proto` of the interval map's key with a 2-byte \
                    byteorder expression, which 6.12's nft_byteorder_init refuses (len != size: \
                    "Operation not supported"); nft 1.1.0 no longer emits it
                    """
                )
            ]
        default: [:]
        }
    }

    /// IPVS schedulers the kernel lacks (the schedulers scenario runs every one it has).
    static func schedulersLacking(_ kernel: String) -> Set<String> {
        switch kernel {
        // twos (random two choices) is newer than 5.10, and Debian's 6.1 does not build it
        // (CONFIG_IP_VS_TWOS is not set); Debian's 6.12 does.
        case "5.10", "6.1": ["twos"]
        default: []
        }
    }

    /// Scenarios a kernel cannot run, and why. The scenario writes `skipped` (with its reason)
    /// instead of captures; a skip not listed here fails, and so does a listed one that ran.
    static func skipped(_ kernel: String) -> [String: String] {
        switch kernel {
        default: [:]
        }
    }
}
