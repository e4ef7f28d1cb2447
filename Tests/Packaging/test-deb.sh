#!/bin/bash
# Tests the Debian package as an administrator meets it, in a fresh Debian bookworm root made by
# mmdebstrap from the configured mirror (no systemd running there, as in any chroot):
#
#   lintian: no error, no warning; every override carries its reason
#   Depends: computed, and no newer than the platform floor (libc6 2.34, libstdc++6 11)
#   dpkg -i, then apt-get install -f for the dependencies
#   every file of the package where it belongs, with its mode and owner; the conffile registered;
#     the unit enabled the Debian way (deb-systemd-helper) and not started (no systemd running)
#   systemd-analyze verify on the installed unit (in the root, with systemd and man-db there);
#     the installed binary runs (--version, lint --list-rules)
#   dpkg --remove: only the conffile stays; dpkg --purge: nothing of the package stays
#   again with /run/systemd/system present: the maintainer scripts ask (through policy-rc.d,
#     which refuses) to start the service on installation and to stop it on removal
#   the dependencies autoremoved: the root's file tree is the one it had before
#
#   Tests/Packaging/test-deb.sh DEB
#
# The root is cached per day in .build/package-test/ (DEB_TEST_MIRROR overrides the mirror).
# dpkg-query's ${Status} and the unit's $ARGS are meant literally:
# shellcheck disable=SC2016
set -euo pipefail

if [ $# -ne 1 ] || [ ! -f "$1" ]; then
    echo "usage: $0 DEB" >&2
    exit 2
fi
deb=$(readlink -f "$1")
top=$(cd "$(dirname "$0")/../.." && pwd)
package=prometheus-ipvs-exporter
unit=$package.service
suite=bookworm
variant=minbase
started=$(date +%s)

fail() {
    echo "test-deb: FAIL: $*" >&2
    exit 1
}
step() { echo "test-deb: $*"; }

# --- lintian -------------------------------------------------------------------------------
step "lintian $(basename "$deb")"
lintian_output=$(lintian --fail-on error,warning "$deb" 2>&1 | { grep -v '^running with root privileges' || true; }) || {
    echo "$lintian_output" >&2
    fail "lintian reports errors or warnings"
}
echo "$lintian_output" | grep -E '^[EW]:' && fail "lintian reports errors or warnings"
echo "${lintian_output:-(lintian: nothing to report)}"
awk '/^#/ { reason = 1; next } /^[^[:space:]]/ { if (!reason) { print; bad = 1 } reason = 0 } END { exit bad }' \
    "$top/packaging/debian/lintian-overrides" || fail "a lintian override above has no comment giving its reason"

# --- control fields ------------------------------------------------------------------------
depends=$(dpkg-deb --field "$deb" Depends)
step "Depends: $depends"
names=$(sed -e 's/ *([^)]*)//g' -e 's/, */\n/g' <<<"$depends")
for library in libc6 libnl-3-200 libnl-genl-3-200 zlib1g libcrypt1 libstdc++6; do
    grep -qxF "$library" <<<"$names" || fail "Depends lacks $library"
done
libc=$(sed -n 's/.*libc6 (>= \([0-9.]*\)).*/\1/p' <<<"$depends")
dpkg --compare-versions "$libc" le 2.34 || fail "Depends asks for libc6 >= $libc: above the 2.34 floor"
libstdcxx=$(sed -n 's/.*libstdc++6 (>= \([0-9.]*\)).*/\1/p' <<<"$depends")
dpkg --compare-versions "${libstdcxx:-0}" le 11 || fail "Depends asks for libstdc++6 >= $libstdcxx: above GCC 11's"
version=$(dpkg-deb --field "$deb" Version)
[ "$version" = "$(tr -d ' \t\r\n' <"$top/VERSION")-${DEB_REVISION:-1}" ] || fail "Version $version does not follow VERSION"

# --- a fresh bookworm root -----------------------------------------------------------------
mirror=$("$top/Tests/Packaging/debian-mirror.sh" "$suite" || true)
[ -n "$mirror" ] || fail "no Debian mirror for $suite in /etc/apt/sources.list*; set DEB_TEST_MIRROR"

cache=$top/.build/package-test
# systemd for systemd-analyze verify in the root, man-db for the unit's man: documentation.
include=systemd,man-db
tarball=$cache/$suite-$variant-systemd-$(date -u +%Y%m%d).tar
mkdir -p "$cache"
if [ ! -s "$tarball" ]; then
    step "mmdebstrap --variant=$variant --include=$include $suite from $mirror (cached for today in $tarball)"
    rm -f "$cache/$suite-$variant-"*.tar
    # Package lists kept, so that apt-get install -f works at once.
    mmdebstrap --quiet --variant="$variant" --include="$include" --format=tar --skip=cleanup/apt/lists "$suite" "$tarball.tmp" \
        "deb $mirror $suite main"
    mv "$tarball.tmp" "$tarball"
fi

root=$(mktemp -d "$cache/root.XXXXXX")
cleanup() {
    umount "$root/proc" 2>/dev/null || true
    rm -rf "$root"
}
trap cleanup EXIT
tar --extract --file="$tarball" --directory="$root" --numeric-owner
cp /etc/resolv.conf "$root/etc/resolv.conf"
mount -t proc proc "$root/proc"

in_root() {
    chroot "$root" /usr/bin/env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
        DEBIAN_FRONTEND=noninteractive LC_ALL=C.UTF-8 "$@"
}
# Every file of the root but the kernel's, the package manager's own records and caches, and
# the scratch places: path, type, mode, owner, group, link target.
tree() {
    (cd "$root" && find . -xdev \( -path ./proc -o -path ./sys -o -path ./dev -o -path ./run -o -path ./tmp \
        -o -path ./var/cache -o -path ./var/log -o -path ./var/lib/apt -o -path ./var/lib/dpkg \) -prune \
        -o -printf '%p %y %m %u %g %l\n' | LC_ALL=C sort)
}

# policy-rc.d, as in image builds: refuses every start and stop (101), and writes down the ask.
cat >"$root/usr/sbin/policy-rc.d" <<'EOF'
#!/bin/sh
echo "$*" >>/tmp/policy-rc.d.log
exit 101
EOF
chmod 0755 "$root/usr/sbin/policy-rc.d"
policy_log=$root/tmp/policy-rc.d.log

tree >"$root/tmp/tree.before"
cp "$deb" "$root/tmp/package.deb"

# --- install -------------------------------------------------------------------------------
step "dpkg -i (chroot, no systemd running)"
if ! in_root dpkg -i /tmp/package.deb >"$root/tmp/dpkg-i.log" 2>&1; then
    grep -q "dependency problems" "$root/tmp/dpkg-i.log" || { cat "$root/tmp/dpkg-i.log" >&2; fail "dpkg -i"; }
    step "apt-get install -f (the dependencies from $mirror)"
    in_root apt-get install -f -y -q --no-install-recommends >"$root/tmp/apt.log" 2>&1 ||
        { cat "$root/tmp/apt.log" >&2; fail "apt-get install -f"; }
fi
[ "$(in_root dpkg-query -W -f='${Status}' "$package")" = "install ok installed" ] || fail "$package is not installed"

# --- every file and its mode ---------------------------------------------------------------
expected="/etc/default/$package 644
/lib/systemd/system/$unit 644
/usr/bin/ipvs_exporter 755
/usr/share/doc/$package/NOTICE 644
/usr/share/doc/$package/changelog.Debian.gz 644
/usr/share/doc/$package/copyright 644
/usr/share/lintian/overrides/$package 644
/usr/share/man/man1/ipvs_exporter-lint.1.gz 644
/usr/share/man/man1/ipvs_exporter-serve.1.gz 644
/usr/share/man/man1/ipvs_exporter.1.gz 644
/usr/share/$package/ipvs-alerts.yaml 644
/usr/share/$package/ipvs-overview.json 644
/usr/share/$package/ipvs-service.json 644"
listed=$(in_root dpkg -L "$package" | while read -r path; do
    [ -d "$root$path" ] || echo "$path"
done | LC_ALL=C sort)
[ "$listed" = "$(LC_ALL=C sort <<<"$expected" | cut -d' ' -f1)" ] ||
    fail "the package's files differ from the expected ones:$(diff <(echo "$listed") <(LC_ALL=C sort <<<"$expected" | cut -d' ' -f1))"
while read -r path mode; do
    actual=$(stat -c '%a %U:%G %F' "$root$path")
    [ "$actual" = "$mode root:root regular file" ] || [ "$actual" = "$mode root:root regular empty file" ] ||
        fail "$path is $actual, expected $mode root:root regular file"
done <<<"$expected"
in_root dpkg -L "$package" | while read -r path; do
    if [ -d "$root$path" ] && [ ! -L "$root$path" ]; then
        [ "$(stat -c '%a %U:%G' "$root$path")" = "755 root:root" ] || fail "directory $path is $(stat -c '%a %U:%G' "$root$path")"
    fi
done
step "$(wc -l <<<"$expected") files with their modes, directories 755 root:root"

in_root dpkg-query -W -f='${Conffiles}\n' "$package" | grep -q "^ /etc/default/$package " ||
    fail "/etc/default/$package is not a conffile"
grep -qx "EnvironmentFile=-/etc/default/$package" "$root/lib/systemd/system/$unit" ||
    fail "the unit does not read /etc/default/$package"
grep -qx 'ExecStart=/usr/bin/ipvs_exporter $ARGS' "$root/lib/systemd/system/$unit" || fail "the unit does not pass ARGS"
grep -q '^ARGS=' "$root/etc/default/$package" || fail "/etc/default/$package sets no ARGS"
wants=$root/etc/systemd/system/multi-user.target.wants/$unit
[ "$(readlink "$wants")" = "/lib/systemd/system/$unit" ] || fail "the unit is not enabled (no $wants)"
[ ! -e "$policy_log" ] || fail "the maintainer scripts tried to start the service in a chroot: $(cat "$policy_log")"
step "conffile registered, unit enabled (multi-user.target.wants), nothing started"

step "systemd-analyze verify (in the root, the installed unit)"
verify_output=$(in_root systemd-analyze verify "/lib/systemd/system/$unit" 2>&1) ||
    { echo "$verify_output" >&2; fail "systemd-analyze verify"; }
[ -z "$verify_output" ] || { echo "$verify_output" >&2; fail "systemd-analyze verify has remarks"; }

# --- the installed binary runs -------------------------------------------------------------
version_line=$(in_root ipvs_exporter --version | head -1)
step "ipvs_exporter --version: $version_line"
[[ "$version_line" =~ ^ipvs_exporter,\ version\ $(tr -d ' \t\r\n' <"$top/VERSION")\ \(branch:\ [^,]+,\ revision:\ [0-9a-f]{12}(-dirty)?\)$ ]] ||
    fail "unexpected --version: $version_line"
rules=$(in_root ipvs_exporter lint --list-rules) || fail "ipvs_exporter lint --list-rules"
grep -q 'LVS101' <<<"$rules" || fail "lint --list-rules lists no LVS101: $rules"
step "ipvs_exporter lint --list-rules: $(grep -c 'LVS[0-9]' <<<"$rules") rules"
in_root man -w ipvs_exporter >/dev/null 2>&1 || [ -f "$root/usr/share/man/man1/ipvs_exporter.1.gz" ] || fail "no manual page"

# --- remove, purge -------------------------------------------------------------------------
step "dpkg --remove"
in_root dpkg --remove "$package" >/dev/null
[ "$(in_root dpkg-query -W -f='${Status}' "$package")" = "deinstall ok config-files" ] || fail "not in config-files state"
while read -r path mode; do
    if [ "$path" = "/etc/default/$package" ]; then
        [ -f "$root$path" ] || fail "dpkg --remove deleted the conffile $path"
    else
        [ ! -e "$root$path" ] || fail "$path is still there after dpkg --remove"
    fi
done <<<"$expected"

step "dpkg --purge"
in_root dpkg --purge "$package" >/dev/null
status=$(in_root dpkg-query -W -f='${Status}' "$package" 2>/dev/null || true)
case "$status" in
    "" | *" not-installed") ;;
    *) fail "$package is still '$status' after dpkg --purge" ;;
esac
for path in "/etc/default/$package" "/etc/systemd/system/multi-user.target.wants/$unit"; do
    if [ -e "$root$path" ] || [ -L "$root$path" ]; then fail "$path is still there after dpkg --purge"; fi
done
leftovers=$(cd "$root" && find . -xdev \( -path ./proc -o -path ./tmp \) -prune -o -name "*$package*" -print)
[ -z "$leftovers" ] || fail "left after purge: $leftovers"

# --- where systemd runs: the maintainer scripts start and stop the service -----------------
step "again with /run/systemd/system present: start on install, stop on remove (policy-rc.d refuses both)"
mkdir -p "$root/run/systemd/system"
in_root dpkg -i /tmp/package.deb >/dev/null 2>&1 || fail "dpkg -i (second time)"
grep -qx "$unit start" "$policy_log" || fail "postinst did not ask to start $unit: $(cat "$policy_log" 2>/dev/null)"
in_root dpkg --remove "$package" >/dev/null 2>&1 || fail "dpkg --remove (second time)"
grep -qx "$unit stop" "$policy_log" || fail "prerm did not ask to stop $unit: $(cat "$policy_log")"
in_root dpkg --purge "$package" >/dev/null 2>&1 || fail "dpkg --purge (second time)"
rmdir "$root/run/systemd/system"

# --- the root as it was --------------------------------------------------------------------
in_root apt-get autoremove --purge -y -q >/dev/null 2>&1 || fail "apt-get autoremove"
tree >"$root/tmp/tree.after"
diff "$root/tmp/tree.before" "$root/tmp/tree.after" >&2 || fail "the root's files differ after purge (above: < before, > after)"
step "after purge (and autoremove of the dependencies) the root's $(wc -l <"$root/tmp/tree.before") paths are as before"

step "OK in $(($(date +%s) - started)) s"
