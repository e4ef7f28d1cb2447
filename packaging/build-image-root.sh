#!/bin/bash
# Writes OUT, a tar archive of the root filesystem the container image (Containerfile) is built
# on: the Debian 12 packages of the shared libraries the binary needs (glibc, libnl-3,
# libnl-genl-3, zlib, libcrypt.so.1, libstdc++, libgcc_s) unpacked by mmdebstrap
# --variant=extract from the host's apt sources (security updates included), their copyright
# files, base-files' os-release, an /etc/passwd and /etc/group naming root and nobody, and
# /var/lib/dpkg/status.d/PACKAGE records so that image scanners know the Debian packages' versions.
# No shell, no package manager, no manual pages.
#
#   packaging/build-image-root.sh OUT
#
# Environment: SOURCE_DATE_EPOCH (the last commit's time by default: every mtime in OUT),
# IMAGE_SOURCES (apt sources for mmdebstrap: a sources.list line or file; the host's
# /etc/apt/sources.list.d/*.sources and /etc/apt/sources.list by default).
set -euo pipefail

if [ $# -ne 1 ]; then
    echo "usage: $0 OUT" >&2
    exit 2
fi
out=$1
top=$(cd "$(dirname "$0")/.." && pwd)
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(git -C "$top" log -1 --format=%ct 2>/dev/null || date +%s)}
suite=bookworm

# The libraries: what the binary's ELF names (DT_NEEDED), by Debian package.
packages=libc6,libgcc-s1,libcrypt1,libnl-3-200,libnl-genl-3-200,zlib1g,libstdc++6,base-files
# Kept of them: the libraries, /etc/libnl-3, copyright files and the licenses they point to,
# os-release. Left out: manual pages, debugger helpers, lintian overrides, glibc's iconv modules
# (the binary imports no iconv), and mawk, which apt brings along as base-files' Pre-Depends.
# (dpkg's patterns, not the shell's.)
excludes=(
    '/usr/share/doc/*' '/usr/share/man/*' '/usr/share/info/*' '/usr/share/lintian/*' '/usr/share/gcc/*'
    '/usr/share/gdb/*' '/usr/share/base-files/*' '/usr/lib/x86_64-linux-gnu/gconv/*' '/usr/bin/*'
    '/etc/update-motd.d/*' /etc/issue /etc/issue.net
)
# (libgcc-s1's and libstdc++6's documentation directories are links to gcc-12-base's.)
includes=('/usr/share/doc/*/copyright' /usr/share/doc/libgcc-s1 /usr/share/doc/libstdc++6)

sources=()
if [ -n "${IMAGE_SOURCES:-}" ]; then
    sources=("$IMAGE_SOURCES")
else
    for file in /etc/apt/sources.list.d/*.sources /etc/apt/sources.list; do
        if [ -s "$file" ] && grep -q '^[^#]' "$file"; then sources+=("$file"); fi
    done
fi
[ ${#sources[@]} -gt 0 ] || { echo "build-image-root: no apt sources; set IMAGE_SOURCES" >&2; exit 2; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
root=$work/root
dpkgopts=()
for path in "${excludes[@]}"; do dpkgopts+=("--dpkgopt=path-exclude=$path"); done
for path in "${includes[@]}"; do dpkgopts+=("--dpkgopt=path-include=$path"); done
# The downloaded .debs stay (--skip=cleanup/apt/cache) for their control records below.
mmdebstrap --quiet --variant=extract --include="$packages" "${dpkgopts[@]}" --skip=cleanup/apt/cache \
    --format=directory "$suite" "$root" "${sources[@]}"

# What mmdebstrap and apt leave behind, and what the runtime provides (/dev, resolv.conf,
# hostname, hosts are mounted into a container).
debs=$work/debs
mv "$root/var/cache/apt/archives" "$debs"
rm -rf "${root:?}/etc/apt" "$root/etc/dpkg" "$root/etc/fstab" "$root/etc/hostname" "$root/etc/resolv.conf" \
    "${root:?}/var" "$root/usr/share/doc/mawk" "${root:?}/dev/"*
# The directories the left-out files were in.
find "$root/usr/share" "$root/usr/lib" "$root/etc" -depth -type d -empty -delete

# The users: USER nobody in the Containerfile, root for the netlink DaemonSet (runAsUser: 0).
umask 022
cat >"$root/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/usr/sbin/nologin
nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin
EOF
cat >"$root/etc/group" <<'EOF'
root:x:0:
nogroup:x:65534:
EOF
mkdir -p "$root/tmp" "$root/var/lib/dpkg/status.d"
chmod 1777 "$root/tmp"

# One control record per package whose files are there (as distroless images keep them).
for deb in "$debs"/*.deb; do
    name=$(dpkg-deb --field "$deb" Package)
    [ "$name" = mawk ] && continue
    {
        dpkg-deb --field "$deb" Package Version Architecture Source Maintainer Installed-Size Homepage Description
        echo "Status: install ok installed"
    } >"$root/var/lib/dpkg/status.d/$name"
done

# Every library the binary names is in the root.
for soname in $(readelf -d "$top/.build-dist/ipvs_exporter" 2>/dev/null | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'); do
    found=$(find "$root/lib" "$root/usr/lib" "$root/lib64" -name "$soname" 2>/dev/null | head -n 1)
    [ -n "$found" ] || { echo "build-image-root: $soname (needed by the binary) is not in the root" >&2; exit 1; }
done

mkdir -p "$(dirname "$out")"
tar --create --file="$out.tmp" --directory="$root" --sort=name --mtime="@$SOURCE_DATE_EPOCH" --clamp-mtime \
    --owner=0 --group=0 --numeric-owner --format=pax --pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime .
mv "$out.tmp" "$out"
echo "$out"
