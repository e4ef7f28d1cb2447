#!/usr/bin/env python3
"""Extracts the ELF vmlinux from a bzImage (vmlinuz) so QEMU can boot it through PVH.

Debian 11 and 12 compress the kernel with xz, Debian 13 with zstd (through the zstd command:
Python has no zstd module before 3.14); gzip is tried as well. The ELF carries the Xen/PVH note
(CONFIG_PVH=y), which lets QEMU skip the BIOS and the in-guest decompression (3 s instead of 6.6 s
under TCG).
Usage: extract-vmlinux.py VMLINUZ OUT
"""
import lzma
import shutil
import subprocess
import sys
import zlib

data = open(sys.argv[1], "rb").read()
candidates = []
offset = data.find(b"\xfd7zXZ\x00")
while offset != -1:
    candidates.append(("xz", offset))
    offset = data.find(b"\xfd7zXZ\x00", offset + 1)
offset = data.find(b"\x1f\x8b\x08")
while offset != -1:
    candidates.append(("gzip", offset))
    offset = data.find(b"\x1f\x8b\x08", offset + 1)
offset = data.find(b"\x28\xb5\x2f\xfd")
while offset != -1:
    candidates.append(("zstd", offset))
    offset = data.find(b"\x28\xb5\x2f\xfd", offset + 1)
for kind, start in candidates:
    try:
        if kind == "xz":
            out = lzma.LZMADecompressor(format=lzma.FORMAT_XZ).decompress(data[start:])
        elif kind == "zstd":
            if shutil.which("zstd") is None:
                sys.exit("the kernel is zstd-compressed: install zstd (make kernel-deps does)")
            # The payload is followed by the rest of the bzImage: zstd stops at the frame's end.
            out = subprocess.run(
                ["zstd", "-dc", "--no-check"], input=data[start:], capture_output=True
            ).stdout
        else:
            out = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(data[start:])
    except Exception:
        continue
    if out.startswith(b"\x7fELF"):
        open(sys.argv[2], "wb").write(out)
        sys.exit(0)
sys.exit("no xz, zstd or gzip payload holding an ELF kernel found in " + sys.argv[1])
