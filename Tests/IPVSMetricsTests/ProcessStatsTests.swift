import IPVSMetrics
import Testing

@Suite struct ProcessStatsTests {
    @Test func parsesStatWithSpacesAndParenthesesInTheName() async throws {
        let stat = Array(
            "4242 (ipvs (x) y) S 1 4242 4242 0 -1 4194560 300 0 0 0 150 50 0 0 20 0 3 0 1000 123456789 2500 18446744073709551615 0\n"
                .utf8)
        let limits = Array(
            "Limit                     Soft Limit           Hard Limit           Units     \nMax address space         unlimited            unlimited            bytes     \nMax open files            1024                 524288               files     \n"
                .utf8)
        let procStat = Array("cpu  1 2 3\nbtime 1700000000\nprocesses 5\n".utf8)
        let stats = try #require(
            ProcessStats.parse(stat: stat, limits: limits, procStat: procStat, clockTicks: 100, pageSize: 4096, openFDs: 7))
        #expect(stats.cpuSeconds == 2.0)
        #expect(stats.startTimeSeconds == 1_700_000_010)
        #expect(stats.virtualBytes == 123_456_789)
        #expect(stats.residentBytes == 2500 * 4096)
        #expect(stats.maxFDs == 1024)
        #expect(stats.virtualMemoryMaxBytes == nil)
        #expect(stats.openFDs == 7)
    }

    @Test func rejectsATruncatedStat() async {
        #expect(
            ProcessStats.parse(
                stat: Array("1 (x) S 1 2".utf8), limits: nil, procStat: Array("btime 1\n".utf8), clockTicks: 100, pageSize: 4096,
                openFDs: nil) == nil)
    }

    @Test func readsItself() async throws {
        let stats = try #require(ProcessStats.current())
        #expect(stats.residentBytes > 0)
        #expect(stats.openFDs ?? 0 > 0)
    }
}
