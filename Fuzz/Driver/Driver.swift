import Glibc
import IPVSFuzzTargets
import IPVSKernel
// ipvs-fuzz: the libFuzzer entry points (libFuzzer brings main). Which parser to fuzz comes
// from IPVS_FUZZ_TARGET (see `make fuzz`); the targets themselves are in IPVSFuzzTargets.
import SystemSupport

nonisolated(unsafe) var selected: FuzzTarget?

func fail(_ message: String) -> Never {
    let line = Array("ipvs-fuzz: \(message)\n".utf8)
    _ = line.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
    exit(2)
}

@_cdecl("LLVMFuzzerInitialize")
public func initialize(
    _ argc: UnsafeMutablePointer<Int32>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>
) -> Int32 {
    let name = getenv("IPVS_FUZZ_TARGET").map { String(cString: $0) } ?? ""
    guard let target = FuzzTarget(rawValue: name) else {
        fail("set IPVS_FUZZ_TARGET to one of: \(FuzzTarget.allCases.map(\.rawValue).joined(separator: " "))")
    }
    selected = target
    return 0
}

@_cdecl("LLVMFuzzerTestOneInput")
public func testOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    selected?.run(bytes)
    return 0
}

#if !FUZZING
    /// Built without libFuzzer (`swift build`), the driver replays files instead: the same target
    /// over each path given, for reproducing a crash under a debugger.
    ///
    ///   IPVS_FUZZ_TARGET=keepalived .build/debug/ipvs-fuzz crash-1234
    @main
    struct Replay {
        static func main() {
            var argc: Int32 = 0
            var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = nil
            _ = initialize(&argc, &argv)
            for path in CommandLine.arguments.dropFirst() {
                let bytes: [UInt8]
                do throws(FileError) { bytes = try Files.read(path) } catch { fail("\(error)") }
                _ = testOneInput(bytes, bytes.count)
                print("\(path): no crash")
            }
        }
    }
#endif
