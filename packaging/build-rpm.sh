#!/bin/bash
# Builds OUTDIR/prometheus-ipvs-exporter-VERSION-RELEASE.x86_64.rpm from a built binary, with
# rpmbuild -bb and packaging/rpm/prometheus-ipvs-exporter.spec.in (a binary RPM only: no
# source RPM, no Swift build inside rpmbuild). The same files as the Debian package, with RHEL's
# paths: /usr/bin/ipvs_exporter, the unit in /usr/lib/systemd/system reading its flags from
# /etc/sysconfig/prometheus-ipvs-exporter, manual pages, dashboards, the licenses. The
# Requires on shared libraries and glibc symbol versions are rpmbuild's, read from the ELF.
#
#   packaging/build-rpm.sh BINARY OUTDIR
#
# Environment: RPM_RELEASE (1), RPM_PACKAGER ("Name <address>"; the first commit's author by
# default), SOURCE_DATE_EPOCH (the last commit's time by default: build time, changelog date
# and every mtime in the package), RPM_WORK (the staging directory, .build-dist/rpm).
set -euo pipefail

if [ $# -ne 2 ] || [ ! -x "$1" ]; then
    echo "usage: $0 BINARY OUTDIR" >&2
    exit 2
fi
binary=$1
outdir=$(mkdir -p "$2" && cd "$2" && pwd)
top=$(cd "$(dirname "$0")/.." && pwd)

package=prometheus-ipvs-exporter
version=$(tr -d ' \t\r\n' <"$top/VERSION")
release=${RPM_RELEASE:-1}
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(git -C "$top" log -1 --format=%ct 2>/dev/null || date +%s)}
packager=${RPM_PACKAGER:-$(git -C "$top" log --max-parents=0 -1 --format='%an <%ae>' 2>/dev/null || true)}
[ -n "$packager" ] || { echo "build-rpm: set RPM_PACKAGER=\"Name <address>\"" >&2; exit 2; }
revision=$(git -C "$top" rev-parse --short=12 HEAD 2>/dev/null || echo unknown)
command -v rpmbuild >/dev/null || { echo "build-rpm: no rpmbuild (apt-get install rpm)" >&2; exit 2; }

work=${RPM_WORK:-$top/.build-dist/rpm}
sources=$work/SOURCES
rm -rf "$work"
mkdir -p "$sources" "$work/BUILD" "$work/BUILDROOT" "$work/SPECS" "$work/tmp"
umask 022

# The binary, stripped as build-deb.sh strips it (brp-strip finds nothing more to do).
install -m 0755 "$binary" "$sources/ipvs_exporter"
strip --remove-section=.comment --remove-section=.note "$sources/ipvs_exporter"
if [ "$("$sources/ipvs_exporter" --version | awk 'NR == 1 { print $3 }')" != "$version" ]; then
    echo "build-rpm: $binary says '$("$sources/ipvs_exporter" --version)', VERSION says $version" >&2
    exit 1
fi

# The unit: packaging/ipvs_exporter.service (its sandboxing untouched) with the package's binary
# and RHEL's flags file, and its explanation without the `make install` lines.
unit=$sources/$package.service
"$top/packaging/make-unit.sh" RPM "/etc/sysconfig/$package" "$unit"

# The flags file: the Debian package's /etc/default one, which names no path.
install -m 0644 "$top/packaging/debian/default" "$sources/$package.sysconfig"

# Manual pages, with the package's files.
"$top/packaging/make-manpages.sh" --package "$package" "/etc/sysconfig/$package" /usr/lib/systemd/system "$sources/ipvs_exporter" "$work/man"
for page in "$work/man"/*.1; do
    # shellcheck disable=SC2094 # reads $work/man/X.1, writes $sources/X.1.gz
    gzip -9n <"$page" >"$sources/$(basename "$page").gz"
done

# Dashboards, alerting rules, licenses (the archive's name for the third-party notices).
install -m 0644 "$top"/dashboards/*.json "$top/dashboards/ipvs-alerts.yaml" "$top/LICENSE" "$top/NOTICE" "$sources/"
install -m 0644 "$top/packaging/debian/copyright" "$sources/third_party_licenses.txt"
for source in ipvs-overview.json ipvs-service.json; do
    [ -f "$sources/$source" ] || { echo "build-rpm: no dashboards/$source; update the spec's Sources" >&2; exit 1; }
done
find "$sources" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +

spec=$work/SPECS/$package.spec
sed -e "s|@VERSION@|$version|g" -e "s|@RELEASE@|$release|g" -e "s|@PACKAGER@|$packager|g" \
    -e "s|@REVISION@|$revision|g" -e "s|@CHANGELOG_DATE@|$(LC_ALL=C date -u -d "@$SOURCE_DATE_EPOCH" '+%a %b %d %Y')|g" \
    "$top/packaging/rpm/$package.spec.in" >"$spec"
if grep -n '@[A-Z_]*@' "$spec"; then
    echo "build-rpm: a field of the spec above is not filled in" >&2
    exit 1
fi

# A payload RHEL 9's rpm reads (zstd, as RHEL's own packages), the build time and every
# mtime SOURCE_DATE_EPOCH's, the build host a fixed name: the same binary gives the same RPM.
# RHEL's license directory (/usr/share/licenses/NAME, not NAME-VERSION as Debian's rpm sets
# it). No %__os_install_post: the binary is stripped and the pages compressed above, and
# Debian's brp-compress fails under dash (read -d).
HOME=$work rpmbuild -bb --quiet \
    --define "_topdir $work" \
    --define "_sourcedir $sources" \
    --define "_builddir $work/BUILD" \
    --define "_buildrootdir $work/BUILDROOT" \
    --define "_tmppath $work/tmp" \
    --define "_rpmdir $outdir" \
    --define "_build_name_fmt %%{NAME}-%%{VERSION}-%%{RELEASE}.%%{ARCH}.rpm" \
    --define "_binary_payload w19.zstdio" \
    --define "_docdir_fmt %%{NAME}" \
    --define "__os_install_post %{nil}" \
    --define "_buildhost reproducible" \
    --define "packager $packager" \
    --define "source_date_epoch_from_changelog 0" \
    --define "use_source_date_epoch_as_buildtime 1" \
    --define "clamp_mtime_to_source_date_epoch 1" \
    --target x86_64 \
    "$spec"

rpm_file=$outdir/$package-$version-$release.x86_64.rpm
[ -f "$rpm_file" ] || { echo "build-rpm: rpmbuild wrote no $rpm_file" >&2; exit 1; }
echo "$rpm_file"
