#!/bin/bash
# Writes OUTDIR/ipvs_exporter-VERSION.linux-ARCH.tar.gz, the release archive laid out as the
# Prometheus exporters lay theirs out: one top directory holding the binary, the licenses, the
# systemd unit (for /usr/local/bin, as `make install` installs it) and the dashboards.
#
#   packaging/build-archive.sh BINARY OUTDIR
#
# Reproducible: names sorted, every mtime SOURCE_DATE_EPOCH (the last commit's time by default),
# owner and group 0, gzip without a name or time stamp.
set -euo pipefail

if [ $# -ne 2 ] || [ ! -x "$1" ]; then
    echo "usage: $0 BINARY OUTDIR" >&2
    exit 2
fi
binary=$1
outdir=$2
top=$(cd "$(dirname "$0")/.." && pwd)
version=$(tr -d ' \t\r\n' <"$top/VERSION")
case "$(uname -m)" in
    x86_64) arch=amd64 ;;
    aarch64) arch=arm64 ;;
    *) arch=$(uname -m) ;;
esac
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(git -C "$top" log -1 --format=%ct 2>/dev/null || date +%s)}

name=ipvs_exporter-$version.linux-$arch
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
umask 022
dir=$work/$name
mkdir -p "$dir/dashboards" "$outdir"

install -m 0755 "$binary" "$dir/ipvs_exporter"
strip --remove-section=.comment --remove-section=.note "$dir/ipvs_exporter"
if [ "$("$dir/ipvs_exporter" --version | awk 'NR == 1 { print $3 }')" != "$version" ]; then
    echo "build-archive: $binary says '$("$dir/ipvs_exporter" --version)', VERSION says $version" >&2
    exit 1
fi
install -m 0644 "$top/LICENSE" "$top/NOTICE" "$dir/"
install -m 0644 "$top/packaging/debian/copyright" "$dir/third_party_licenses.txt"
install -m 0644 "$top/packaging/ipvs_exporter.service" "$dir/ipvs_exporter.service"
install -m 0644 "$top/packaging/ipvs_exporter.socket" "$dir/ipvs_exporter.socket"
install -m 0644 "$top"/dashboards/*.json "$top/dashboards/ipvs-alerts.yaml" "$dir/dashboards/"

archive=$outdir/$name.tar.gz
tar --create --file=- --directory="$work" --format=gnu --sort=name --mtime="@$SOURCE_DATE_EPOCH" \
    --owner=0 --group=0 --numeric-owner "$name" | gzip -9n >"$archive.tmp"
mv "$archive.tmp" "$archive"
echo "$archive"
