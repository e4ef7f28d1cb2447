#!/bin/bash
# Writes a package's systemd unit from packaging/ipvs_exporter.service with the package's paths:
# the binary in /usr/bin, flags from FLAGS_FILE (Debian's /etc/default/..., RHEL's
# /etc/sysconfig/...), the manual page among the docs. One writer for the .deb and the RPM,
# so their units differ only in the flags file.
#
#   packaging/make-unit.sh PACKAGE_KIND FLAGS_FILE OUT
#
# Fails when the rewrite missed a line it expects, which means the unit changed under it.
set -euo pipefail

if [ $# -ne 3 ]; then
    echo "usage: $0 PACKAGE_KIND FLAGS_FILE OUT" >&2
    exit 2
fi
kind=$1
flags=$2
unit=$3
top=$(cd "$(dirname "$0")/.." && pwd)
source=$top/packaging/ipvs_exporter.service
name=$(basename "$unit")

mkdir -p "$(dirname "$unit")"
{
    echo "# $name: packaging/ipvs_exporter.service with the $kind package's paths."
    sed -n '/^# Install:/q; p' "$source"
    echo "# Flags go in $flags as ARGS=\"…\" (ipvs_exporter-serve(1))."
    sed -n '/^\[Unit\]/,$p' "$source" | sed \
        -e "s|^EnvironmentFile=-/etc/default/ipvs_exporter\$|EnvironmentFile=-$flags|" \
        -e 's|^ExecStart=/usr/local/bin/ipvs_exporter |ExecStart=/usr/bin/ipvs_exporter |' \
        -e 's|^\(Documentation=.*\)$|\1 man:ipvs_exporter(1)|'
} >"$unit"
# shellcheck disable=SC2016 # the unit's $ARGS, literally
for line in "EnvironmentFile=-$flags" 'ExecStart=/usr/bin/ipvs_exporter $ARGS' \
    'Documentation=.* man:ipvs_exporter(1)' 'DynamicUser=yes' 'CapabilityBoundingSet=CAP_NET_ADMIN'; do
    grep -qx "$line" "$unit" || {
        echo "make-unit: the unit has no line '$line'; has packaging/ipvs_exporter.service changed?" >&2
        exit 1
    }
done
chmod 0644 "$unit"
