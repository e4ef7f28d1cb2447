import IPVSMetrics
import Testing

/// CollectorID is the one list of collectors: each case builds the collector that reports it,
/// and the order of the cases is the name order the exposition is written in.
@Suite struct CollectorIDTests {
    @Test(arguments: CollectorID.allCases)
    func eachCaseBuildsItsOwnCollector(_ id: CollectorID) async {
        #expect(id.collector().id == id)
        #expect(id.collector().name == id.rawValue)
        #expect(!id.summary.isEmpty && id.summary.hasSuffix("."))
    }

    @Test func casesAreInNameOrder() async {
        let names = CollectorID.allCases.map(\.name)
        #expect(names == names.sorted())
        #expect(Scraper.allCollectors.map(\.name) == CollectorID.allCases.filter(\.enabledByDefault).map(\.name))
    }
}
