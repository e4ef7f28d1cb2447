#!/bin/bash
# Tests the RPM package (make rpm) with the rpm tools Debian ships:
#
#   rpmlint (RHEL 9's conventions and the accepted findings: packaging/rpm/rpmlint.toml), on the
#     package and, when build-rpm.sh's is there, on its spec; the digests (rpm -K)
#   name, version, release, arch; every file with its mode and owner (rpm -qp), the flags file
#     %config(noreplace), the licenses %license
#   Requires (rpm -qp --requires): each library the binary's ELF needs, by soname, none of
#     glibc's symbol versions above GLIBC_2.34 nor libstdc++'s above GCC 11's; no package named
#     but systemd (and /bin/sh for the scriptlets); Provides: the package only
#   the scriptlets (rpm -qp --scripts): valid sh, the systemd steps of install, removal, upgrade
#   the unit: the RHEL paths, and systemd-analyze verify
#   rpm --root DIR --nodeps -i into a Debian bookworm root (the one test-deb.sh uses, with
#     systemd, so the scriptlets run for real): the files in place, the unit enabled by the
#     preset; a reinstall keeps a changed flags file; rpm -e disables the unit, saves the changed
#     flags file as .rpmsave and leaves the root's file tree as it was
#
#   Tests/Packaging/test-rpm.sh RPM
#
# The root is cached per day in .build/package-test/ (DEB_TEST_MIRROR overrides the mirror).
set -euo pipefail

if [ $# -ne 1 ] || [ ! -f "$1" ]; then
    echo "usage: $0 RPM" >&2
    exit 2
fi
rpm_file=$(readlink -f "$1")
top=$(cd "$(dirname "$0")/../.." && pwd)
package=prometheus-ipvs-exporter
unit=$package.service
sysconfig=/etc/sysconfig/$package
suite=bookworm
variant=minbase
started=$(date +%s)

fail() {
    echo "test-rpm: FAIL: $*" >&2
    exit 1
}
step() { echo "test-rpm: $*"; }
# Queries of the package file; the rpm database is not read, so it is an empty scratch one.
query_db=$(mktemp -d)
work=$(mktemp -d)
root=
cleanup() {
    if [ -n "$root" ]; then
        rm -rf "$root"
    fi
    rm -rf "$query_db" "$work"
}
trap cleanup EXIT
q() { rpm --dbpath "$query_db" -qp "$@" "$rpm_file" 2>/dev/null; }

# --- rpmlint, digests -----------------------------------------------------------------------
step "rpmlint $(basename "$rpm_file")"
targets=("$rpm_file")
spec=$top/.build-dist/rpm/SPECS/$package.spec
[ -f "$spec" ] && targets+=("$spec")
lint_output=$(rpmlint -c "$top/packaging/rpm/rpmlint.toml" "${targets[@]}" 2>&1) || {
    echo "$lint_output" >&2
    fail "rpmlint reports errors"
}
grep -E ': [EW]: ' <<<"$lint_output" && fail "rpmlint reports errors or warnings"
grep -E 'checked;' <<<"$lint_output"
awk '/^ *#/ { reason = 1; next } /^ *'"'"'/ { if (!reason) { print; bad = 1 } next } { reason = 0 } END { exit bad }' \
    "$top/packaging/rpm/rpmlint.toml" || fail "an rpmlint filter above has no comment giving its reason"
rpm --dbpath "$query_db" -K --nosignature "$rpm_file" | grep -q 'digests OK' || fail "rpm -K: the digests do not match"

# --- header ---------------------------------------------------------------------------------
version=$(tr -d ' \t\r\n' <"$top/VERSION")
nvra=$(q --qf '%{NAME} %{VERSION} %{RELEASE} %{ARCH}')
[ "$nvra" = "$package $version ${RPM_RELEASE:-1} x86_64" ] || fail "name, version, release, arch: $nvra"
[ "$(basename "$rpm_file")" = "$package-$version-${RPM_RELEASE:-1}.x86_64.rpm" ] || fail "file name $(basename "$rpm_file")"
[ "$(q --qf '%{PAYLOADCOMPRESSOR}')" = zstd ] || fail "payload not zstd (RHEL 9 reads xz and zstd)"
step "$nvra, $(du -k "$rpm_file" | cut -f1) KiB, payload zstd"

# --- every file, its mode and owner, its flags ----------------------------------------------
expected="-rw-r--r-- root root cn $sysconfig
-rwxr-xr-x root root - /usr/bin/ipvs_exporter
-rw-r--r-- root root - /usr/lib/systemd/system/$unit
drwxr-xr-x root root - /usr/share/licenses/$package
-rw-r--r-- root root l /usr/share/licenses/$package/LICENSE
-rw-r--r-- root root l /usr/share/licenses/$package/NOTICE
-rw-r--r-- root root l /usr/share/licenses/$package/third_party_licenses.txt
-rw-r--r-- root root d /usr/share/man/man1/ipvs_exporter-lint.1.gz
-rw-r--r-- root root d /usr/share/man/man1/ipvs_exporter-serve.1.gz
-rw-r--r-- root root d /usr/share/man/man1/ipvs_exporter.1.gz
drwxr-xr-x root root - /usr/share/$package
-rw-r--r-- root root - /usr/share/$package/ipvs-alerts.yaml
-rw-r--r-- root root - /usr/share/$package/ipvs-overview.json
-rw-r--r-- root root - /usr/share/$package/ipvs-service.json"
# %{FILEFLAGS:fflags}: c config, n noreplace, l license, d documentation (manual pages), -
# for none.
listed=$(q --qf '[%{FILEMODES:perms} %{FILEUSERNAME} %{FILEGROUPNAME} %{FILEFLAGS:fflags} %{FILENAMES}\n]' |
    awk 'NF == 4 { $5 = $4; $4 = "-" } { print }' | LC_ALL=C sort -k5)
[ "$listed" = "$(LC_ALL=C sort -k5 <<<"$expected")" ] ||
    fail "the package's files differ from the expected ones (< package, > expected):$(diff <(echo "$listed") <(LC_ALL=C sort -k5 <<<"$expected"))"
step "$(wc -l <<<"$expected") files with their modes and owners; $sysconfig %config(noreplace), licenses %license"

# The payload, unpacked: the unit and the binary as installed.
(cd "$work" && rpm2cpio "$rpm_file" | cpio --quiet -idm)
installed_unit=$work/usr/lib/systemd/system/$unit
# shellcheck disable=SC2016 # the unit's $ARGS, literally
for line in "EnvironmentFile=-$sysconfig" 'ExecStart=/usr/bin/ipvs_exporter $ARGS' 'DynamicUser=yes' \
    'AmbientCapabilities=CAP_NET_ADMIN' 'CapabilityBoundingSet=CAP_NET_ADMIN' 'Documentation=.* man:ipvs_exporter(1)'; do
    grep -qx "$line" "$installed_unit" || fail "the unit has no line '$line'"
done
grep -q '/etc/default' "$installed_unit" && fail "the unit names Debian's /etc/default"
grep -q '^ARGS=' "$work$sysconfig" || fail "$sysconfig sets no ARGS"
[ "$("$work/usr/bin/ipvs_exporter" --version | awk 'NR == 1 { print $3 }')" = "$version" ] || fail "the packaged binary is not $version"

# --- Requires, Provides ---------------------------------------------------------------------
requires=$(q --requires | LC_ALL=C sort -u)
step "Requires: $(tr '\n' ' ' <<<"$requires")"
# Every library the ELF names, and each of its symbol versions' packages on RHEL 9.
needed=$(readelf -d "$work/usr/bin/ipvs_exporter" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')
for soname in $needed; do
    grep -qxF "$soname()(64bit)" <<<"$requires" || fail "Requires lacks $soname()(64bit) (the binary needs it)"
done
for soname in libnl-3.so.200 libnl-genl-3.so.200 libz.so.1 libcrypt.so.1 libstdc++.so.6 libgcc_s.so.1 libc.so.6; do
    grep -qxF "$soname()(64bit)" <<<"$requires" || fail "Requires lacks $soname()(64bit)"
done
grep -qxF 'libc.so.6(GLIBC_2.34)(64bit)' <<<"$requires" || fail "Requires lacks libc.so.6(GLIBC_2.34)(64bit): is the floor still 2.34?"
highest() { # prefix: the highest version of that prefix the Requires name
    sed -n "s/.*($1_\([0-9.]*\))(64bit)\$/\1/p" <<<"$requires" | sort -V | tail -n 1
}
above() { [ "$(printf '%s\n%s\n' "$1" "$2" | sort -V | tail -n 1)" != "$2" ]; }
above "$(highest GLIBC)" 2.34 && fail "Requires a glibc symbol version $(highest GLIBC): above the 2.34 floor"
above "$(highest GLIBCXX)" 3.4.29 && fail "Requires GLIBCXX_$(highest GLIBCXX): above GCC 11's 3.4.29"
above "$(highest CXXABI)" 1.3.13 && fail "Requires CXXABI_$(highest CXXABI): above GCC 11's 1.3.13"
# Nothing else by package name: the sonames find their packages (libnl3, zlib, libxcrypt-compat,
# libstdc++, libgcc, glibc) on any RHEL 9 rebuild.
others=$(grep -v -e '^lib[^ ]*\.so\.[0-9]*(' -e '^ld-linux-x86-64\.so\.2(' -e '^rpmlib(' -e '^rtld(GNU_HASH)$' \
    -e '^/bin/sh$' -e '^systemd$' -e "^config($package) = " <<<"$requires" || true)
[ -z "$others" ] || fail "unexpected Requires: $others"
provides=$(q --provides | LC_ALL=C sort)
[ "$provides" = "$(printf '%s\n' "config($package) = $version-${RPM_RELEASE:-1}" "$package = $version-${RPM_RELEASE:-1}" \
    "$package(x86-64) = $version-${RPM_RELEASE:-1}" | LC_ALL=C sort)" ] || fail "unexpected Provides: $provides"

# --- scriptlets -----------------------------------------------------------------------------
scripts=$(q --scripts)
for tag in POSTIN PREUN POSTUN; do
    body=$(q --qf "%{$tag}")
    if [ -z "$body" ] || [ "$body" = "(none)" ]; then fail "no $tag scriptlet"; fi
    [ "$(q --qf "%{${tag}PROG}")" = /bin/sh ] || fail "the $tag scriptlet does not run under /bin/sh"
    sh -n <<<"$body" || fail "the $tag scriptlet is not valid sh"
    if command -v shellcheck >/dev/null; then
        printf '#!/bin/sh\n%s\n' "$body" | shellcheck -s sh - || fail "shellcheck: the $tag scriptlet"
    fi
done
grep -A8 '^postinstall scriptlet' <<<"$scripts" | grep -qE 'install-system-units|preset' || fail "%post does not apply the preset"
grep -A8 '^preuninstall scriptlet' <<<"$scripts" | grep -qE 'remove-system-units|disable --now' || fail "%preun does not disable and stop"
grep -A8 '^postuninstall scriptlet' <<<"$scripts" | grep -qE 'mark-restart-system-units|try-restart' || fail "%postun does not restart"
step "scriptlets: %post applies the preset, %preun disables and stops, %postun restarts on upgrade"

# --- installed into a Debian root -----------------------------------------------------------
mirror=$("$top/Tests/Packaging/debian-mirror.sh" "$suite" || true)
cache=$top/.build/package-test
# The same root as test-deb.sh's (systemd for the scriptlets' systemctl and systemd-analyze,
# man-db for the unit's man: documentation), shared through the cache.
include=systemd,man-db
tarball=$cache/$suite-$variant-systemd-$(date -u +%Y%m%d).tar
mkdir -p "$cache"
if [ ! -s "$tarball" ]; then
    [ -n "$mirror" ] || fail "no Debian mirror for $suite in /etc/apt/sources.list*; set DEB_TEST_MIRROR"
    step "mmdebstrap --variant=$variant --include=$include $suite from $mirror (cached for today in $tarball)"
    rm -f "$cache/$suite-$variant-"*.tar
    mmdebstrap --quiet --variant="$variant" --include="$include" --format=tar --skip=cleanup/apt/lists "$suite" "$tarball.tmp" \
        "deb $mirror $suite main"
    mv "$tarball.tmp" "$tarball"
fi
root=$(mktemp -d "$cache/rpm-root.XXXXXX")
tar --extract --file="$tarball" --directory="$root" --numeric-owner
# What RHEL's filesystem package owns and Debian lacks; the rpm database where RHEL keeps it.
mkdir -p "$root/etc/sysconfig" "$root/usr/share/licenses"
# Debian's rpm warns on every install that alien is meant for that; the rest of stderr shows.
in_root_rpm() {
    rpm --root "$root" --dbpath /var/lib/rpm "$@" 2> >(grep -v -e '^rpm: RPM should not be used directly' \
        -e '^rpm: However assuming you know what you are doing' >&2)
}
tree() {
    (cd "$root" && find . -xdev \( -path ./proc -o -path ./sys -o -path ./dev -o -path ./run -o -path ./tmp \
        -o -path ./var/lib/rpm -o -path ./var/cache -o -path ./var/log \) -prune -o -printf '%p %y %m %u %g %l\n' | LC_ALL=C sort)
}
# The preset of the test: RHEL's presets disable every unit not named; this one names it.
mkdir -p "$root/etc/systemd/system-preset"
echo "enable $unit" >"$root/etc/systemd/system-preset/50-$package-test.preset"
tree >"$work/tree.before"
in_root_rpm --initdb

step "rpm --root ROOT --nodeps -i (the scriptlets run in ROOT: no systemd running)"
in_root_rpm --nodeps -i "$rpm_file" || fail "rpm -i"
in_root_rpm -q "$package" >/dev/null || fail "$package is not installed"
in_root_rpm -V --nodeps "$package" || fail "rpm -V: the installed files differ from the package's"
while read -r perms owner group _ path; do
    [ -e "$root$path" ] || fail "$path is not installed"
    actual=$(stat -c '%A %U %G' "$root$path")
    [ "$actual" = "$perms $owner $group" ] || fail "$path is $actual, expected $perms $owner $group"
done <<<"$expected"
wants=$root/etc/systemd/system/multi-user.target.wants/$unit
# (Debian's systemctl links to /lib/systemd/system, the same directory there: merged /usr.)
case "$(readlink "$wants")" in
    "/usr/lib/systemd/system/$unit" | "/lib/systemd/system/$unit") ;;
    *) fail "%post did not enable the unit by the preset ($wants: '$(readlink "$wants")')" ;;
esac
step "$(wc -l <<<"$expected") paths installed with their modes; the unit enabled by the preset"

step "systemd-analyze verify (in the root, the installed unit)"
verify_output=$(chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LC_ALL=C.UTF-8 \
    systemd-analyze verify "/usr/lib/systemd/system/$unit" 2>&1) || { echo "$verify_output" >&2; fail "systemd-analyze verify"; }
[ -z "$verify_output" ] || { echo "$verify_output" >&2; fail "systemd-analyze verify has remarks"; }

step "reinstall (rpm -U --replacepkgs, an upgrade's scriptlets) with a changed $sysconfig"
echo 'ARGS="--web.listen-address=127.0.0.1:9911"' >>"$root$sysconfig"
in_root_rpm --nodeps -U --replacepkgs "$rpm_file" || fail "rpm -U --replacepkgs"
grep -qx 'ARGS="--web.listen-address=127.0.0.1:9911"' "$root$sysconfig" || fail "the reinstall replaced the changed $sysconfig"
[ -L "$wants" ] || fail "the upgrade disabled the unit"

step "rpm -e"
in_root_rpm --nodeps -e "$package" || fail "rpm -e"
in_root_rpm -q "$package" >/dev/null 2>&1 && fail "$package is still installed"
if [ -e "$wants" ] || [ -L "$wants" ]; then fail "%preun did not disable the unit"; fi
[ -f "$root$sysconfig.rpmsave" ] || fail "the changed $sysconfig was not kept as $sysconfig.rpmsave"
rm "$root$sysconfig.rpmsave"
tree >"$work/tree.after"
diff "$work/tree.before" "$work/tree.after" >&2 || fail "the root's files differ after rpm -e (above: < before, > after)"
step "after rpm -e the root's $(wc -l <"$work/tree.before") paths are as before (the changed flags file kept as .rpmsave)"

step "OK in $(($(date +%s) - started)) s"
