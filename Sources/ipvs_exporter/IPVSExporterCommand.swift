import ArgumentParser
import Glibc
import IPVSMetrics

/// `ipvs_exporter`: the root command. Serving metrics is the default subcommand, so the bare
/// binary behaves like every other Prometheus exporter.
struct IPVSExporterCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ipvs_exporter",
        abstract: "Prometheus exporter and configuration linter for Linux IPVS (LVS).",
        discussion: """
            Without a subcommand, serves metrics (see `ipvs_exporter serve --help`).
            Exit status: 0 success, 1 failure at run time, 3 invalid command line.
            """,
        version: BuildInfo.current.versionText,
        subcommands: [ServeCommand.self, LintCommand.self, NetlinkDumpCommand.self],
        defaultSubcommand: ServeCommand.self
    )
}

/// `--flag=` with nothing after `=`: an empty value, as node_exporter's flag library reads it
/// (`--collector.ipvs.backend-labels=` is how its users ask for no labels); argument-parser
/// would call the value missing. Arguments after `--` are left alone.
func emptyValuesSplit(_ arguments: [String]) -> [String] {
    var out: [String] = []
    var options = true
    for argument in arguments {
        if argument == "--" { options = false }
        if options, argument.count > 3, argument.hasPrefix("--"), argument.hasSuffix("="), !argument.dropLast().contains("=") {
            out += [String(argument.dropLast()), ""]
        } else {
            out.append(argument)
        }
    }
    return out
}

/// Maps argument errors to exit status 3 (the CLI convention of ARCHITECTURE.md) instead of
/// argument-parser's 64; help and version still exit 0.
@main
enum Main {
    static func main() async {
        // On Linux the Swift runtime reads the command line from /proc/self/cmdline: without
        // /proc every flag would be lost and the bare binary would serve with defaults. Say so
        // instead (the exporter needs /proc for IPVS anyway).
        if CommandLine.argc <= 1, access("/proc/self/cmdline", R_OK) != 0 {
            var output = StandardError()
            print(
                "ipvs_exporter: /proc is not mounted, so neither the command line nor IPVS can be read; "
                    + "mount it (mount -t proc proc /proc) or run the exporter where it is mounted",
                to: &output)
            exit(1)
        }
        // Before anything allocates on another thread: arenas are chosen per thread once. Only
        // the long-running server wants a small heap; lint is a batch job that parses on every
        // core, and one arena would make those threads queue on its lock.
        if CommandLine.arguments.dropFirst().first != LintCommand.configuration.commandName {
            MemoryTuning.apply()
            FileLimit.raise()
        }
        do {
            var command = try IPVSExporterCommand.parseAsRoot(emptyValuesSplit(Array(CommandLine.arguments.dropFirst())))
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            let code = IPVSExporterCommand.exitCode(for: error)
            if code == .validationFailure {
                let message = IPVSExporterCommand.fullMessage(for: error)
                var output = StandardError()
                print(message, to: &output)
                exit(3)
            }
            IPVSExporterCommand.exit(withError: error)
        }
    }
}
