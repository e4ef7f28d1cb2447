#!/bin/bash
# Prints the Debian mirror apt is configured with for SUITE: DEB_TEST_MIRROR when set, else the
# URIs of the deb822 stanza serving SUITE in /etc/apt/sources.list.d/*.sources, else the
# `deb` line of /etc/apt/sources.list. Nothing (and exit 1) when there is none. Shared by the
# package tests, which build their Debian root from it.
#
#   Tests/Packaging/debian-mirror.sh SUITE
set -euo pipefail

suite=${1:?usage: $0 SUITE}
mirror=${DEB_TEST_MIRROR:-}
if [ -z "$mirror" ]; then
    mirror=$(cat /etc/apt/sources.list.d/*.sources 2>/dev/null | awk -v RS= -v suite="$suite" '
        {
            uri = ""; found = 0; n = split($0, lines, "\n")
            for (i = 1; i <= n; i++) {
                if (lines[i] ~ /^URIs:/) { split(lines[i], f, /[ \t]+/); uri = f[2] }
                if (lines[i] ~ /^Suites:/ && (" " lines[i] " ") ~ ("[ \t]" suite "[ \t]")) found = 1
            }
            if (found && uri != "") { print uri; exit }
        }')
fi
if [ -z "$mirror" ]; then
    mirror=$(awk -v suite="$suite" '$1 == "deb" && $3 == suite { print $2; exit }' /etc/apt/sources.list 2>/dev/null || true)
fi
[ -n "$mirror" ] || exit 1
echo "$mirror"
