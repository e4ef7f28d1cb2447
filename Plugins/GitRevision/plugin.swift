import Foundation
import PackagePlugin

/// Writes `GitRevision.value`, the commit the binary was built from, and `PackageVersion.value`,
/// the release read from the `VERSION` file at the package root (its only source), for
/// `ipvs_exporter_build_info{version,revision}` and `--version`.
///
/// A prebuild command so that it runs on every build however the build is started (make,
/// `swift build`, `swift test`); it rewrites the file only when the revision or version changed, so an
/// unchanged tree does not recompile. Outside a git checkout the revision is "unknown".
/// A missing `VERSION` file fails the build rather than producing an unnamed release.
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
            version=$(tr -d ' \t\r\n' < "$1/VERSION") || exit 1
            [ -n "$version" ] || { echo "$1/VERSION is empty" >&2; exit 1; }
            new="enum GitRevision { static let value = \"$rev\" }
            enum PackageVersion { static let value = \"$version\" }"
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
