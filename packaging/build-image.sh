#!/bin/bash
# Builds the container image from the Containerfile with buildah (chroot isolation, vfs storage
# in a scratch directory of its own: no daemon, no registry, no user namespaces) and writes it as
# an OCI archive (what `skopeo copy oci-archive:…` and `podman load` read) tagged IMAGE
# (ghcr.io/ipvs-exporter/ipvs_exporter:VERSION by default).
#
#   packaging/build-image.sh BINARY OUT.oci.tar
#
# Environment: IMAGE (the name:tag), SOURCE_DATE_EPOCH (the last commit's time by default: the
# image's creation time and its files' mtimes), IMAGE_WORK (the staging directory,
# .build-dist/image), IMAGE_SOURCES (see build-image-root.sh).
set -euo pipefail

if [ $# -ne 2 ] || [ ! -x "$1" ]; then
    echo "usage: $0 BINARY OUT.oci.tar" >&2
    exit 2
fi
binary=$1
out=$2
top=$(cd "$(dirname "$0")/.." && pwd)
version=$(tr -d ' \t\r\n' <"$top/VERSION")
image=${IMAGE:-ghcr.io/ipvs-exporter/ipvs_exporter:$version}
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(git -C "$top" log -1 --format=%ct 2>/dev/null || date +%s)}
command -v buildah >/dev/null || { echo "build-image: no buildah (apt-get install buildah)" >&2; exit 2; }

work=${IMAGE_WORK:-$top/.build-dist/image}
context=$work/context
storage=$work/storage
rm -rf "$work"
mkdir -p "$context" "$(dirname "$out")"
umask 022
cleanup() { rm -rf "$storage"; }
trap cleanup EXIT

# The context: the base's root filesystem, the binary, the licenses.
"$top/packaging/build-image-root.sh" "$context/rootfs.tar" >/dev/null
install -m 0755 "$binary" "$context/ipvs_exporter"
strip --remove-section=.comment --remove-section=.note "$context/ipvs_exporter"
binary_version=$("$context/ipvs_exporter" --version)
if [ "$(awk 'NR == 1 { print $3 }' <<<"$binary_version")" != "$version" ]; then
    echo "build-image: $binary says '$binary_version', VERSION says $version" >&2
    exit 1
fi
# "(branch: main, revision: 0123456789ab-dirty)": the revision the binary was built from.
revision=$(sed -n '1s/.*revision: \([^)]*\)).*/\1/p' <<<"$binary_version")
install -m 0644 "$top/LICENSE" "$top/NOTICE" "$context/"
install -m 0644 "$top/packaging/debian/copyright" "$context/third_party_licenses.txt"

buildah_() {
    buildah --root "$storage/root" --runroot "$storage/run" --storage-driver vfs "$@"
}
buildah_ bud --quiet --isolation chroot --timestamp "$SOURCE_DATE_EPOCH" --format oci \
    --build-arg "VERSION=$version" --build-arg "REVISION=$revision" \
    --file "$top/Containerfile" --tag "$image" "$context" >/dev/null
# Pushed as an OCI layout directory, then archived with fixed names, owners and mtimes: the
# same binary and base give the same archive, not only the same image digest.
buildah_ push --quiet "$image" "oci:$work/layout:$image"
tar --create --file="$out.tmp" --directory="$work/layout" --sort=name --mtime="@$SOURCE_DATE_EPOCH" \
    --owner=0 --group=0 --numeric-owner --format=posix --pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime \
    oci-layout index.json blobs
mv "$out.tmp" "$out"
rm -rf "$work/layout"
echo "$out"
