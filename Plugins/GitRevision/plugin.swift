import Foundation
import PackagePlugin

/// Writes `GitRevision.value`, the commit the binary was built from, for
/// `ipvs_exporter_build_info{revision}` and `--version`.
///
/// A prebuild command so that it runs on every build however the build is started (make,
/// `swift build`, `swift test`); it rewrites the file only when the revision changed, so an
/// unchanged tree does not recompile. Outside a git checkout the revision is "unknown".
@main
struct GitRevisionPlugin: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let directory = context.pluginWorkDirectoryURL.appending(path: "generated")
        let output = directory.appending(path: "GitRevision.swift")
        let script = #"""
            mkdir -p "$3"
            rev=$(git -C "$1" rev-parse --short=12 HEAD 2>/dev/null || echo unknown)
            if [ "$rev" != unknown ] && [ -n "$(git -C "$1" status --porcelain --untracked-files=no 2>/dev/null)" ]; then
                rev="$rev-dirty"
            fi
            new="enum GitRevision { static let value = \"$rev\" }"
            [ "$(cat "$2" 2>/dev/null)" = "$new" ] || printf '%s\n' "$new" > "$2"
            """#
        return [
            .prebuildCommand(
                displayName: "Recording the git revision",
                executable: URL(fileURLWithPath: "/bin/sh"),
                arguments: ["-c", script, "sh", context.package.directoryURL.path, output.path, directory.path],
                outputFilesDirectory: directory)
        ]
    }
}
