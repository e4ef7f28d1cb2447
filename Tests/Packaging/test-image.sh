#!/bin/bash
# Tests the container image (make image) from its OCI archive, as a registry and a runtime read it:
#
#   the archive: one manifest, tagged with the image name the DaemonSet names; every blob's
#     digest; the config: Entrypoint ["/bin/ipvs_exporter"], no Cmd, ExposedPorts 9911/tcp,
#     User nobody, os/arch linux/amd64, the OCI labels (version = VERSION, revision, source)
#   the root filesystem, its layers unpacked: the file tree (listed in the log), the binary, the
#     users, /tmp, os-release, the package records; no shell, no package manager
#   the binary run from it (chroot, as nobody, /proc mounted as a runtime mounts it):
#     --version; serving the fixture tree Tests/Fixtures/kernel-6.1-lab/proc with
#     --ipvs.source procfs on 127.0.0.1 and a free port; /metrics scraped with curl has
#     ipvs_up 1; SIGTERM stops it with status 0
#   where buildah is there: the archive pulled into a scratch store and run with
#     `buildah run --isolation chroot` as the image's user (uid 65534, checked on the process),
#     serving the fixture the same way
#
#   Tests/Packaging/test-image.sh IMAGE.oci.tar
set -euo pipefail

if [ $# -ne 1 ] || [ ! -f "$1" ]; then
    echo "usage: $0 IMAGE.oci.tar" >&2
    exit 2
fi
archive=$(readlink -f "$1")
top=$(cd "$(dirname "$0")/../.." && pwd)
version=$(tr -d ' \t\r\n' <"$top/VERSION")
image=${IMAGE:-ghcr.io/ipvs-exporter/ipvs_exporter:$version}
fixture=$top/Tests/Fixtures/kernel-6.1-lab/proc
started=$(date +%s)

fail() {
    echo "test-image: FAIL: $*" >&2
    exit 1
}
step() { echo "test-image: $*"; }

work=$(mktemp -d "${TMPDIR:-/tmp}/test-image.XXXXXX")
root=$work/root
server_pid=
runner=
container=
storage=$work/storage
buildah_() { buildah --root "$storage/root" --runroot "$storage/run" --storage-driver vfs "$@"; }
cleanup() {
    if [ -n "$server_pid" ]; then kill -KILL "$server_pid" 2>/dev/null || true; fi
    if [ -n "$runner" ]; then kill -KILL "$runner" 2>/dev/null || true; fi
    if [ -n "$container" ]; then buildah_ rm "$container" >/dev/null 2>&1 || true; fi
    if mountpoint -q "$root/proc"; then umount "$root/proc" 2>/dev/null || umount --lazy "$root/proc"; fi
    if mountpoint -q "$root/proc"; then
        echo "test-image: $root/proc is still mounted; $work left in place" >&2
    else
        rm -rf "$work"
    fi
}
trap cleanup EXIT

# --- the archive and the image's config ------------------------------------------------------
oci=$work/oci
mkdir -p "$oci" "$root"
tar --extract --file="$archive" --directory="$oci"
jq -e '.imageLayoutVersion == "1.0.0"' "$oci/oci-layout" >/dev/null || fail "no OCI layout 1.0.0 in the archive"
blob() { echo "$oci/blobs/${1%%:*}/${1#*:}"; }
for file in "$oci"/blobs/sha256/*; do
    [ "$(sha256sum "$file" | cut -d' ' -f1)" = "$(basename "$file")" ] || fail "blob $(basename "$file") does not match its digest"
done
[ "$(jq '.manifests | length' "$oci/index.json")" = 1 ] || fail "the archive holds $(jq '.manifests | length' "$oci/index.json") manifests, not 1"
ref=$(jq -r '.manifests[0].annotations["org.opencontainers.image.ref.name"]' "$oci/index.json")
[ "$ref" = "$image" ] || fail "the image is tagged '$ref', not $image"
grep -qF "image: $image" "$top/deploy/kubernetes/daemonset.yaml" || fail "deploy/kubernetes/daemonset.yaml does not name $image"
manifest=$(blob "$(jq -r '.manifests[0].digest' "$oci/index.json")")
config=$(blob "$(jq -r '.config.digest' "$manifest")")
step "$ref: $(jq '.layers | length' "$manifest") layer(s), $(jq '[.layers[].size] | add' "$manifest") bytes compressed, archive $(du -k "$archive" | cut -f1) KiB"

check() { # jq expression on the config, description
    jq -e "$1" "$config" >/dev/null || fail "config: $2 (it has: $(jq -c "${3:-.config}" "$config"))"
}
check '.config.Entrypoint == ["/bin/ipvs_exporter"]' 'Entrypoint is not ["/bin/ipvs_exporter"]'
check '.config.Cmd == null or .config.Cmd == []' 'a Cmd is set: the DaemonSet passes only args'
check '.config.ExposedPorts == {"9911/tcp": {}}' 'ExposedPorts is not 9911/tcp'
check '.config.User == "nobody"' 'User is not nobody'
check '.os == "linux" and .architecture == "amd64"' 'not linux/amd64' '{os, architecture}'
check ".config.Labels[\"org.opencontainers.image.version\"] == \"$version\"" "label org.opencontainers.image.version is not $version"
check '.config.Labels["org.opencontainers.image.revision"] | test("^[0-9a-f]{12}(-dirty)?$")' 'no revision label'
check '.config.Labels["org.opencontainers.image.source"] == "https://github.com/ipvs-exporter/ipvs_exporter"' 'no source label'
check '.config.Labels["org.opencontainers.image.title"] == "ipvs_exporter"' 'no title label'
check '.config.Labels["org.opencontainers.image.licenses"] | length > 0' 'no licenses label'
step "config: $(jq -c '.config | {Entrypoint, ExposedPorts, User}' "$config")"
step "labels: $(jq -c '.config.Labels' "$config")"

# --- the root filesystem ---------------------------------------------------------------------
for digest in $(jq -r '.layers[].digest' "$manifest"); do
    layer=$(blob "$digest")
    if tar --list --file="$layer" | grep -E '(^|/)\.wh\.'; then fail "layer $digest has whiteouts; this test unpacks plain layers only"; fi
    tar --extract --file="$layer" --directory="$root" --numeric-owner --same-permissions
done
listing=$work/tree.txt
(cd "$root" && find . -printf '%M %u:%g %9s %p\t%l\n' | sed -e 's/\t$//' -e 's/\t/ -> /' | LC_ALL=C sort -k4) >"$listing"
step "file tree: $(wc -l <"$listing") paths, $(du -sk --apparent-size "$root" | cut -f1) KiB; outside /usr/share/doc, /usr/share/common-licenses and the libraries:"
grep -v -E ' \./usr/share/(doc|common-licenses)/| \./(usr/)?lib/x86_64-linux-gnu/.|/var/lib/dpkg/status\.d/.' "$listing" | sed 's/^/    /'
step "libraries: $(cd "$root" && find lib usr/lib -name '*.so*' \( -type f -o -type l \) -printf '%f\n' | LC_ALL=C sort | tr '\n' ' ')"

[ "$(stat -c '%a %u:%g %F' "$root/bin/ipvs_exporter")" = "755 0:0 regular file" ] ||
    fail "/bin/ipvs_exporter is $(stat -c '%a %u:%g %F' "$root/bin/ipvs_exporter")"
grep -qx 'nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin' "$root/etc/passwd" || fail "/etc/passwd has no nobody"
grep -q '^root:x:0:0:' "$root/etc/passwd" || fail "/etc/passwd has no root"
grep -qx 'nogroup:x:65534:' "$root/etc/group" || fail "/etc/group has no nogroup"
[ "$(stat -c '%a' "$root/tmp")" = 1777 ] || fail "/tmp is not 1777"
grep -qx 'VERSION_ID="12"' "$root/etc/os-release" || fail "/etc/os-release is not Debian 12's"
for record in libc6 libgcc-s1 libcrypt1 libnl-3-200 libnl-genl-3-200 zlib1g libstdc++6 base-files; do
    grep -q "^Package: $record\$" "$root/var/lib/dpkg/status.d/$record" 2>/dev/null || fail "no /var/lib/dpkg/status.d/$record"
    [ -f "$root/usr/share/doc/$record/copyright" ] || fail "no /usr/share/doc/$record/copyright"
done
for file in LICENSE NOTICE third_party_licenses.txt; do
    [ -s "$root/usr/share/doc/ipvs_exporter/$file" ] || fail "no /usr/share/doc/ipvs_exporter/$file"
done
for absent in bin/sh usr/bin/sh bin/bash usr/bin/dpkg usr/bin/apt sbin/ldconfig; do
    if [ -e "$root/$absent" ] || [ -L "$root/$absent" ]; then fail "the image has /$absent"; fi
done
step "binary, users, /tmp, os-release (Debian 12), package records and copyrights there; no shell, no package manager"

# --- the binary, run from the root -------------------------------------------------------------
# A runtime always mounts /proc; Swift's runtime reads the command line from /proc/self.
mount -t proc proc "$root/proc"
as_nobody() { chroot --userspec=65534:65534 "$root" "$@"; }
version_line=$(as_nobody /bin/ipvs_exporter --version | head -1) || fail "chroot ROOT /bin/ipvs_exporter --version"
step "chroot ROOT /bin/ipvs_exporter --version: $version_line"
[[ "$version_line" =~ ^ipvs_exporter,\ version\ $version\ \(branch:\ [^,]+,\ revision:\ [0-9a-f]{12}(-dirty)?\)$ ]] ||
    fail "unexpected --version: $version_line"

free_port() {
    local port
    for port in $(shuf -i 20000-60999 -n 50); do
        if [ -z "$(ss -Htln "sport = :$port")" ]; then
            echo "$port"
            return
        fi
    done
    fail "no free port"
}
# Waits for /metrics on the port (the server's pid given), scrapes it into $work/metrics.
scrape() { # port, pid, log
    local port=$1 pid=$2 log=$3 tries=0
    until curl -sf --max-time 5 "http://127.0.0.1:$port/metrics" -o "$work/metrics"; do
        kill -0 "$pid" 2>/dev/null || { cat "$log" >&2; fail "the exporter exited before serving"; }
        tries=$((tries + 1))
        [ "$tries" -lt 60 ] || { cat "$log" >&2; fail "no answer on 127.0.0.1:$port within 30 s"; }
        sleep 0.5
    done
    grep -qx 'ipvs_up 1' "$work/metrics" || { grep '^ipvs_up' "$work/metrics" >&2; cat "$log" >&2; fail "ipvs_up is not 1"; }
    grep -q '^ipvs_backend_connections_active{' "$work/metrics" || fail "no ipvs_backend_connections_active in /metrics"
}
stop() { # pid, log: SIGTERM, exit status 0
    local pid=$1 log=$2 status=0
    kill -TERM "$pid"
    wait "$pid" || status=$?
    server_pid=
    [ "$status" = 0 ] || { cat "$log" >&2; fail "the exporter exited with $status after SIGTERM"; }
}

mkdir -p "$root/tmp/fixture"
cp -r "$fixture" "$root/tmp/fixture/proc"
port=$(free_port)
log=$work/serve.log
# (chroot execs the exporter: $! is its pid. Not through as_nobody: a function in the
# background runs in a subshell of its own, whose pid $! would be.)
chroot --userspec=65534:65534 "$root" /bin/ipvs_exporter --web.listen-address="127.0.0.1:$port" \
    --path.procfs=/tmp/fixture/proc --ipvs.source=procfs >"$log" 2>&1 &
server_pid=$!
scrape "$port" "$server_pid" "$log"
step "chroot, as nobody: serving the fixture on 127.0.0.1:$port: ipvs_up 1, $(grep -vc '^#' "$work/metrics") samples"
stop "$server_pid" "$log"
step "SIGTERM: exit status 0"
umount "$root/proc"

# --- buildah run ------------------------------------------------------------------------------
if command -v buildah >/dev/null; then
    container=$(buildah_ from --quiet "oci-archive:$archive") || fail "buildah from oci-archive:$archive"
    inspected=$(buildah_ inspect --type image --format '{{.OCIv1.Config.User}} {{.OCIv1.Config.Entrypoint}} {{.OCIv1.Config.ExposedPorts}}' \
        "$image") || fail "buildah inspect $image"
    [ "$inspected" = 'nobody [/bin/ipvs_exporter] map[9911/tcp:{}]' ] || fail "buildah inspect: $inspected"
    version_line=$(buildah_ run --isolation chroot "$container" -- /bin/ipvs_exporter --version) || fail "buildah run --version"
    step "buildah run --isolation chroot: $version_line"
    port=$(free_port)
    log=$work/buildah-run.log
    buildah_ run --isolation chroot --volume "$fixture:/fixture/proc:ro" "$container" -- \
        /bin/ipvs_exporter --web.listen-address="127.0.0.1:$port" --path.procfs=/fixture/proc --ipvs.source=procfs >"$log" 2>&1 &
    runner=$!
    scrape "$port" "$runner" "$log"
    # The exporter is buildah's grandchild: found by its socket.
    server_pid=$(ss -Htlnp "sport = :$port" | sed -n 's/.*pid=\([0-9]*\).*/\1/p' | head -n 1)
    [ -n "$server_pid" ] || fail "no process listens on $port"
    uid=$(awk '/^Uid:/ { print $2 }' "/proc/$server_pid/status")
    [ "$uid" = 65534 ] || fail "buildah run: the exporter runs as uid $uid, not nobody (65534)"
    kill -TERM "$server_pid"
    status=0
    wait "$runner" || status=$?
    runner=
    server_pid=
    [ "$status" = 0 ] || { cat "$log" >&2; fail "buildah run: exit status $status after SIGTERM"; }
    step "buildah run: serving the fixture as uid $uid on 127.0.0.1:$port: ipvs_up 1; SIGTERM: exit status 0"
else
    step "no buildah: the image was not run by a container tool"
fi

step "OK in $(($(date +%s) - started)) s"
