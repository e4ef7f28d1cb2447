/// Writes a scrape's families as exposition text, a chunk at a time.
///
/// Families come out sorted by name, each once with HELP and TYPE, even when several
/// collectors contributed to it; samples keep the order they were added in (collectors add them
/// in model order). In OpenMetrics a counter family is named without its `_total` suffix, which
/// its samples keep, and the text ends with `# EOF`.
public struct ExpositionStream: Sendable {
    private let groups: [[MetricFamily]]
    private let format: ExpositionFormat
    private let headers: [[UInt8]]
    private var groupIndex = 0
    private var familyIndex = 0
    private var sampleIndex = 0
    private var headerWritten = false
    private var finished = false

    public init(_ set: MetricSet, format: ExpositionFormat) {
        self.format = format
        var byName: [String: [MetricFamily]] = [:]
        for family in set.families where family.count > 0 {
            byName[family.descriptor.name, default: []].append(family)
        }
        let names = byName.keys.sorted()
        groups = names.map { byName[$0]! }
        let otherNames = Set(groups.filter { $0[0].descriptor.type != .counter }.map { $0[0].descriptor.name })
        headers = groups.map { ExpositionEncoder.header($0[0].descriptor, format: format, otherNames: otherNames) }
    }

    /// The next piece of text of about `size` bytes (one sample line can overshoot), or nil
    /// when everything has been written. 256 KiB by default: few hand-offs to the event loop,
    /// little memory.
    public mutating func next(size: Int = 256 << 10) -> [UInt8]? {
        guard !finished else { return nil }
        var writer = SampleWriter(output: [], name: [])
        writer.output.reserveCapacity(size + 1024)
        while writer.output.count < size {
            guard groupIndex < groups.count else {
                if format == .openMetrics { writer.output.append(contentsOf: "# EOF\n".utf8) }
                finished = true
                break
            }
            let group = groups[groupIndex]
            if !headerWritten {
                writer.output.append(contentsOf: headers[groupIndex])
                headerWritten = true
            }
            let family = group[familyIndex]
            writer.name = Array(family.descriptor.name.utf8)
            while sampleIndex < family.count && writer.output.count < size {
                // About a few kilobytes per call: a sample line is 60–200 bytes.
                let end = min(family.count, sampleIndex + max(1, (size - writer.output.count) / 256))
                family.write(sampleIndex..<end, &writer)
                sampleIndex = end
            }
            if sampleIndex == family.count {
                sampleIndex = 0
                familyIndex += 1
                if familyIndex == group.count {
                    familyIndex = 0
                    groupIndex += 1
                    headerWritten = false
                }
            }
        }
        return writer.output.isEmpty && finished ? nil : writer.output
    }
}
