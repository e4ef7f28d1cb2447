#!/bin/bash
# Builds dist/prometheus-ipvs-exporter_VERSION-REVISION_ARCH.deb from a built binary, with
# dpkg-deb from a staged tree (no source package): the version is the VERSION file's, the
# Depends dpkg-shlibdeps', the manual pages help2man's (packaging/make-manpages.sh), the unit
# packaging/ipvs_exporter.service with Debian's paths.
#
#   packaging/build-deb.sh BINARY OUTDIR
#
# Environment: DEB_REVISION (1), DEB_MAINTAINER ("Name <address>"; the first commit's author by
# default), SOURCE_DATE_EPOCH (the last commit's time by default: every date and mtime in the
# package), DEB_WORK (the staging directory, .build-dist/deb).
set -euo pipefail

if [ $# -ne 2 ] || [ ! -x "$1" ]; then
    echo "usage: $0 BINARY OUTDIR" >&2
    exit 2
fi
binary=$1
outdir=$2
top=$(cd "$(dirname "$0")/.." && pwd)
here=$top/packaging/debian

package=prometheus-ipvs-exporter
upstream=$(tr -d ' \t\r\n' <"$top/VERSION")
version=$upstream-${DEB_REVISION:-1}
arch=$(dpkg --print-architecture)
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(git -C "$top" log -1 --format=%ct 2>/dev/null || date +%s)}
maintainer=${DEB_MAINTAINER:-$(git -C "$top" log --max-parents=0 -1 --format='%an <%ae>' 2>/dev/null || true)}
[ -n "$maintainer" ] || { echo "build-deb: set DEB_MAINTAINER=\"Name <address>\"" >&2; exit 2; }
revision=$(git -C "$top" rev-parse --short=12 HEAD 2>/dev/null || echo unknown)

work=${DEB_WORK:-$top/.build-dist/deb}
stage=$work/root
doc=$stage/usr/share/doc/$package
rm -rf "$work"
mkdir -p "$stage/DEBIAN" "$work/src/debian" "$outdir"
umask 022

# The binary, stripped as dh_strip strips executables.
install -D -m 0755 "$binary" "$stage/usr/bin/ipvs_exporter"
strip --remove-section=.comment --remove-section=.note "$stage/usr/bin/ipvs_exporter"
if [ "$("$stage/usr/bin/ipvs_exporter" --version | awk 'NR == 1 { print $3 }')" != "$upstream" ]; then
    echo "build-deb: $binary says '$("$stage/usr/bin/ipvs_exporter" --version)', VERSION says $upstream" >&2
    exit 1
fi

# The unit: packaging/ipvs_exporter.service (its sandboxing untouched) with the package's binary
# and defaults file, and its explanation without the `make install` lines.
unit=$stage/lib/systemd/system/$package.service
"$top/packaging/make-unit.sh" Debian "/etc/default/$package" "$unit"

install -D -m 0644 "$here/default" "$stage/etc/default/$package"

# Manual pages, with the package's files.
"$top/packaging/make-manpages.sh" --package "$package" "/etc/default/$package" /lib/systemd/system "$stage/usr/bin/ipvs_exporter" "$work/man"
mkdir -p "$stage/usr/share/man/man1"
for page in "$work/man"/*.1; do
    # shellcheck disable=SC2094 # reads $work/man/X.1, writes $stage/…/X.1.gz
    gzip -9n <"$page" >"$stage/usr/share/man/man1/$(basename "$page").gz"
done

# Dashboards and alerting rules.
mkdir -p "$stage/usr/share/$package"
install -m 0644 "$top"/dashboards/*.json "$top/dashboards/ipvs-alerts.yaml" "$stage/usr/share/$package/"

# Documentation: copyright (DEP-5), NOTICE, and a changelog entry made from VERSION and git.
mkdir -p "$doc"
install -m 0644 "$here/copyright" "$doc/copyright"
install -m 0644 "$top/NOTICE" "$doc/NOTICE"
{
    echo "$package ($version) bookworm; urgency=medium"
    echo
    echo "  * ipvs_exporter $upstream, revision $revision."
    echo
    echo " -- $maintainer  $(date -u -R -d "@$SOURCE_DATE_EPOCH")"
} | gzip -9n >"$doc/changelog.Debian.gz"
chmod 0644 "$doc/changelog.Debian.gz"

# lintian overrides, each with its reason.
install -D -m 0644 "$here/lintian-overrides" "$stage/usr/share/lintian/overrides/$package"

# Maintainer scripts and conffiles.
install -m 0755 "$here/postinst" "$here/prerm" "$here/postrm" "$stage/DEBIAN/"
echo "/etc/default/$package" >"$stage/DEBIAN/conffiles"
chmod 0644 "$stage/DEBIAN/conffiles"

# Depends: what dpkg-shlibdeps finds the binary needs (it reads debian/control from the
# directory it runs in, so it gets a minimal one).
cat >"$work/src/debian/control" <<EOF
Source: $package

Package: $package
Architecture: any
EOF
depends=$(cd "$work/src" && dpkg-shlibdeps -O -e"$stage/usr/bin/ipvs_exporter" | sed -n 's/^shlibs:Depends=//p')
[ -n "$depends" ] || { echo "build-deb: dpkg-shlibdeps found no dependency" >&2; exit 1; }

# Everything but DEBIAN: md5sums (conffiles apart, as dh_md5sums does), size, mtimes.
(cd "$stage" && find . -path ./DEBIAN -prune -o -type f ! -path "./etc/*" -printf '%P\n' | LC_ALL=C sort |
    xargs md5sum >DEBIAN/md5sums)
chmod 0644 "$stage/DEBIAN/md5sums"
installed_size=$(du -sk --apparent-size --exclude=DEBIAN "$stage" | cut -f1)
sed -e "s|@VERSION@|$version|" -e "s|@ARCH@|$arch|" -e "s|@MAINTAINER@|$maintainer|" \
    -e "s|@INSTALLED_SIZE@|$installed_size|" -e "s|@DEPENDS@|$depends|" "$here/control.in" >"$stage/DEBIAN/control"
chmod 0644 "$stage/DEBIAN/control"
find "$stage" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +

deb=$outdir/${package}_${version}_$arch.deb
dpkg-deb --root-owner-group -Zxz --build "$stage" "$deb" >/dev/null
echo "$deb"
