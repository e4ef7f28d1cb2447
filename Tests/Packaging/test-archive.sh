#!/bin/bash
# Checks the release archive: its exact listing (one top directory named after it, the modes,
# owner 0/0, one mtime), its checksum in sha256sums.txt beside it, and that the binary in it runs
# and holds to the symbol floor.
#
#   Tests/Packaging/test-archive.sh dist/ipvs_exporter-VERSION.linux-ARCH.tar.gz
set -euo pipefail

if [ $# -ne 1 ] || [ ! -f "$1" ]; then
    echo "usage: $0 ARCHIVE" >&2
    exit 2
fi
archive=$(readlink -f "$1")
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
fail() {
    echo "test-archive: FAIL: $*" >&2
    exit 1
}

name=$(basename "$archive" .tar.gz)
version=$(tr -d ' \t\r\n' <"$top/VERSION")
[[ "$name" =~ ^ipvs_exporter-$version\.linux-[a-z0-9]+$ ]] || fail "$name is not ipvs_exporter-$version.linux-ARCH"

expected="drwxr-xr-x 0/0 $name/
-rw-r--r-- 0/0 $name/LICENSE
-rw-r--r-- 0/0 $name/NOTICE
drwxr-xr-x 0/0 $name/dashboards/
-rw-r--r-- 0/0 $name/dashboards/ipvs-alerts.yaml
-rw-r--r-- 0/0 $name/dashboards/ipvs-overview.json
-rw-r--r-- 0/0 $name/dashboards/ipvs-service.json
-rwxr-xr-x 0/0 $name/ipvs_exporter
-rw-r--r-- 0/0 $name/ipvs_exporter.service
-rw-r--r-- 0/0 $name/ipvs_exporter.socket
-rw-r--r-- 0/0 $name/third_party_licenses.txt"
listing=$(tar --list --verbose --numeric-owner --file="$archive")
actual=$(awk '{ print $1, $2, $6 }' <<<"$listing")
[ "$actual" = "$expected" ] || fail "the archive's listing (in its order) differs:$(diff <(echo "$expected") <(echo "$actual"))"
[ "$(awk '{ print $4, $5 }' <<<"$listing" | sort -u | wc -l)" -eq 1 ] || fail "the archive's mtimes differ: $listing"
echo "test-archive: $name.tar.gz: $(wc -l <<<"$expected") entries, sorted, 0/0, one mtime ($(awk 'NR == 1 { print $4, $5 }' <<<"$listing"))"

sums=$(dirname "$archive")/sha256sums.txt
[ -f "$sums" ] || fail "no sha256sums.txt beside the archive"
grep -q "  $name.tar.gz\$" "$sums" || fail "sha256sums.txt does not list $name.tar.gz"
(cd "$(dirname "$archive")" && sha256sum --check --strict sha256sums.txt) || fail "sha256sum --check"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
tar --extract --file="$archive" --directory="$work"
cmp "$work/$name/LICENSE" "$top/LICENSE" || fail "LICENSE differs from the repository's"
cmp "$work/$name/ipvs_exporter.service" "$top/packaging/ipvs_exporter.service" || fail "the unit differs"
cmp "$work/$name/ipvs_exporter.socket" "$top/packaging/ipvs_exporter.socket" || fail "the socket unit differs"
"$work/$name/ipvs_exporter" --version | grep -q "^ipvs_exporter, version $version (branch: " || fail "the binary's --version"
"$here/check-symbol-floor.sh" "$work/$name/ipvs_exporter"
echo "test-archive: OK"
