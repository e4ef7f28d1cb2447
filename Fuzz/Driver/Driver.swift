// ipvs-fuzz: the libFuzzer entry points (libFuzzer brings main). Which parser to fuzz comes
// from IPVS_FUZZ_TARGET (see `make fuzz`); the targets themselves are in IPVSFuzzTargets.
import Glibc
import IPVSFuzzTargets

nonisolated(unsafe) var selected: FuzzTarget?

@_cdecl("LLVMFuzzerInitialize")
public func initialize(_ argc: UnsafeMutablePointer<Int32>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>) -> Int32 {
    let name = getenv("IPVS_FUZZ_TARGET").map { String(cString: $0) } ?? ""
    guard let target = FuzzTarget(rawValue: name) else {
        let names = FuzzTarget.allCases.map(\.rawValue).joined(separator: " ")
        let message = Array("ipvs-fuzz: set IPVS_FUZZ_TARGET to one of: \(names)\n".utf8)
        _ = message.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
        exit(2)
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
            guard let file = fopen(path, "rb") else {
                let message = Array("ipvs-fuzz: cannot open \(path)\n".utf8)
                _ = message.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
                exit(2)
            }
            var bytes: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 65_536)
            while true {
                let count = fread(&buffer, 1, buffer.count, file)
                if count <= 0 { break }
                bytes += buffer[0..<count]
            }
            fclose(file)
            _ = testOneInput(bytes, bytes.count)
            print("\(path): no crash")
        }
    }
}
#endif
