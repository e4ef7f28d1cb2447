#!/usr/bin/env python3
"""The checks of Tests/Kubernetes/validate.sh that need Python (PyYAML, python3-jsonschema).

    checks.py sources SCHEMA_DIR                 the CRD files match SOURCES.tsv (git blob hashes)
    checks.py crd SCHEMA_DIR MANIFEST...         custom resources against their CRD's v1 schema
    checks.py builtin MANIFEST...                prints the files holding only built-in kinds
    checks.py policy DEPLOY_DIR VERSION          what the schemas cannot say (security, wiring)
    checks.py extract-rules PROMETHEUSRULE OUT   spec.groups as a plain Prometheus rules file
    checks.py same-rules RULES_A RULES_B         two rules files hold the same groups
    checks.py rewrite-tests TESTS RULES JOB OUT  promtool tests retargeted at job JOB and RULES

Every failure is printed as "FAIL <file>: <what>" and the exit status is 1.
"""

import copy
import hashlib
import os
import re
import sys

import jsonschema
import yaml

CUSTOM_GROUPS = {"monitoring.coreos.com"}
failures = []


def fail(where, message):
    failures.append(f"FAIL {where}: {message}")


# The exporter's probe endpoints (Prometheus' convention): alive while it serves HTTP, ready
# until shutdown begins.
PROBE_PATHS = {"livenessProbe": "/-/healthy", "readinessProbe": "/-/ready"}


def load_all(path):
    with open(path, encoding="utf-8") as f:
        return [d for d in yaml.safe_load_all(f) if d is not None]


def group_of(api_version):
    return api_version.split("/")[0] if "/" in api_version else ""


# --- sources ----------------------------------------------------------------------------------


def git_blob_sha1(path):
    with open(path, "rb") as f:
        data = f.read()
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def read_sources(schema_dir):
    path = os.path.join(schema_dir, "SOURCES.tsv")
    with open(path, encoding="utf-8") as f:
        lines = [line.rstrip("\n").split("\t") for line in f if line.strip()]
    header, rows = lines[0], lines[1:]
    expected = ["file", "repository", "path", "commit", "tag", "git_blob_sha1"]
    if header != expected:
        fail(path, f"header is {header}, expected {expected}")
        return []
    return [dict(zip(header, row)) for row in rows]


def check_sources(schema_dir):
    rows = read_sources(schema_dir)
    listed = set()
    for row in rows:
        listed.add(row["file"])
        path = os.path.join(schema_dir, row["file"])
        if not re.fullmatch(r"[0-9a-f]{40}", row.get("commit", "")):
            fail(path, f"SOURCES.tsv commit {row.get('commit')!r} is not a full commit hash")
        if not os.path.exists(path):
            fail(path, "listed in SOURCES.tsv but missing")
            continue
        actual = git_blob_sha1(path)
        if actual != row["git_blob_sha1"]:
            fail(path, f"git blob {actual} differs from SOURCES.tsv's {row['git_blob_sha1']} "
                       f"({row['repository']} {row['path']} at {row['commit']}): the fixture was edited")
    for name in sorted(os.listdir(schema_dir)):
        if name.endswith((".yaml", ".json")) and name not in listed:
            fail(os.path.join(schema_dir, name), "not listed in SOURCES.tsv (origin unknown)")


# --- custom resources against CRD schemas ------------------------------------------------------

# What the API server checks of metadata, for the fields these manifests use; anything else in
# metadata is refused, so a typo there fails too (the CRD schemas leave metadata open).
DNS_SUBDOMAIN = r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$"
DNS_LABEL = r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$"
OBJECT_META = {
    "type": "object",
    "additionalProperties": False,
    "required": ["name", "namespace"],
    "properties": {
        "name": {"type": "string", "maxLength": 253, "pattern": DNS_SUBDOMAIN},
        "namespace": {"type": "string", "maxLength": 63, "pattern": DNS_LABEL},
        "labels": {"type": "object", "additionalProperties": {"type": "string", "maxLength": 63}},
        "annotations": {"type": "object", "additionalProperties": {"type": "string"}},
    },
}


def strict(schema):
    """The structural schema as the API server applies it with strict field validation (kubectl's
    default): an object with `properties` and no `additionalProperties` or
    x-kubernetes-preserve-unknown-fields takes no other field (the server would refuse it,
    or prune it without --validate=strict: either way a typo'd field is a mistake)."""
    if isinstance(schema, list):
        return [strict(s) for s in schema]
    if not isinstance(schema, dict):
        return schema
    out = {k: strict(v) if k in ("items", "additionalProperties", "anyOf", "allOf", "oneOf",
                                 "not") else v for k, v in schema.items()}
    if "properties" in out:
        out["properties"] = {k: strict(v) for k, v in schema["properties"].items()}
        if "additionalProperties" not in out and not out.get("x-kubernetes-preserve-unknown-fields"):
            out["additionalProperties"] = False
    return out


def list_type(validator, value, instance, schema):
    """x-kubernetes-list-type: `map` items are unique by x-kubernetes-list-map-keys, `set` items
    are unique, as the API server enforces them."""
    if not validator.is_type(instance, "array"):
        return
    if value == "set":
        seen = []
        for item in instance:
            if item in seen:
                yield jsonschema.ValidationError(f"duplicate item {item!r} in a set list")
            seen.append(item)
    elif value == "map":
        keys = schema.get("x-kubernetes-list-map-keys", [])
        seen = set()
        for item in instance:
            if not isinstance(item, dict):
                continue
            key = tuple(repr(item.get(k)) for k in keys)
            if key in seen:
                yield jsonschema.ValidationError(
                    f"duplicate entry for keys {keys} = {[item.get(k) for k in keys]} in a map list")
            seen.add(key)


CRDValidator = jsonschema.validators.extend(
    jsonschema.Draft7Validator, {"x-kubernetes-list-type": list_type})


def load_crd_schemas(schema_dir):
    schemas = {}
    for row in read_sources(schema_dir):
        crd = load_all(os.path.join(schema_dir, row["file"]))[0]
        group, kind = crd["spec"]["group"], crd["spec"]["names"]["kind"]
        for version in crd["spec"]["versions"]:
            schema = copy.deepcopy(version["schema"]["openAPIV3Schema"])
            schema["properties"]["metadata"] = OBJECT_META
            schema.setdefault("required", [])
            for field in ("apiVersion", "kind", "metadata"):
                if field not in schema["required"]:
                    schema["required"].append(field)
            schemas[(f"{group}/{version['name']}", kind)] = (strict(schema), row["file"],
                                                              version.get("served", False))
    return schemas


def error_path(error):
    return ".".join(str(p) for p in error.absolute_path) or "(top)"


def check_crd(schema_dir, manifests):
    schemas = load_crd_schemas(schema_dir)
    for path in manifests:
        for index, doc in enumerate(load_all(path)):
            where = f"{path} (document {index + 1})"
            if not isinstance(doc, dict):
                fail(where, "not a mapping")
                continue
            key = (doc.get("apiVersion"), doc.get("kind"))
            if key not in schemas:
                fail(where, f"no CRD schema for {key[0]} {key[1]} in {schema_dir}")
                continue
            schema, origin, served = schemas[key]
            if not served:
                fail(where, f"{key[0]} is not a served version in {origin}")
            errors = sorted(CRDValidator(schema).iter_errors(doc), key=lambda e: list(e.absolute_path))
            for error in errors:
                fail(where, f"{error_path(error)}: {error.message} (against {origin})")
            if not errors:
                print(f"ok   {path}: {key[1]} valid against {origin} ({key[0]})")


def builtin_files(manifests):
    """Files whose documents are all built-in kinds (for kubernetes-validate); the others must
    be all custom kinds (checked by `crd`)."""
    for path in manifests:
        groups = {group_of(str(d.get("apiVersion", ""))) in CUSTOM_GROUPS for d in load_all(path)}
        if groups == {False}:
            print(path)
        elif groups != {True}:
            fail(path, "mixes built-in and custom kinds, or holds no document")


# --- policy: what the manifests must say, beyond their schemas --------------------------------


def by_kind(deploy_dir):
    found = {}
    for name in sorted(os.listdir(deploy_dir)):
        if name.endswith(".yaml"):
            path = os.path.join(deploy_dir, name)
            for doc in load_all(path):
                found.setdefault(doc.get("kind"), []).append((path, doc))
    return found


def readme_flags(root):
    with open(os.path.join(root, "README.md"), encoding="utf-8") as f:
        text = f.read()
    flags = set(re.findall(r"^\| `(--[a-z0-9.-]+)`", text, re.M))
    for prefix in re.findall(r"`--collector\.<name>`", text):
        flags.add(prefix)
    return flags


def check_daemonset(path, ds, version, flags):
    spec = ds["spec"]["template"]["spec"]
    pod_sc = spec.get("securityContext", {})
    expect = [
        (ds["metadata"].get("namespace") == "monitoring", "metadata.namespace is not monitoring"),
        (spec.get("hostNetwork") is True, "hostNetwork is not true"),
        (spec.get("dnsPolicy") == "ClusterFirstWithHostNet", "dnsPolicy is not ClusterFirstWithHostNet"),
        ({"operator": "Exists"} in spec.get("tolerations", []),
         "tolerations lack `- operator: Exists` (tolerate every taint)"),
        (len(spec.get("containers", [])) == 1, "expected exactly one container"),
    ]
    for ok, message in expect:
        if not ok:
            fail(path, message)
    template_labels = ds["spec"]["template"]["metadata"].get("labels", {})
    for k, v in ds["spec"]["selector"].get("matchLabels", {}).items():
        if template_labels.get(k) != v:
            fail(path, f"selector {k}={v} does not match the pod template's labels")
    for where, labels in (("metadata.labels", ds["metadata"].get("labels", {})),
                          ("pod template labels", template_labels)):
        if labels.get("app.kubernetes.io/version") != version:
            fail(path, f"{where} app.kubernetes.io/version is "
                       f"{labels.get('app.kubernetes.io/version')!r}, VERSION says {version!r}")
    for c in spec.get("containers", []):
        where = f"{path}: container {c.get('name')}"
        image = f"ghcr.io/ipvs-exporter/ipvs_exporter:{version}"
        if c.get("image") != image:
            fail(where, f"image is {c.get('image')!r}, expected {image!r} (VERSION)")
        ports = {p.get("name"): p for p in c.get("ports", [])}
        metrics = ports.get("metrics")
        if not metrics or metrics.get("containerPort") != 9911:
            fail(where, "no container port named metrics on 9911")
        for probe in ("livenessProbe", "readinessProbe"):
            get = c.get(probe, {}).get("httpGet")
            if not get or get.get("port") not in ("metrics", 9911) or get.get("path") != PROBE_PATHS[probe]:
                fail(where, f"{probe} is not an HTTP GET of {PROBE_PATHS[probe]} on the metrics port")
        resources = c.get("resources", {})
        for part in ("requests", "limits"):
            for r in ("cpu", "memory"):
                if r not in resources.get(part, {}):
                    fail(where, f"resources.{part}.{r} missing")
        sc = c.get("securityContext", {})
        if sc.get("readOnlyRootFilesystem") is not True:
            fail(where, "readOnlyRootFilesystem is not true")
        if sc.get("allowPrivilegeEscalation") is not False:
            fail(where, "allowPrivilegeEscalation is not false")
        if sc.get("capabilities", {}).get("drop") != ["ALL"]:
            fail(where, "capabilities.drop is not [ALL]")
        if sc.get("privileged"):
            fail(where, "privileged")
        uid = sc.get("runAsUser", pod_sc.get("runAsUser"))
        non_root = sc.get("runAsNonRoot", pod_sc.get("runAsNonRoot"))
        added = sc.get("capabilities", {}).get("add", [])
        args = c.get("args", [])
        for arg in args:
            name = arg.split("=", 1)[0]
            known = name in flags or (name.startswith(("--collector.", "--no-collector."))
                                      and "`--collector.<name>`" in flags)
            if not known:
                fail(where, f"argument {arg!r}: {name} is not a flag in README.md's flag table")
        if "--ipvs.source=procfs" in args:
            if uid != 65534 or non_root is not True:
                fail(where, f"procfs variant must run as uid 65534 with runAsNonRoot (uid {uid})")
            if added:
                fail(where, f"procfs variant adds capabilities {added}")
            if spec.get("volumes"):
                fail(where, "procfs variant mounts volumes: /proc/net/ip_vs comes with hostNetwork")
        elif "--ipvs.source=netlink" in args:
            if added != ["NET_ADMIN"]:
                fail(where, f"netlink variant must add exactly NET_ADMIN, adds {added}")
            if uid != 0:
                fail(where, f"netlink variant must run as uid 0 (no ambient capabilities), uid {uid}")
        else:
            fail(where, "args choose neither --ipvs.source=netlink nor --ipvs.source=procfs")
    return template_labels, spec


def check_policy(deploy_dir, version):
    root = os.path.dirname(os.path.dirname(os.path.abspath(deploy_dir)))
    flags = readme_flags(root)
    if "--ipvs.source" not in flags:
        fail("README.md", "flag table not found (no --ipvs.source row)")
    kinds = by_kind(deploy_dir)
    daemonsets = kinds.get("DaemonSet", [])
    variants = set()
    for path, ds in daemonsets:
        labels, spec = check_daemonset(path, ds, version, flags)
        args = spec["containers"][0].get("args", [])
        variants.update(a for a in args if a.startswith("--ipvs.source="))
    if variants != {"--ipvs.source=netlink", "--ipvs.source=procfs"}:
        fail(deploy_dir, f"expected a netlink and a procfs DaemonSet, found {sorted(variants)}")
    monitors = kinds.get("PodMonitor", [])
    if len(monitors) != 1:
        fail(deploy_dir, f"expected one PodMonitor, found {len(monitors)}")
        return
    pm_path, pm = monitors[0]
    pm_ns = pm["metadata"].get("namespace")
    for path, ds in daemonsets:
        labels = ds["spec"]["template"]["metadata"].get("labels", {})
        ns = ds["metadata"].get("namespace")
        selector = pm["spec"].get("selector", {})
        if selector.get("matchExpressions"):
            fail(pm_path, "selector.matchExpressions not checked by this test: use matchLabels")
        if not selector.get("matchLabels") or any(
                labels.get(k) != v for k, v in selector.get("matchLabels", {}).items()):
            fail(pm_path, f"selector does not select the pods of {path}")
        names = pm["spec"].get("namespaceSelector", {}).get("matchNames", [pm_ns])
        if ns not in names:
            fail(pm_path, f"namespaceSelector does not include {ns} ({path})")
        ports = {p.get("name") for c in ds["spec"]["template"]["spec"]["containers"]
                 for p in c.get("ports", [])}
        for endpoint in pm["spec"].get("podMetricsEndpoints", []):
            if endpoint.get("port") != "metrics" or endpoint.get("port") not in ports:
                fail(pm_path, f"endpoint port {endpoint.get('port')!r} is not the pods' `metrics` port")
    job = f"{pm_ns}/{pm['metadata']['name']}"
    rules = kinds.get("PrometheusRule", [])
    if len(rules) != 1:
        fail(deploy_dir, f"expected one PrometheusRule, found {len(rules)}")
        return
    pr_path, pr = rules[0]
    # The rules must work under the PodMonitor's job, whatever it is: they may name none.
    for group in pr["spec"]["groups"]:
        for rule in group["rules"]:
            for value in re.findall(r'\bjob\s*(?:=~|!~|!=|=)\s*"([^"]*)"', str(rule["expr"])):
                fail(pr_path, f"rule {rule.get('alert') or rule.get('record')} selects job={value!r}; "
                              f"the PodMonitor's job is {job!r} and the rules must name none")
    if not failures:
        print(f"ok   policy: {len(daemonsets)} DaemonSets, PodMonitor {job}, rules name no job")


# --- rules ------------------------------------------------------------------------------------


def extract_rules(path, out):
    docs = load_all(path)
    if len(docs) != 1 or docs[0].get("kind") != "PrometheusRule":
        fail(path, "expected exactly one PrometheusRule document")
        return
    with open(out, "w", encoding="utf-8") as f:
        yaml.safe_dump({"groups": docs[0]["spec"]["groups"]}, f, sort_keys=False,
                       allow_unicode=True, width=1 << 20)


def same_rules(a, b):
    left, right = load_all(a)[0], load_all(b)[0]
    if left != right:
        for gl, gr in zip(left.get("groups", []), right.get("groups", [])):
            for rl, rr in zip(gl.get("rules", []), gr.get("rules", [])):
                if rl != rr:
                    fail(a, f"rule {rl.get('alert') or rl.get('record')} differs from {b}")
                    return
        fail(a, f"groups differ from {b}")
    else:
        print(f"ok   {a} holds the same rules as {b}")


def rewrite_tests(tests, rules, job, out):
    """The promtool unit tests with their job="ipvs" series and expected labels moved to job, so
    the generated rules are tested as they will run under the PodMonitor."""
    with open(tests, encoding="utf-8") as f:
        data = yaml.safe_load(f)
    count = 0

    def walk(node):
        nonlocal count
        if isinstance(node, dict):
            for k, v in list(node.items()):
                if k == "job" and v == "ipvs":
                    node[k] = job
                    count += 1
                else:
                    node[k] = walk(v)
            return node
        if isinstance(node, list):
            return [walk(v) for v in node]
        if isinstance(node, str) and 'job="ipvs"' in node:
            count += node.count('job="ipvs"')
            return node.replace('job="ipvs"', f'job="{job}"')
        return node

    data = walk(data)
    data["rule_files"] = [os.path.abspath(rules)]
    if count == 0:
        fail(tests, 'no job="ipvs" to retarget')
    with open(out, "w", encoding="utf-8") as f:
        yaml.safe_dump(data, f, sort_keys=False, allow_unicode=True, width=1 << 20)
    print(f"ok   {tests}: {count} job labels retargeted to {job!r}")


def main(argv):
    command, args = argv[0], argv[1:]
    if command == "sources":
        check_sources(args[0])
        if not failures:
            print(f"ok   {args[0]}: every schema file matches its SOURCES.tsv origin")
    elif command == "crd":
        check_sources(args[0])
        check_crd(args[0], args[1:])
    elif command == "builtin":
        builtin_files(args)
    elif command == "policy":
        check_policy(args[0], args[1])
    elif command == "extract-rules":
        extract_rules(args[0], args[1])
    elif command == "same-rules":
        same_rules(args[0], args[1])
    elif command == "rewrite-tests":
        rewrite_tests(args[0], args[1], args[2], args[3])
    else:
        print(__doc__, file=sys.stderr)
        return 2
    for line in failures:
        print(line)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
