import Foundation
import PackagePlugin

/// Writes `GitRevision.value`, the commit the binary was built from (with its branch and
/// commit date), and `PackageVersion.value`,
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
            # A detached checkout says HEAD, as Prometheus' own release builds do. The date is
            # the commit's, in UTC, so that a rebuild of one commit says the same.
            branch=$(git -C "$1" symbolic-ref --short -q HEAD 2>/dev/null || { [ "$rev" = unknown ] && echo unknown || echo HEAD; })
            date=$(TZ=UTC git -C "$1" log -1 --format=%cd --date=format-local:%Y%m%d-%H:%M:%S 2>/dev/null || echo unknown)
            version=$(tr -d ' \t\r\n' < "$1/VERSION") || exit 1
            [ -n "$version" ] || { echo "$1/VERSION is empty" >&2; exit 1; }
            new="enum GitRevision { static let value = \"$rev\"; static let branch = \"$branch\"; static let date = \"$date\" }
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
