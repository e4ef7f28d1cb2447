/// Appends sample lines (`name{labels} value\n`) to an output buffer.
public struct SampleWriter {
    var output: [UInt8]
    var name: [UInt8]
    let pairs = ExpositionEncoder.digitPairs

    init(output: [UInt8], name: [UInt8]) {
        self.output = output
        self.name = name
    }

    /// `name{labels} value`.
    @inline(__always)
    public mutating func sample(_ labels: Labels, _ value: SampleValue) {
        output.append(contentsOf: name)
        output.append(contentsOf: labels.rendered)
        output.append(UInt8(ascii: " "))
        if case .unsigned(let number) = value {
            ExpositionEncoder.appendDecimal(number, to: &output, pairs: pairs)
        } else {
            ExpositionEncoder.appendValue(value, to: &output)
        }
        output.append(UInt8(ascii: "\n"))
    }

    /// `name{labels,n1="v1",n2="v2"} value`: info metrics with two extra labels, without an
    /// array per sample.
    public mutating func sample(
        _ labels: Labels, _ name1: String, _ value1: String, _ name2: String, _ value2: String, _ value: SampleValue
    ) {
        output.append(contentsOf: name)
        if labels.rendered.isEmpty {
            output.append(UInt8(ascii: "{"))
        } else {
            output.append(contentsOf: labels.rendered.dropLast())
            output.append(UInt8(ascii: ","))
        }
        appendTwoPairs(name1, value1, name2, value2, value)
    }

    /// `n1="v1",n2="v2"} value` and the line's end: the close of both two-label forms.
    mutating func appendTwoPairs(_ name1: String, _ value1: String, _ name2: String, _ value2: String, _ value: SampleValue) {
        appendPair(name1, value1)
        output.append(UInt8(ascii: ","))
        appendPair(name2, value2)
        output.append(contentsOf: [UInt8(ascii: "}"), UInt8(ascii: " ")])
        ExpositionEncoder.appendValue(value, to: &output)
        output.append(UInt8(ascii: "\n"))
    }

    mutating func appendPair(_ labelName: String, _ labelValue: String) {
        output.append(contentsOf: labelName.utf8)
        output.append(contentsOf: [UInt8(ascii: "="), UInt8(ascii: "\"")])
        Labels.appendEscapedLabelValue(labelValue, to: &output)
        output.append(UInt8(ascii: "\""))
    }

    /// `name{labels,extra="…"} value`, without building a new label set per sample.
    public mutating func sample(_ labels: Labels, extra names: [String], _ values: [String], _ value: SampleValue) {
        output.append(contentsOf: name)
        if labels.rendered.isEmpty {
            output.append(UInt8(ascii: "{"))
        } else {
            output.append(contentsOf: labels.rendered.dropLast())
            output.append(UInt8(ascii: ","))
        }
        for (index, (labelName, labelValue)) in zip(names, values).enumerated() {
            if index > 0 { output.append(UInt8(ascii: ",")) }
            output.append(contentsOf: labelName.utf8)
            output.append(contentsOf: [UInt8(ascii: "="), UInt8(ascii: "\"")])
            Labels.appendEscapedLabelValue(labelValue, to: &output)
            output.append(UInt8(ascii: "\""))
        }
        output.append(UInt8(ascii: "}"))
        output.append(UInt8(ascii: " "))
        ExpositionEncoder.appendValue(value, to: &output)
        output.append(UInt8(ascii: "\n"))
    }
}
