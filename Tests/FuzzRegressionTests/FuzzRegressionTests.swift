import Foundation
import IPVSFuzzTargets
import IPVSTestSupport
import Testing

/// The fuzz targets as plain tests: every seed of Fuzz/corpus and every input that once made a
/// target crash (Fuzz/regressions/<target>/, one file per crash, named after what it broke)
/// runs through the same code libFuzzer drives. A trap here kills the test run: that is the
/// failure.
@Suite struct FuzzRegressionTests {
    static func inputs(_ directory: String, _ target: FuzzTarget) -> [String] {
        let path = Fixtures.packageRoot + "/Fuzz/\(directory)/\(target.rawValue)"
        let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        return names.sorted().map { path + "/" + $0 }
    }

    @Test(arguments: FuzzTarget.allCases) func seedsRunClean(_ target: FuzzTarget) async throws {
        let seeds = Self.inputs("corpus", target)
        #expect(!seeds.isEmpty, "Fuzz/corpus/\(target.rawValue) has no seed (Fuzz/make-seeds.py)")
        for path in seeds { target.run(Array(try Data(contentsOf: URL(fileURLWithPath: path)))) }
    }

    @Test(arguments: FuzzTarget.allCases) func crashesFoundStayFixed(_ target: FuzzTarget) async throws {
        for path in Self.inputs("regressions", target) { target.run(Array(try Data(contentsOf: URL(fileURLWithPath: path)))) }
    }

    /// Every directory of Fuzz/corpus and Fuzz/regressions names a target (a renamed target
    /// must not leave its crashes unreplayed).
    @Test func directoriesNameTargets() async throws {
        for directory in ["corpus", "regressions"] {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: Fixtures.packageRoot + "/Fuzz/" + directory)) ?? []
            for name in names where !name.hasPrefix(".") {
                #expect(FuzzTarget(rawValue: name) != nil, "Fuzz/\(directory)/\(name) is not a fuzz target")
            }
        }
    }
}
