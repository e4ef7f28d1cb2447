import Foundation
import PackagePlugin

/// Compiles the rule pages (`lint-rules/LVSnnn.md`) into the linter, so `lint --explain` and the
/// SARIF help carry the same text as the repository, with nothing to install beside the binary.
@main
struct RulePagesPlugin: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let directory = context.package.directoryURL.appending(path: "lint-rules")
        let pages = (try? FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)) ?? []
        let inputs = pages.filter { $0.lastPathComponent.hasPrefix("LVS") && $0.pathExtension == "md" }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
        let output = context.pluginWorkDirectoryURL.appending(path: "RulePages.swift")
        return [
            .buildCommand(
                displayName: "Embedding \(inputs.count) rule pages",
                executable: try context.tool(named: "rule-pages-generator").url,
                arguments: [output.path] + inputs.map(\.path),
                inputFiles: inputs,
                outputFiles: [output])
        ]
    }
}
