#!/bin/sh
# Lints generated directors of growing size with the release binary, side by side in one
# hyperfine run: SERVICES×10 real servers plus SERVICES×5 iptables rules (10,000 services gives
# the 10,000×10 save with a 50,000-rule iptables-save of the lint issue's target, < 1 s).
#   Benchmarks/lint-scale.sh [SERVICES...]      default: 2500 5000 10000
set -eu
cd "$(dirname "$0")/.."
swift build -c release --product ipvs_exporter >/dev/null
swift build -c release --product ipvs-bench >/dev/null
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
commands=""
for services in ${@:-2500 5000 10000}; do
    mkdir -p "$dir/$services"
    .build/release/ipvs-bench lint-inputs "$dir/$services" "$services" 10 $((services * 5))
    echo "$services services: $(wc -l < "$dir/$services/ipvsadm.save") ipvsadm lines, $(wc -l < "$dir/$services/iptables.save") iptables lines"
    commands="$commands|$PWD/.build/release/ipvs_exporter lint --ipvsadm $dir/$services/ipvsadm.save --iptables $dir/$services/iptables.save --format concise"
done
IFS='|'
# shellcheck disable=SC2086
hyperfine --warmup 2 --runs 15 -N -i ${commands#|}
