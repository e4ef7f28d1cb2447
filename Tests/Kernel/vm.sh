#!/bin/bash
# Boots Debian's own kernel under QEMU with a small initramfs and runs one script inside it.
#
# The kernel .deb is downloaded and unpacked, never installed. The first run builds a cached
# image (kernel + base initramfs of busybox, kmod, ipvsadm, iptables, iproute2, netcat, socat
# and every networking module); later runs only add an overlay with the script and the files
# given with --add. The guest's /out is written to a virtio disk and unpacked into --out.
#
#   vm.sh [options] SCRIPT [ARGS...]
#     --kernel 5.10|6.1|6.12
#                       which Debian kernel boots: 6.1 (Debian 12, the host's own suite; default),
#                       5.10 (Debian 11) or 6.12 (Debian 13), downloaded from that suite of the
#                       host's Debian mirror through a separate apt configuration under the cache,
#                       so the host's own apt stays as it is. User space stays the host's.
#     --add SRC=DST     copy a host file or directory into the guest (ELF files bring their libraries)
#     --out DIR         where the guest's /out ends up
#     --timeout SECONDS wall-clock limit for the whole boot (default 300); QEMU can hang
#     --accel auto|tcg|kvm
#                       auto uses KVM only when kvm_intel or kvm_amd is loaded (PVM-backed /dev/kvm
#                       cannot run a stock kernel); default auto
#     --mem MB          guest memory (default 768)
#     --cpu MODEL       QEMU CPU model under TCG (default max)
#     --build-only      build the cache and stop
#     --rebuild         rebuild the cache
#     --verbose         print the whole console, not only the script's output
#     --forward HOST:GUEST
#                       give the guest a NIC (QEMU user networking, eth0 at 10.0.2.15/24) and
#                       forward TCP port HOST on the host's 127.0.0.1 to GUEST in the guest
#     --console FILE    keep the raw console in FILE, written as the guest runs
#
# Exit status: the script's, or 124 (timeout), 125 (harness error), 126 (no END marker).
# Environment: IPVS_VM_CACHE (cache directory), IPVS_VM_KERNEL_PKG (kernel package to use).
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
HARNESS_VERSION=4
CACHE_ROOT=${IPVS_VM_CACHE:-$REPO/.build/kernel-lab/cache}
TIMEOUT=300
ACCEL=auto
MEM=768
CPU=max
OUT=""
BUILD_ONLY=0
REBUILD=0
VERBOSE=0
ADDS=()
FORWARDS=()
CONSOLE=""
KERNEL=${IPVS_VM_KERNEL:-6.1}


die() { echo "vm.sh: $*" >&2; exit 125; }

while [ $# -gt 0 ]; do
    case "$1" in
        --add) ADDS+=("$2"); shift 2 ;;
        --out) OUT=$2; shift 2 ;;
        --timeout) TIMEOUT=$2; shift 2 ;;
        --accel) ACCEL=$2; shift 2 ;;
        --mem) MEM=$2; shift 2 ;;
        --cpu) CPU=$2; shift 2 ;;
        --build-only) BUILD_ONLY=1; shift ;;
        --rebuild) REBUILD=1; shift ;;
        --verbose) VERBOSE=1; shift ;;
        --forward)
            [[ "$2" =~ ^[0-9]+:[0-9]+$ ]] || die "--forward wants HOSTPORT:GUESTPORT, got '$2'"
            FORWARDS+=("$2"); shift 2 ;;
        --console) CONSOLE=$2; shift 2 ;;
        --kernel) KERNEL=$2; shift 2 ;;
        -h|--help) sed -n '2,30p' "$0"; exit 0 ;;
        --) shift; break ;;
        -*) die "unknown option $1" ;;
        *) break ;;
    esac
done
if [ "$BUILD_ONLY" = 0 ]; then
    [ $# -ge 1 ] || die "no script given (see --help)"
    SCRIPT=$1
    shift
    [ -f "$SCRIPT" ] || die "no such script: $SCRIPT"
fi

for tool in qemu-system-x86_64 cpio busybox kmod ipvsadm python3 apt-get dpkg-deb; do
    command -v "$tool" >/dev/null || die "missing host tool $tool (make test-deps installs it)"
done

# ---------------------------------------------------------------------------------------------
# Tests/Kernel/kernel-packages: per kernel, the Debian suite it comes from and the pinned package.
KERNEL_LINE=$(awk -v k="$KERNEL" '$1 == k' "$HERE/kernel-packages")
[ -n "$KERNEL_LINE" ] || die "--kernel $KERNEL: not one of $(awk '!/^#/ {printf "%s ", $1}' "$HERE/kernel-packages")"
SUITE=$(echo "$KERNEL_LINE" | awk '{print $2}')
PINNED=$(echo "$KERNEL_LINE" | awk '{print $3}')
HOST_SUITE=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
APT=(apt-get)
APT_CACHE=(apt-cache)
if [ "$SUITE" != "$HOST_SUITE" ]; then
    # Another suite of the host's own mirror, in a sources file and lists directory of its own.
    APT_DIR=$CACHE_ROOT/apt-$SUITE
    mirror=$(sed -n 's/^URIs: *//p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | grep -v security | head -n 1)
    [ -n "$mirror" ] || mirror=$(awk '/^deb / && !/security/ {print $2; exit}' /etc/apt/sources.list 2>/dev/null)
    [ -n "$mirror" ] || mirror=http://deb.debian.org/debian
    mkdir -p "$APT_DIR/lists/partial" "$APT_DIR/archives/partial"
    printf 'Types: deb\nURIs: %s\nSuites: %s\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
        "$mirror" "$SUITE" > "$APT_DIR/$SUITE.sources"
    opts=(-o "Dir::Etc::SourceList=$APT_DIR/$SUITE.sources" -o Dir::Etc::SourceParts=/dev/null
        -o "Dir::State::Lists=$APT_DIR/lists" -o "Dir::Cache=$APT_DIR" -o Dir::State::status=/dev/null)
    APT=(apt-get "${opts[@]}")
    APT_CACHE=(apt-cache "${opts[@]}")
    [ -n "$(ls "$APT_DIR/lists" 2>/dev/null | grep Packages)" ] || "${APT[@]}" update -q >/dev/null 2>&1 || true
fi

# The kernel package: the pinned one while apt still has it, else what linux-image-amd64 wants.
kernel_package() {
    if [ -n "${IPVS_VM_KERNEL_PKG:-}" ]; then echo "$IPVS_VM_KERNEL_PKG"; return; fi
    if "${APT_CACHE[@]}" show "$PINNED" >/dev/null 2>&1; then echo "$PINNED"; return; fi
    "${APT_CACHE[@]}" depends linux-image-amd64 2>/dev/null | awk '/Depends: linux-image-[0-9]/ {print $2; exit}'
}

host_versions() {
    dpkg-query -W -f='${Package}=${Version} ' busybox-static kmod ipvsadm iptables iproute2 netcat-openbsd \
        socat nftables bash dash util-linux libc6 2>/dev/null
}

KPKG=$(kernel_package)
[ -n "$KPKG" ] || die "cannot find a kernel package (is apt-get update needed?)"
KEY=$(echo "$HARNESS_VERSION $KPKG $(host_versions) $(sha256sum "$HERE/init" "$0" | cut -c1-16)" | sha256sum | cut -c1-16)
CACHE=$CACHE_ROOT/$KEY

# Maps a host path to the guest's usr-merged layout (/bin, /sbin and /lib are links into /usr).
guest_path() {
    case "$1" in
        /bin/*|/sbin/*|/lib/*|/lib64/*) echo "/usr$1" ;;
        *) echo "$1" ;;
    esac
}

copy_file() {  # copy_file ROOT HOSTPATH [GUESTPATH]
    local root=$1 src=$2 dst=${3:-$(guest_path "$2")}
    mkdir -p "$root$(dirname "$dst")"
    cp -L "$src" "$root$dst"
}

copy_libraries() {  # copy_libraries ROOT ELF
    local root=$1 file=$2 lib
    for lib in $(ldd "$file" 2>/dev/null | grep -o '/[^ )]*' || true); do
        [ -e "$root$(guest_path "$lib")" ] || copy_file "$root" "$lib"
    done
}

copy_binary() {  # copy_binary ROOT NAME...
    local root=$1 name path
    shift
    for name in "$@"; do
        path=$(command -v "$name") || die "host has no $name"
        copy_file "$root" "$path"
        copy_libraries "$root" "$path"
    done
}

build_cache() {
    mkdir -p "$CACHE_ROOT"
    local work
    work=$(mktemp -d "$CACHE_ROOT/build.XXXXXX")
    echo "vm.sh: building the image for $KPKG in $CACHE" >&2
    (cd "$work" && { "${APT[@]}" download -q -o APT::Sandbox::User=root "$KPKG" >/dev/null 2>&1 \
        || { "${APT[@]}" update -q >/dev/null && "${APT[@]}" download -q -o APT::Sandbox::User=root "$KPKG" >/dev/null; }; }) \
        || die "apt-get download $KPKG failed"
    dpkg-deb -x "$work"/*.deb "$work/kernel"
    local kver
    # Debian 13 ships its modules under /usr/lib (merged /usr), earlier releases under /lib.
    local moddir=$work/kernel/lib/modules
    [ -d "$moddir" ] || moddir=$work/kernel/usr/lib/modules
    kver=$(ls "$moddir")
    python3 "$HERE/extract-vmlinux.py" "$work/kernel/boot/vmlinuz-$kver" "$work/vmlinux"

    local root=$work/root
    mkdir -p "$root"/usr/{bin,sbin,lib64,lib/x86_64-linux-gnu} "$root"/{proc,sys,dev,run,tmp,etc,root,test,out,mnt,var}
    ln -s usr/bin "$root/bin"
    ln -s usr/sbin "$root/sbin"
    ln -s usr/lib "$root/lib"
    ln -s usr/lib64 "$root/lib64"
    ln -s /run "$root/var/run"

    copy_binary "$root" dash bash ipvsadm ip ss genl nft nc.openbsd socat kmod xtables-nft-multi xtables-legacy-multi setpriv sysctl
    ln -s dash "$root/usr/bin/sh"
    ln -s nc.openbsd "$root/usr/bin/nc"
    local name
    for name in modprobe insmod rmmod depmod modinfo; do ln -sf ../bin/kmod "$root/usr/sbin/$name"; done
    ln -sf kmod "$root/usr/bin/lsmod"
    for name in iptables iptables-save iptables-restore ip6tables ip6tables-save ip6tables-restore \
        iptables-nft iptables-nft-save iptables-nft-restore ip6tables-nft ip6tables-nft-save ip6tables-nft-restore; do
        ln -sf xtables-nft-multi "$root/usr/sbin/$name"
    done
    for name in iptables-legacy iptables-legacy-save iptables-legacy-restore ip6tables-legacy ip6tables-legacy-save \
        ip6tables-legacy-restore; do
        ln -sf xtables-legacy-multi "$root/usr/sbin/$name"
    done
    # iptables loads its extensions with dlopen(): copy them all, with their libraries.
    cp -a /usr/lib/x86_64-linux-gnu/xtables "$root/usr/lib/x86_64-linux-gnu/"
    local plugin
    for plugin in "$root"/usr/lib/x86_64-linux-gnu/xtables/*.so; do copy_libraries "$root" "$plugin"; done
    # busybox last, and only for names no real binary has: busybox sh must never shadow them.
    cp /bin/busybox "$root/usr/bin/busybox"
    for name in $(/bin/busybox --list); do
        [ -e "$root/usr/bin/$name" ] || [ -e "$root/usr/sbin/$name" ] || [ -L "$root/usr/bin/$name" ] \
            || ln -s busybox "$root/usr/bin/$name"
    done

    # Modules: the networking stack and what boots the disk; modules.dep rebuilt for the subset.
    local mods=$moddir/$kver
    local dest=$root/usr/lib/modules/$kver
    mkdir -p "$dest/kernel/drivers"
    cp -a "$mods/kernel/net" "$mods/kernel/lib" "$mods/kernel/crypto" "$dest/kernel/"
    mkdir -p "$dest/kernel/arch/x86" && cp -a "$mods/kernel/arch/x86/crypto" "$dest/kernel/arch/x86/"
    mkdir -p "$dest/kernel/drivers/net" "$dest/kernel/drivers/block" "$dest/kernel/drivers/virtio"
    for name in veth dummy macvlan ipvlan vxlan tun ifb virtio_net net_failover; do
        find "$mods/kernel/drivers/net" -maxdepth 2 -name "$name.ko*" -exec cp {} "$dest/kernel/drivers/net/" \;
    done
    cp -a "$mods/kernel/drivers/net/ipvlan" "$dest/kernel/drivers/net/" 2>/dev/null || true
    cp "$mods"/kernel/drivers/block/virtio_blk.ko* "$dest/kernel/drivers/block/"
    cp -a "$mods"/kernel/drivers/virtio/. "$dest/kernel/drivers/virtio/"
    cp "$mods"/modules.builtin* "$mods"/modules.order "$dest/" 2>/dev/null || true
    depmod -b "$root/usr" "$kver" 2>/dev/null || depmod -b "$root" "$kver"

    cp "$HERE/init" "$root/init"
    chmod 755 "$root/init"
    printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n' > "$root/etc/passwd"
    printf 'root:x:0:\nnogroup:x:65534:\n' > "$root/etc/group"
    printf 'hosts: files\nservices: files\nprotocols: files\n' > "$root/etc/nsswitch.conf"
    printf '127.0.0.1 localhost\n::1 localhost\n' > "$root/etc/hosts"
    cp /etc/services /etc/protocols "$root/etc/"
    (cd "$root" && find . | LC_ALL=C sort | cpio -o -H newc --quiet) > "$work/base.cpio"
    echo "$kver" > "$work/kernel-release"
    cp "$work/kernel/boot/config-$kver" "$work/config"
    dpkg-deb -f "$work"/*.deb Package Version > "$work/kernel-package"
    rm -rf "$work/kernel" "$work"/*.deb
    rm -rf "$CACHE"
    mv "$work" "$CACHE"
    echo "vm.sh: image ready ($(du -sh "$CACHE/base.cpio" | cut -f1) initramfs, kernel $kver)" >&2
}

if [ "$REBUILD" = 1 ] || [ ! -f "$CACHE/base.cpio" ]; then
    mkdir -p "$(dirname "$CACHE_ROOT")"
    exec 9>"$CACHE_ROOT.lock"
    flock 9
    if [ "$REBUILD" = 1 ] || [ ! -f "$CACHE/base.cpio" ]; then build_cache; fi
    flock -u 9
fi
[ "$BUILD_ONLY" = 1 ] && { echo "$CACHE"; exit 0; }

# ---------------------------------------------------------------------------------------------
RUN=$(mktemp -d "${TMPDIR:-/tmp}/ipvs-vm.XXXXXX")
trap 'rm -rf "$RUN"' EXIT
overlay=$RUN/overlay
mkdir -p "$overlay/test"
cp "$SCRIPT" "$overlay/test/run.sh"
printf '%s\n' "$@" > "$overlay/test/args"
# The kernel config goes in as /boot/config-<release>, as on a real host (CONFIG_HZ).
mkdir -p "$overlay/boot"
cp "$CACHE/config" "$overlay/boot/config-$(cat "$CACHE/kernel-release")"
for add in "${ADDS[@]+"${ADDS[@]}"}"; do
    src=${add%%=*}
    dst=$(guest_path "${add#*=}")
    [ -e "$src" ] || die "--add: no such file $src"
    mkdir -p "$overlay$(dirname "$dst")"
    cp -aL "$src" "$overlay$dst"
    if [ -f "$src" ] && head -c 4 "$src" | grep -q 'ELF'; then copy_libraries "$overlay" "$src"; fi
done
(cd "$overlay" && find . -path ./lib -prune -o -print | cpio -o -H newc --quiet) > "$RUN/overlay.cpio"
cat "$CACHE/base.cpio" "$RUN/overlay.cpio" > "$RUN/initrd.cpio"
truncate -s 256M "$RUN/out.img"

accel=tcg
cpu="-cpu $CPU"
if [ "$ACCEL" = kvm ] || { [ "$ACCEL" = auto ] && [ -w /dev/kvm ] && { [ -d /sys/module/kvm_intel ] || [ -d /sys/module/kvm_amd ]; }; }; then
    accel=kvm
    cpu="-cpu host"
fi

# Only the host's loopback reaches a forwarded port; the guest loads virtio_net itself.
nic=()
if [ ${#FORWARDS[@]} -gt 0 ]; then
    spec=user,model=virtio-net-pci
    for forward in "${FORWARDS[@]}"; do spec+=",hostfwd=tcp:127.0.0.1:${forward%%:*}-:${forward#*:}"; done
    nic=(-nic "$spec")
fi
console=${CONSOLE:-$RUN/console.log}
set +e
timeout --kill-after=5 "$TIMEOUT" qemu-system-x86_64 -M pc -accel "$accel" $cpu -m "$MEM" -smp 1 -nodefaults \
    -display none -serial stdio -no-reboot -kernel "$CACHE/vmlinux" -initrd "$RUN/initrd.cpio" \
    -append "console=ttyS0 quiet panic=-1 oops=panic mitigations=off tsc=reliable cryptomgr.notests" \
    -drive "file=$RUN/out.img,format=raw,if=virtio" "${nic[@]+"${nic[@]}"}" < /dev/null > "$console" 2>&1
qemu_rc=$?
set -e

tr -d '\r' < "$console" > "$RUN/console.txt"
if [ "$VERBOSE" = 1 ]; then
    cat "$RUN/console.txt"
else
    awk '/===IPVS-VM-END rc=/ { sub(/===IPVS-VM-END rc=[0-9]+===.*/, ""); if (length($0)) print; exit }
         on { print }
         /===IPVS-VM-BEGIN===/ { on = 1 }' "$RUN/console.txt"
fi
if [ -n "$OUT" ]; then
    mkdir -p "$OUT"
    tar -xf "$RUN/out.img" -C "$OUT" 2>/dev/null || true
fi
if [ "$qemu_rc" = 124 ] || [ "$qemu_rc" = 137 ]; then
    echo "vm.sh: timed out after ${TIMEOUT}s" >&2
    exit 124
fi
rc=$(grep -o '===IPVS-VM-END rc=[0-9]*===' "$RUN/console.txt" | grep -o '[0-9]*' | tail -1 || true)
if [ -z "$rc" ]; then
    echo "vm.sh: the guest never reached the END marker (qemu exit $qemu_rc); last console lines:" >&2
    tail -20 "$RUN/console.txt" >&2
    exit 126
fi
exit "$rc"
