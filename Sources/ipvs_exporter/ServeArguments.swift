import ArgumentParser
import Glibc
import IPVSKernel
import IPVSMetrics
import IPVSServer
import Logging
import SystemSupport
import WebConfig

enum SourceArgument: String, ExpressibleByArgument, CaseIterable {
    case auto, netlink, procfs
}

enum LogLevelArgument: String, ExpressibleByArgument, CaseIterable {
    case debug, info, warn, error

    var level: Logger.Level {
        switch self {
        case .debug: .debug
        case .info: .info
        case .warn: .warning
        case .error: .error
        }
    }
}

enum LogFormatArgument: String, ExpressibleByArgument, CaseIterable {
    case logfmt, json

    var format: LogFormat { self == .json ? .json : .logfmt }
}
