import Foundation
import IPVSMetrics
import IPVSTestSupport
import Testing

/// dashboards/: the alert rules under promtool, the Grafana dashboards' shape, and every PromQL
/// expression of both dashboards run against a real Prometheus that scrapes real exporters.
@Suite(.serialized) struct DashboardTests {
    static let directory = Fixtures.packageRoot + "/dashboards"
    static let dashboards = ["ipvs-overview.json", "ipvs-service.json"]
    static let rulesFile = directory + "/ipvs-alerts.yaml"

    static func dashboard(_ name: String) throws -> [String: Any] {
        let data = try Data(contentsOf: URL(fileURLWithPath: directory + "/" + name))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    /// A YAML file as JSON objects, through python3-yaml (the test's only YAML reader).
    static func yaml(_ path: String) async throws -> [String: Any] {
        let result = try await Processes.run(
            "/usr/bin/python3", ["-c", "import json, sys, yaml; json.dump(yaml.safe_load(open(sys.argv[1])), sys.stdout)", path])
        #expect(result.status == 0, "\(result.stderr)")
        return try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
    }

    static func rules() async throws -> [[String: Any]] {
        let groups = try #require(try await yaml(rulesFile)["groups"] as? [[String: Any]])
        return groups.flatMap { $0["rules"] as? [[String: Any]] ?? [] }
    }

    // MARK: promtool

    @Test(.enabled(if: Processes.shouldRun(needing: "promtool")))
    func promtoolChecksTheRules() async throws {
        let result = try await Processes.run("/usr/bin/promtool", ["check", "rules", Self.rulesFile])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("SUCCESS"), "\(result.stdout)")
    }

    @Test(.enabled(if: Processes.shouldRun(needing: "promtool")))
    func promtoolUnitTestsPass() async throws {
        let result = try await Processes.run(
            "/bin/sh", ["-c", "cd '\(Self.directory)' && promtool test rules ipvs-alerts.test.yaml"])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("SUCCESS"), "\(result.stdout)")
    }

    /// Every alert has a series set that fires it and one that must not; every alert has the
    /// annotations and runbook section operators need.
    @Test(.enabled(if: Processes.shouldRun(needing: "python3")))
    func everyAlertIsTestedBothWaysAndHasARunbook() async throws {
        let alerts = try await Self.rules().compactMap { $0["alert"] as? String }
        #expect(alerts.count >= 6)
        let tests = try #require(try await Self.yaml(Self.directory + "/ipvs-alerts.test.yaml")["tests"] as? [[String: Any]])
        var fires: Set<String> = []
        var stays: Set<String> = []
        for test in tests {
            for check in test["alert_rule_test"] as? [[String: Any]] ?? [] {
                guard let name = check["alertname"] as? String else { continue }
                if (check["exp_alerts"] as? [Any] ?? []).isEmpty { stays.insert(name) } else { fires.insert(name) }
            }
        }
        let readme = try String(contentsOfFile: Self.directory + "/README.md", encoding: .utf8)
        for rule in try await Self.rules() {
            guard let alert = rule["alert"] as? String else { continue }
            #expect(fires.contains(alert), "\(alert) has no test that fires it")
            #expect(stays.contains(alert), "\(alert) has no test where it must stay silent")
            let annotations = rule["annotations"] as? [String: String] ?? [:]
            for key in ["summary", "description", "runbook_url"] {
                #expect(!(annotations[key] ?? "").isEmpty, "\(alert) lacks \(key)")
            }
            #expect(annotations["runbook_url"]?.hasSuffix("#" + alert.lowercased()) == true)
            #expect(readme.contains("\n### \(alert)\n"), "dashboards/README.md has no runbook section for \(alert)")
            #expect((rule["labels"] as? [String: String])?["severity"] != nil, "\(alert) has no severity")
        }
    }

    // MARK: What Grafana needs on import

    @Test(arguments: dashboards)
    func importsIntoGrafana(_ name: String) async throws {
        let board = try Self.dashboard(name)
        #expect((board["uid"] as? String).map { !$0.isEmpty && $0.count <= 40 } == true, "uid")
        #expect(!(board["title"] as? String ?? "").isEmpty, "title")
        #expect((board["schemaVersion"] as? Int ?? 0) >= 36, "schemaVersion")
        #expect(board["id"] == nil || board["id"] is NSNull, "an exported id would clash on import")
        let variables = try #require((board["templating"] as? [String: Any])?["list"] as? [[String: Any]])
        let datasource = try #require(variables.first { $0["type"] as? String == "datasource" })
        #expect(datasource["name"] as? String == "datasource")
        #expect(datasource["query"] as? String == "prometheus")
        for name in ["job", "cluster_label", "cluster", "instance", "service", "backend"] {
            #expect(variables.contains { $0["name"] as? String == name }, "variable \(name)")
        }
        // A fleet: every query selects job, the grouping label and director by variable, and
        // the job, group and director variables may take several values or All.
        for (panel, expression) in Self.expressions(board) where !expression.hasPrefix("label_values(ipvs_up") {
            #expect(
                expression.contains(#"job=~"$job", $cluster_label=~"$cluster", instance=~"$instance""#),
                "\(name) «\(panel)» does not select by job, group and director: \(expression)")
        }
        for variable in variables where ["job", "cluster", "instance"].contains(variable["name"] as? String ?? "") {
            #expect(variable["multi"] as? Bool == true && variable["includeAll"] as? Bool == true, "\(variable["name"] ?? "?")")
            #expect(variable["allValue"] as? String == ".*", "All must also match series without the label")
        }

        // No datasource uid may be hard-coded: every reference is the variable.
        let panels = Self.allPanels(board)
        for reference in Self.datasourceReferences(board) {
            #expect(
                ["${datasource}", "$datasource", "-- Grafana --"].contains(reference), "hard-coded datasource uid \(reference)")
        }
        let ids = panels.compactMap { $0["id"] as? Int }
        #expect(ids.count == panels.count && Set(ids).count == ids.count, "panel ids must be present and unique")
        for panel in panels {
            let grid = panel["gridPos"] as? [String: Int] ?? [:]
            #expect(["h", "w", "x", "y"].allSatisfy { grid[$0] != nil }, "gridPos of \(panel["title"] ?? "?")")
            #expect((grid["x"] ?? 0) + (grid["w"] ?? 0) <= 24)
            guard panel["type"] as? String != "row" else { continue }
            let targets = panel["targets"] as? [[String: Any]] ?? []
            #expect(!targets.isEmpty, "\(panel["title"] ?? "?") has no query")
            #expect(Set(targets.compactMap { $0["refId"] as? String }).count == targets.count)
            #expect(!(panel["description"] as? String ?? "").isEmpty, "\(panel["title"] ?? "?") needs a description")
            // A panel that reads a recording rule says so: without ipvs-alerts.yaml it is empty.
            let readsRules = targets.contains { target in
                Self.recordingRulePrefixes.contains { (target["expr"] as? String ?? "").contains($0) }
            }
            if readsRules {
                #expect(
                    (panel["description"] as? String ?? "").contains("Needs the recording rules of ipvs-alerts.yaml"),
                    "\(panel["title"] ?? "?") reads a recording rule and does not say so")
            }
        }
    }

    /// How the recording rules of ipvs-alerts.yaml are named (level:metric:operations).
    static let recordingRulePrefixes = ["ipvs:", "ipvs_service:", "ipvs_backend:", "instance:ipvs"]

    /// Exporters may be scraped under any job name: no rule may name one.
    @Test(.enabled(if: Processes.shouldRun(needing: "python3")))
    func noRuleNamesAJob() async throws {
        for rule in try await Self.rules() {
            let expression = rule["expr"] as? String ?? ""
            #expect(!expression.contains("job=") && !expression.contains("job!="), "\(rule["alert"] ?? rule["record"] ?? "?")")
        }
    }

    // MARK: The metric contract

    /// Names the dashboards and rules may use: the exporter's catalog (checked against
    /// the README's Metrics table by MetricCatalogTests), the recording rules of ipvs-alerts.yaml, and
    /// Prometheus' own `up`.
    static func allowedNames() async throws -> (metrics: Set<String>, labels: Set<String>) {
        var metrics = Set(MetricCatalog.all.map(\.name))
        await metrics.formUnion(try rules().compactMap { $0["record"] as? String })
        metrics.insert("up")
        var labels = Set(MetricCatalog.all.flatMap(\.labelNames))
        // Target labels, the one label the recording rules add, and the dashboards' grouping
        // label, which the user names in a variable.
        labels.formUnion(["job", "instance", "service", "$cluster_label"])
        return (metrics, labels)
    }

    @Test(.enabled(if: Processes.shouldRun(needing: "python3")), arguments: dashboards + ["ipvs-alerts.yaml"])
    func namesOnlyContractMetricsAndLabels(_ name: String) async throws {
        let (metrics, labels) = try await Self.allowedNames()
        let expressions: [String] =
            name.hasSuffix(".json")
            ? Self.expressions(try Self.dashboard(name)).map(\.expression)
            : try await Self.rules().compactMap { $0["expr"] as? String }
        #expect(!expressions.isEmpty)
        for expression in expressions {
            let used = PromQLNames(expression)
            for metric in used.metrics where !metrics.contains(metric) {
                Issue.record("\(name): \(metric) is not in the metric contract: \(expression)")
            }
            for label in used.labels where !labels.contains(label) {
                Issue.record("\(name): label \(label) is not in the metric contract: \(expression)")
            }
        }
    }

    /// The scanner itself: it must see what a dashboard names, or the check above proves nothing.
    @Test func scannerFindsMetricsAndLabels() async {
        let names = PromQLNames(
            #"sum by (instance, service) (rate(ipvs_service_connections_total{instance=~"$instance", foo!="a{b}"}[$__rate_interval]) * on (job) group_left (service) ipvs:service_name_info{service=~"$service"}) > bool 0"#
        )
        #expect(names.metrics == ["ipvs_service_connections_total", "ipvs:service_name_info"])
        #expect(names.labels == ["instance", "service", "foo", "job"])
        #expect(PromQLNames(#"label_values(ipvs_up, instance)"#).metrics == ["ipvs_up"])
        #expect(PromQLNames(#"label_values(ipvs_up, instance)"#).labels == ["instance"])
        #expect(PromQLNames(#"count without (state) (node_ipvs_x offset 5m) unless ignoring(cpu) y"#).labels == ["state", "cpu"])
    }

    // MARK: Every expression against a real Prometheus

    /// Four exporters serve recorded netlink dumps of the kernel lab (sync daemon, quiesced and
    /// persistent services, fwmark services, connection thresholds) with the lab's /proc;
    /// Prometheus scrapes them every second under two jobs, the second with a `cluster`
    /// label, and evaluates ipvs-alerts.yaml. For each job, and for the second job's group,
    /// each variable and panel query of both dashboards must parse and return data; a group
    /// that does not exist must empty every panel.
    @Test(.enabled(if: Processes.shouldRun(needing: "prometheus", "curl", "python3")))
    func everyExpressionReturnsData() async throws {
        var exporters: [RunningProcess] = []
        defer { exporters.forEach { $0.stop() } }
        var targets: [String] = []
        for capture in ["sync-daemon-master", "quiesced-main", "fwmark-main", "thresholds-main"] {
            let exporter = try RunningProcess(
                Processes.exporterBinary,
                [
                    "--web.listen-address", "127.0.0.1:0", "--path.procfs", Fixtures.labProc, "--path.boot", Fixtures.labBoot,
                    "--netlink.replay", Fixtures.path("lab/netlink/" + capture),
                ])
            exporters.append(exporter)
            targets.append("'127.0.0.1:\(try await exporter.listeningPort())'")
        }
        let prometheus = try PrometheusServer(
            configuration: """
                global:
                  scrape_interval: 1s
                  scrape_timeout: 1s
                  evaluation_interval: 1s
                rule_files:
                  - \(Self.rulesFile)
                scrape_configs:
                  - job_name: ipvs
                    static_configs:
                      - targets: [\(targets.joined(separator: ", "))]
                  - job_name: lvs-edge
                    static_configs:
                      - targets: [\(targets.joined(separator: ", "))]
                        labels:
                          cluster: edge
                """)
        defer { prometheus.stop() }

        let choices: [[String: String]] = [["job": "ipvs"], ["job": "lvs-edge"], ["job": "lvs-edge", "cluster": "edge"]]
        var failures: [String] = []
        let deadline = Date().addingTimeInterval(60)
        repeat {
            failures = []
            for fixed in choices {
                for name in Self.dashboards {
                    failures += try await Self.runDashboard(try Self.dashboard(name), name: name, fixed: fixed, on: prometheus)
                }
            }
            if failures.isEmpty { break }
            try await Task.sleep(for: .seconds(1))
        } while Date() < deadline
        #expect(
            failures.isEmpty,
            "\(failures.joined(separator: "\n"))\nPrometheus log:\n\(prometheus.log.suffix(10).joined(separator: "\n"))")

        // The grouping variable really filters: a group nobody has leaves every panel empty.
        for name in Self.dashboards {
            let board = try Self.dashboard(name)
            for (panel, expression) in Self.expressions(board, variables: false) {
                let query = Self.substitute(
                    expression,
                    [
                        "job": ".*", "cluster_label": "cluster", "cluster": "nowhere", "instance": ".*", "service": ".*",
                        "backend": ".*", "__rate_interval": "5s", "__interval": "1s",
                    ])
                let answer = try await prometheus.ask(query)
                #expect(answer.status == "success" && answer.vector.isEmpty, "\(name) «\(panel)» ignores the group: \(query)")
            }
        }
    }

    /// Resolves the variables as Grafana does, in order: `fixed` ones take the given value; a
    /// textbox its text; a variable whose All has its own value (`.*`, which also matches series
    /// without the label) takes it, as Grafana's default selection does; another multi-value or
    /// All variable becomes an escaped regex alternation of all its values; a single-value one
    /// is tried with each of its values (every director, every service). A query must parse in
    /// every selection and return data in at least one: a service without persistence has no
    /// persistence timeout.
    static func runDashboard(
        _ board: [String: Any], name: String, fixed: [String: String] = [:], on prometheus: PrometheusServer
    ) async throws -> [String] {
        var failures: [String] = []
        let variables = ((board["templating"] as? [String: Any])?["list"] as? [[String: Any]] ?? [])
            .filter { ["query", "textbox"].contains($0["type"] as? String ?? "") }
        var selections: [[String: String]] = [["__rate_interval": "5s", "__interval": "1s"]]
        for variable in variables {
            let variableName = variable["name"] as? String ?? "?"
            if let value = fixed[variableName] ?? (variable["type"] as? String == "textbox" ? variable["query"] as? String : nil)
            {
                selections = selections.map { $0.merging([variableName: value]) { $1 } }
                continue
            }
            if variable["includeAll"] as? Bool == true, let all = variable["allValue"] as? String {
                selections = selections.map { $0.merging([variableName: all]) { $1 } }
                continue
            }
            let multi = variable["multi"] as? Bool == true || variable["includeAll"] as? Bool == true
            var next: [[String: String]] = []
            for selection in selections {
                let definition = substitute(variable["definition"] as? String ?? "", selection)
                let found = try await variableValues(definition, regex: variable["regex"] as? String ?? "", on: prometheus)
                if multi, !found.isEmpty {
                    next.append(
                        selection.merging([variableName: "(" + found.map(escapeForRegex).joined(separator: "|") + ")"]) { $1 })
                } else {
                    next += found.map { selection.merging([variableName: $0]) { $1 } }
                }
            }
            if next.isEmpty {
                return ["\(name) \(fixed): variable \(variableName) found nothing (\(variable["definition"] as? String ?? ""))"]
            }
            selections = next
        }
        // Every variable query with the fixed values must find something too.
        for variable in variables where variable["type"] as? String == "query" {
            let definition = substitute(variable["definition"] as? String ?? "", selections[0])
            let found = try await variableValues(definition, regex: variable["regex"] as? String ?? "", on: prometheus)
            let variableName = variable["name"] as? String ?? "?"
            if found.isEmpty && !(variableName == "cluster" && fixed["job"] == "ipvs") {
                failures.append("\(name) \(fixed): variable \(variableName) found nothing: \(definition)")
            }
        }
        for (panel, expression) in expressions(board, variables: false) {
            var answered = false
            for selection in selections {
                let query = substitute(expression, selection)
                let answer = try await prometheus.ask(query)
                if answer.status != "success" {
                    failures.append("\(name) \(fixed) «\(panel)»: \(answer.error ?? answer.status): \(query)")
                    break
                }
                if !answer.vector.isEmpty { answered = true }
            }
            if !answered {
                failures.append("\(name) \(fixed) «\(panel)»: no data in any of \(selections.count) selections: \(expression)")
            }
        }
        return failures
    }

    /// `label_values(selector, label)` and `query_result(expr)` with a capture regex, the two
    /// variable query forms the dashboards use.
    static func variableValues(_ definition: String, regex: String, on prometheus: PrometheusServer) async throws -> [String] {
        if definition.hasPrefix("label_values("), let comma = definition.lastIndex(of: ",") {
            let selector = String(definition[definition.index(definition.startIndex, offsetBy: 13)..<comma])
            let label = definition[definition.index(after: comma)...].dropLast().trimmingCharacters(in: .whitespaces)
            let vector = try await prometheus.query(selector)
            return Array(Set(vector.compactMap { PrometheusServer.labels($0)[label] })).sorted()
        }
        if definition.hasPrefix("query_result(") {
            let expression = String(definition.dropFirst(13).dropLast())
            let pattern = try Regex(String(regex.dropFirst().dropLast()))
            var found: Set<String> = []
            for sample in try await prometheus.query(expression) {
                let text =
                    "{"
                    + PrometheusServer.labels(sample).sorted { $0.key < $1.key }.map { "\($0.key)=\"\($0.value)\"" }
                    .joined(separator: ", ") + "}"
                if let match = text.firstMatch(of: pattern), match.output.count > 1, let value = match.output[1].substring {
                    found.insert(String(value))
                }
            }
            return found.sorted()
        }
        Issue.record("unknown variable query form: \(definition)")
        return []
    }

    /// Grafana's escaping of a variable value inside a PromQL regex string: each special
    /// character behind a backslash, itself doubled inside the quoted string.
    static func escapeForRegex(_ value: String) -> String {
        var out = ""
        for character in value {
            if "\\^$*+?.()|{}[]'".contains(character) { out += "\\\\" }
            out.append(character)
        }
        return out
    }

    static func substitute(_ expression: String, _ values: [String: String]) -> String {
        var out = expression
        for (name, value) in values.sorted(by: { $0.key.count > $1.key.count }) {
            out = out.replacingOccurrences(of: "${\(name)}", with: value).replacingOccurrences(of: "$\(name)", with: value)
        }
        return out
    }

    static func allPanels(_ board: [String: Any]) -> [[String: Any]] {
        let top = board["panels"] as? [[String: Any]] ?? []
        return top + top.flatMap { $0["panels"] as? [[String: Any]] ?? [] }
    }

    /// (panel title, expr) for every panel target, plus every variable query when asked.
    static func expressions(_ board: [String: Any], variables withVariables: Bool = true) -> [(panel: String, expression: String)]
    {
        var out: [(String, String)] = []
        for panel in allPanels(board) {
            for target in panel["targets"] as? [[String: Any]] ?? [] {
                if let expression = target["expr"] as? String { out.append((panel["title"] as? String ?? "?", expression)) }
            }
        }
        let variables = (board["templating"] as? [String: Any])?["list"] as? [[String: Any]] ?? []
        for variable in variables where withVariables && variable["type"] as? String == "query" {
            if let definition = variable["definition"] as? String {
                out.append(("variable " + (variable["name"] as? String ?? "?"), definition))
            }
        }
        return out
    }

    static func datasourceReferences(_ value: Any) -> [String] {
        if let object = value as? [String: Any] {
            var out: [String] = []
            for (key, child) in object {
                if key == "datasource", let reference = child as? [String: Any] {
                    out.append(reference["uid"] as? String ?? "(no uid)")
                } else if key == "datasource", let reference = child as? String {
                    out.append(reference)
                } else {
                    out += datasourceReferences(child)
                }
            }
            return out
        }
        if let array = value as? [Any] { return array.flatMap(datasourceReferences) }
        return []
    }
}

/// The metric and label names a PromQL expression (or a Grafana variable query) uses: enough
/// of the grammar to tell them from functions, keywords, strings and durations.
struct PromQLNames {
    var metrics: [String] = []
    var labels: [String] = []

    static let keywords: Set<String> = [
        "by", "without", "on", "ignoring", "group_left", "group_right", "and", "or", "unless", "bool", "offset",
        "inf", "nan", "atan2",
        // Aggregations, which may be followed by `by (…)` before their parenthesis.
        "sum", "min", "max", "avg", "count", "group", "stddev", "stdvar", "topk", "bottomk", "quantile", "count_values",
    ]
    static let labelListKeywords: Set<String> = ["by", "without", "on", "ignoring", "group_left", "group_right"]

    init(_ expression: String) {
        let characters = Array(expression)
        var index = 0
        var braceDepth = 0
        var pendingLabelList = false
        var inLabelList = false
        var grafanaLabelArgument = false  // label_values(selector, LABEL)
        var parenthesisDepthAtLabelValues: Int?
        var parenthesisDepth = 0
        func add(_ name: String, to list: inout [String]) { if !list.contains(name) { list.append(name) } }
        while index < characters.count {
            let character = characters[index]
            if character == "\"" || character == "'" || character == "`" {
                index += 1
                while index < characters.count && characters[index] != character {
                    if characters[index] == "\\" { index += 1 }
                    index += 1
                }
                index += 1
                continue
            }
            if character == "[" {
                while index < characters.count && characters[index] != "]" { index += 1 }
                index += 1
                continue
            }
            if character == "$" {  // a Grafana variable
                index += 1
                if index < characters.count && characters[index] == "{" {
                    while index < characters.count && characters[index] != "}" { index += 1 }
                    index += 1
                } else {
                    while index < characters.count
                        && (characters[index].isLetter || characters[index].isNumber || characters[index] == "_")
                    { index += 1 }
                }
                continue
            }
            if character == "{" { braceDepth += 1; index += 1; continue }
            if character == "}" { braceDepth -= 1; index += 1; continue }
            if character == "(" {
                parenthesisDepth += 1
                if pendingLabelList { inLabelList = true; pendingLabelList = false }
                index += 1
                continue
            }
            if character == ")" {
                if inLabelList { inLabelList = false }
                if parenthesisDepthAtLabelValues == parenthesisDepth {
                    parenthesisDepthAtLabelValues = nil; grafanaLabelArgument = false
                }
                parenthesisDepth -= 1
                index += 1
                continue
            }
            if character == "," && parenthesisDepthAtLabelValues == parenthesisDepth && braceDepth == 0 {
                grafanaLabelArgument = true
                index += 1
                continue
            }
            if character.isNumber {
                while index < characters.count
                    && (characters[index].isLetter || characters[index].isNumber || characters[index] == ".")
                { index += 1 }
                continue
            }
            guard character.isLetter || character == "_" || character == ":" else {
                index += 1
                continue
            }
            var name = ""
            while index < characters.count
                && (characters[index].isLetter || characters[index].isNumber || characters[index] == "_"
                    || characters[index] == ":")
            {
                name.append(characters[index])
                index += 1
            }
            var next = index
            while next < characters.count && characters[next] == " " { next += 1 }
            let following: Character? = next < characters.count ? characters[next] : nil
            if braceDepth > 0 || inLabelList || grafanaLabelArgument {
                add(name, to: &labels)
            } else if Self.labelListKeywords.contains(name) {
                pendingLabelList = following == "("
            } else if Self.keywords.contains(name.lowercased()) {
                continue
            } else if following == "(" {
                if name == "label_values" { parenthesisDepthAtLabelValues = parenthesisDepth + 1 }
            } else {
                add(name, to: &metrics)
            }
        }
    }
}
