#!/bin/bash
# Validates deploy/kubernetes/ offline (make test-kubernetes):
#
#   1. prometheusrule.yaml is what generate-prometheusrule.py writes now (no drift), and the
#      generator changes nothing in dashboards/ipvs-alerts.yaml;
#   2. the built-in kinds (DaemonSets) against Kubernetes $KUBERNETES_VERSION's schemas, strict
#      (unknown fields fail), with kubernetes-validate from a virtualenv in .build/kubernetes-venv
#      (pinned by deploy/kubernetes/requirements.txt, rebuilt only when that file changes);
#   3. PodMonitor and PrometheusRule against the v1 openAPIV3Schema of prometheus-operator's CRDs
#      kept in deploy/kubernetes/schemas (origin in SOURCES.tsv, checked by git blob hash), with
#      python3-jsonschema, unknown fields failing as under kubectl's strict field validation;
#   4. what no schema says: the security settings, image tag = VERSION, the PodMonitor selecting
#      the DaemonSets' pods and port, the rules naming no job (Tests/Kubernetes/checks.py policy);
#   5. the PrometheusRule's groups with `promtool check rules`, and with dashboards'
#      `promtool test rules` unit tests retargeted at the PodMonitor's job;
#   6. when an exporter binary is at hand ($IPVS_EXPORTER, else .build/release/ipvs_exporter),
#      each DaemonSet's arguments start it and its probe path answers 200;
#   7. the checks themselves: broken copies (a typo'd field in each kind, a hand edit of the
#      generated file) must fail.
#
#   Tests/Kubernetes/validate.sh            exit 0 when every check passed; else 1, FAIL lines say what
#
# Needs python3 with PyYAML and jsonschema (Debian: python3-yaml, python3-jsonschema,
# python3-venv), promtool (Debian: prometheus), and PyPI for the first run's virtualenv.
set -uo pipefail
cd "$(dirname "$0")/../.."

KUBERNETES_VERSION=${KUBERNETES_VERSION:-1.30}
PYTHON=${PYTHON:-/usr/bin/python3}
[ -x "$PYTHON" ] || PYTHON=python3
DEPLOY=deploy/kubernetes
CHECKS=Tests/Kubernetes/checks.py
VENV=.build/kubernetes-venv
work=$(mktemp -d)
exporter_pid=
cleanup() {
    [ -n "$exporter_pid" ] && kill "$exporter_pid" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT

failed=0
passed=0
# check NAME COMMAND...: runs COMMAND, keeps its output; prints it on failure.
check() {
    local name=$1
    shift
    if "$@" > "$work/out" 2>&1; then
        passed=$((passed + 1))
        echo "ok   $name"
    else
        failed=$((failed + 1))
        echo "FAIL $name"
        sed 's/^/     /' "$work/out"
    fi
}
# expect_failure NAME COMMAND...: COMMAND must fail (a broken copy must not pass).
expect_failure() {
    local name=$1
    shift
    if "$@" > "$work/out" 2>&1; then
        failed=$((failed + 1))
        echo "FAIL $name: the broken copy passed"
    else
        passed=$((passed + 1))
        echo "ok   $name: refused ($(grep -m1 -E 'ERROR|WARN|FAIL|^[-+][^-+]' "$work/out" | sed "s#$work/##" | cut -c1-120))"
    fi
}

start=$(date +%s%N)

# --- tools ------------------------------------------------------------------------------------
if ! "$PYTHON" -c 'import yaml, jsonschema' 2>/dev/null; then
    echo "FAIL $PYTHON lacks PyYAML or jsonschema (apt-get install python3-yaml python3-jsonschema)"
    exit 1
fi
if ! command -v promtool > /dev/null; then
    echo "FAIL promtool not found (apt-get install prometheus)"
    exit 1
fi

if [ -f VERSION ]; then
    version=$(tr -d ' \t\r\n' < VERSION)
else
    version=0.9.0   # no VERSION file
fi
manifests=("$DEPLOY"/*.yaml)

# --- 1. the generated PrometheusRule ----------------------------------------------------------
"$PYTHON" "$DEPLOY/generate-prometheusrule.py" --output "$work/prometheusrule.yaml" > "$work/gen.log" 2>&1 ||
    { cat "$work/gen.log"; echo "FAIL generate-prometheusrule.py failed"; exit 1; }
check "prometheusrule.yaml is up to date with generate-prometheusrule.py (else: make kubernetes-rules)" \
    diff -u "$DEPLOY/prometheusrule.yaml" "$work/prometheusrule.yaml"
"$PYTHON" "$CHECKS" extract-rules "$work/prometheusrule.yaml" "$work/identity-rules.yaml" > /dev/null
check "generated rules equal dashboards/ipvs-alerts.yaml (the generator only wraps them)" \
    "$PYTHON" "$CHECKS" same-rules "$work/identity-rules.yaml" dashboards/ipvs-alerts.yaml

# --- 2. built-in kinds: kubernetes-validate ---------------------------------------------------
requirements=$DEPLOY/requirements.txt
key="$(sha256sum "$requirements" | cut -d' ' -f1) $("$PYTHON" -c 'import sys; print(sys.version.split()[0])')"
if [ "$(cat "$VENV/.key" 2>/dev/null)" != "$key" ]; then
    echo "     (re)creating $VENV from $requirements"
    rm -rf "$VENV"
    mkdir -p "$(dirname "$VENV")"
    if ! { "$PYTHON" -m venv "$VENV" &&
        nice "$VENV/bin/pip" install --quiet --disable-pip-version-check --no-deps -r "$requirements" &&
        "$VENV/bin/pip" check --disable-pip-version-check; } > "$work/venv.log" 2>&1; then
        cat "$work/venv.log"
        echo "FAIL cannot install kubernetes-validate into $VENV (python3-venv? PyPI reachable?)"
        rm -rf "$VENV"
        exit 1
    fi
    echo "$key" > "$VENV/.key"
fi
# kubernetes-validate only warns (exit 0) about a kind it has no schema for: every file must
# print `passed`, nothing else.
kubernetes_validate() {
    local out
    out=$("$VENV/bin/kubernetes-validate" --kubernetes-version "$KUBERNETES_VERSION" --strict "$@" 2>&1)
    local status=$?
    echo "$out"
    [ $status -eq 0 ] && ! grep -qv ' passed for resource ' <<< "$out"
}
mapfile -t builtin < <("$PYTHON" "$CHECKS" builtin "${manifests[@]}")
if [ ${#builtin[@]} -eq 0 ]; then
    failed=$((failed + 1))
    echo "FAIL no built-in kinds found in $DEPLOY"
fi
for file in "${builtin[@]}"; do
    check "$file against Kubernetes $KUBERNETES_VERSION (kubernetes-validate --strict)" kubernetes_validate "$file"
done

# --- 3. custom resources against prometheus-operator's CRD schemas ----------------------------
custom=()
for file in "${manifests[@]}"; do
    printf '%s\n' "${builtin[@]}" | grep -qxF "$file" || custom+=("$file")
done
check "schemas match SOURCES.tsv; ${custom[*]##*/} against the CRDs' v1 openAPIV3Schema (strict)" \
    "$PYTHON" "$CHECKS" crd "$DEPLOY/schemas" "${custom[@]}"

# --- 4. policy --------------------------------------------------------------------------------
check "security, image $version, PodMonitor selects the pods and port, rules name no job" \
    "$PYTHON" "$CHECKS" policy "$DEPLOY" "$version"

# --- 5. promtool ------------------------------------------------------------------------------
"$PYTHON" "$CHECKS" extract-rules "$DEPLOY/prometheusrule.yaml" "$work/rules.yaml" > /dev/null
check "promtool check rules on the PrometheusRule's groups" promtool check rules "$work/rules.yaml"
job=$("$PYTHON" -c 'import sys, yaml; m = yaml.safe_load(open(sys.argv[1]))["metadata"]; print(m["namespace"] + "/" + m["name"])' \
    "$DEPLOY/podmonitor.yaml")
"$PYTHON" "$CHECKS" rewrite-tests dashboards/ipvs-alerts.test.yaml "$work/rules.yaml" "$job" \
    "$work/rules.test.yaml" > /dev/null
check "promtool test rules: dashboards' alert tests pass on the generated rules with job=\"$job\"" \
    promtool test rules "$work/rules.test.yaml"

# --- 6. the DaemonSets' arguments against the exporter itself ---------------------------------
# Each DaemonSet's args (listening on loopback instead), on the kernel-lab /proc fixture; as root,
# under setpriv with the container's uid and capabilities (drop ALL, add what it adds).
exporter=${IPVS_EXPORTER:-.build/release/ipvs_exporter}
smoke() {
    local file=$1 port lines args uid caps source
    port=$("$PYTHON" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    mapfile -t lines < <("$PYTHON" -c '
import sys, yaml
spec = yaml.safe_load(open(sys.argv[1]))["spec"]["template"]["spec"]
c = spec["containers"][0]
sc = c.get("securityContext", {})
print(sc.get("runAsUser", spec.get("securityContext", {}).get("runAsUser", 0)))
print(",".join("+" + cap.lower() for cap in sc.get("capabilities", {}).get("add", [])))
for a in c.get("args", []):
    print("--web.listen-address=127.0.0.1:" + sys.argv[2] if a.startswith("--web.listen-address") else a)
' "$file" "$port")
    uid=${lines[0]} caps=${lines[1]} args=("${lines[@]:2}")
    source=$(printf '%s\n' "${args[@]}" | sed -n 's/^--ipvs.source=//p')
    local run=()
    if [ "$(id -u)" -eq 0 ] && command -v setpriv > /dev/null; then
        run=(setpriv --reuid="$uid" --regid="$uid" --clear-groups --no-new-privs
            --inh-caps=-all --bounding-set="-all${caps:+,$caps}")
    fi
    "${run[@]}" "$exporter" "${args[@]}" --path.procfs Tests/Fixtures/kernel-6.1-lab/proc \
        --path.boot Tests/Fixtures/kernel-6.1-lab/boot 2> "$work/exporter.log" &
    exporter_pid=$!
    local status=1
    for _ in $(seq 50); do
        if curl -sf -o /dev/null "http://127.0.0.1:$port/"; then status=0; break; fi
        kill -0 "$exporter_pid" 2>/dev/null || break
        sleep 0.1
    done
    if [ $status -eq 0 ]; then
        curl -sf "http://127.0.0.1:$port/metrics" > "$work/metrics" || status=1
        grep -qx "ipvs_exporter_source_info{source=\"$source\"} 1" "$work/metrics" || status=1
        # The fixture is readable by anyone: /proc must work without privileges.
        [ "$source" != procfs ] || grep -qx 'ipvs_up 1' "$work/metrics" || status=1
    fi
    kill "$exporter_pid" 2>/dev/null
    wait "$exporter_pid" 2>/dev/null
    exporter_pid=
    [ $status -eq 0 ] || { echo "${run[*]} $exporter ${args[*]}"; cat "$work/exporter.log"; grep '^ipvs_up\|source_info' "$work/metrics"; }
    return $status
}
if [ -x "$exporter" ] && command -v curl > /dev/null; then
    for file in "${builtin[@]}"; do
        check "$exporter with ${file##*/}'s args, uid and capabilities: GET / (the probes) and /metrics" smoke "$file"
    done
else
    echo "skip exporter smoke test: no $exporter (build it, or set IPVS_EXPORTER=path)"
fi

# --- 7. the checks catch broken manifests ------------------------------------------------------
broken=$work/broken
mkdir -p "$broken"
sed 's/readOnlyRootFilesystem:/readOnlyRootFilesytem:/' "$DEPLOY/daemonset.yaml" > "$broken/daemonset.yaml"
expect_failure "a typo'd field in the DaemonSet" kubernetes_validate "$broken/daemonset.yaml"
sed 's/kind: DaemonSet/kind: DaemonSett/' "$DEPLOY/daemonset.yaml" > "$broken/daemonset-kind.yaml"
expect_failure "a typo'd kind" kubernetes_validate "$broken/daemonset-kind.yaml"
sed 's/podMetricsEndpoints:/podMetricEndpoints:/' "$DEPLOY/podmonitor.yaml" > "$broken/podmonitor.yaml"
expect_failure "a typo'd field in the PodMonitor" "$PYTHON" "$CHECKS" crd "$DEPLOY/schemas" "$broken/podmonitor.yaml"
sed '0,/          expr:/s//          exp:/' "$DEPLOY/prometheusrule.yaml" > "$broken/prometheusrule.yaml"
expect_failure "a typo'd field in the PrometheusRule" "$PYTHON" "$CHECKS" crd "$DEPLOY/schemas" "$broken/prometheusrule.yaml"
sed 's/for: 5m/for: 10m/' "$DEPLOY/prometheusrule.yaml" > "$broken/prometheusrule-edited.yaml"
expect_failure "a hand edit of the generated PrometheusRule" diff -u "$broken/prometheusrule-edited.yaml" "$work/prometheusrule.yaml"

elapsed_ms=$((($(date +%s%N) - start) / 1000000))
echo "$passed passed, $failed failed ($((elapsed_ms / 1000)).$((elapsed_ms % 1000 / 100)) s)"
[ $failed -eq 0 ]
