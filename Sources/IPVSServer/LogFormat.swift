import Glibc
import Logging
import SystemSupport

/// Log line formats of `--log.format`, as Prometheus exporters write them.
public enum LogFormat: String, Sendable, CaseIterable {
    /// `ts=2026-11-21T19:35:00.123Z level=info msg="listening" address=[::]:9911`
    case logfmt
    /// `{"ts":"…","level":"info","msg":"listening","address":"[::]:9911"}`
    case json
}
