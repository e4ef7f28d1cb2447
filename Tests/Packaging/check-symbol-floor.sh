#!/bin/bash
# Fails when BINARY needs a newer glibc or libstdc++ than the platform floor the release promises.
#
#   Tests/Packaging/check-symbol-floor.sh [--glibc 2.34] [--glibcxx 3.4.29] [--cxxabi 1.3.13] BINARY
#
# The floor (README, "Install"): glibc 2.34 (RHEL/Rocky/Alma 9; Ubuntu 22.04 has 2.35, Debian 12
# 2.36) and GCC 11's libstdc++ (GLIBCXX_3.4.29, CXXABI_1.3.13; RHEL 9). The versions a binary
# needs are in its .gnu.version_r section (readelf -V); the symbols bound to each version are in
# its dynamic symbol table (objdump -T), printed for every version above the floor. glibc's
# GLIBC_ABI_* markers (GLIBC_ABI_DT_RELR: packed relative relocations, glibc 2.36) are above any
# floor below 2.36 and refused too.
set -euo pipefail

glibc_floor=2.34
glibcxx_floor=3.4.29
cxxabi_floor=1.3.13
while [ $# -gt 1 ]; do
    case "$1" in
        --glibc) glibc_floor=$2; shift 2 ;;
        --glibcxx) glibcxx_floor=$2; shift 2 ;;
        --cxxabi) cxxabi_floor=$2; shift 2 ;;
        *) break ;;
    esac
done
if [ $# -ne 1 ] || [ ! -f "$1" ]; then
    echo "usage: $0 [--glibc X.Y] [--glibcxx 3.4.N] [--cxxabi 1.3.N] BINARY" >&2
    exit 2
fi
binary=$1

# "a <= b" for dotted versions.
version_le() { [ "$(printf '%s\n%s\n' "$1" "$2" | sort -V | head -n1)" = "$1" ]; }

# Every version the binary needs, one "file version" a line.
needed=$(readelf -V --wide "$binary" | awk '
    /^Version needs section/ { needs = 1; next }
    /^Version [a-z]+ section/ { needs = 0 }
    needs && $2 == "Version:" && $4 == "File:" { file = $5 }
    needs && $2 == "Name:" { print file, $3 }')
if [ -z "$needed" ]; then
    echo "check-symbol-floor: $binary has no version needs (not a dynamic ELF binary?)" >&2
    exit 2
fi
symbols=$(objdump -T "$binary")

highest_glibc=2.2.5
offending=()
while read -r file version; do
    case "$version" in
        GLIBC_ABI_*) offending+=("$version") ;;
        GLIBC_[0-9]*)
            number=${version#GLIBC_}
            version_le "$highest_glibc" "$number" && highest_glibc=$number
            version_le "$number" "$glibc_floor" || offending+=("$version")
            ;;
        GLIBCXX_[0-9]*) version_le "${version#GLIBCXX_}" "$glibcxx_floor" || offending+=("$version") ;;
        CXXABI_[0-9]*) version_le "${version#CXXABI_}" "$cxxabi_floor" || offending+=("$version") ;;
    esac
done <<<"$needed"

# The symbols bound to the highest glibc version, which sets the floor.
highest_symbols=$(awk -v v="GLIBC_$highest_glibc" 'NF > 2 && ($(NF-1) == v || $(NF-1) == "(" v ")") { print $NF }' <<<"$symbols" |
    sort -u | paste -sd' ')
echo "check-symbol-floor: $binary needs glibc $highest_glibc (${highest_symbols:-no symbol, only the version}); floor $glibc_floor," \
    "GLIBCXX $glibcxx_floor, CXXABI $cxxabi_floor"

if [ ${#offending[@]} -eq 0 ]; then
    echo "check-symbol-floor: OK"
    exit 0
fi
for version in "${offending[@]}"; do
    file=$(awk -v v="$version" '$2 == v { print $1 }' <<<"$needed")
    bound=$(awk -v v="$version" 'NF > 2 && ($(NF-1) == v || $(NF-1) == "(" v ")") { print $NF }' <<<"$symbols" | sort -u |
        while read -r symbol; do
            demangled=$(c++filt "$symbol")
            if [ "$demangled" = "$symbol" ]; then echo "    $symbol"; else echo "    $symbol ($demangled)"; fi
        done)
    echo "check-symbol-floor: FAIL: $version ($file) is above the floor; symbols:" >&2
    echo "${bound:-    (none: a marker the loader checks, e.g. DT_RELR from -z pack-relative-relocs)}" >&2
done
exit 1
