#!/usr/bin/env python3
"""Cuts the fuzz seed corpus from the real captures (spec §6).

Each seed keeps one capture's section header, machine info, the first
entries of its interface, user and process lists, a few fd lists and its
first events, re-framed, so every block version the captures use is seeded
while each seed stays a few KiB. Run from this directory:

    HARRIER_SHARED=../../../shared python3 make_seeds.py
"""
import gzip
import os
import struct
import sys

SHARED = os.environ.get("HARRIER_SHARED", os.path.join(os.path.dirname(__file__), "../../../shared"))
CAPTURES = [
    "falco-regression/trace_files/cat_write.scap",
    "falco-regression/trace_files/connect_localhost.scap",
    "falco-regression/trace_files/syscall.scap",
    "falco-regression/trace_files/ping_sendto.scap",
    "scap-samples/curl_google_comments.scap",
    "scap-samples/single_ipv6_conn.scap",
    "scap-samples/sample.scap",
]
PL_VERSION = {0x202: 1, 0x207: 2, 0x209: 3, 0x210: 4, 0x211: 5, 0x212: 6, 0x213: 7, 0x214: 8, 0x215: 9}
EVENTS = {0x204, 0x208, 0x216, 0x217, 0x221, 0x222}
KEEP_ENTRIES = 2
KEEP_FDLISTS = 3
KEEP_EVENTS = 12


def blocks(data):
    pos = 0
    while pos + 8 <= len(data):
        btype, blen = struct.unpack_from("<II", data, pos)
        yield btype, data[pos + 8 : pos + blen - 4]
        pos += blen


def frame(btype, body):
    pad = (-len(body)) % 4
    total = 8 + len(body) + pad + 4
    return struct.pack("<II", btype, total) + body + b"\0" * pad + struct.pack("<I", total)


def lstr_end(body, pos):
    (n,) = struct.unpack_from("<H", body, pos)
    return pos + 2 + n


def pl_entry_end(body, pos, v):
    if v == 9:
        return pos + struct.unpack_from("<I", body, pos)[0]
    pos += 24 + (8 if v >= 6 else 0) + (8 if v >= 8 else 0)
    pos = lstr_end(body, lstr_end(body, pos))  # comm, exe
    if v >= 7:
        pos = lstr_end(body, pos)  # exepath
    pos = lstr_end(body, lstr_end(body, pos))  # args, cwd
    pos += 8 + 12  # fdlimit, flags, uid, gid
    if v >= 2:
        pos += 12 + 16
    if v >= 3:
        pos = lstr_end(body, pos)
    if v >= 4:
        pos = lstr_end(body, pos + 16)
    if v >= 5:
        pos = lstr_end(body, pos)
    return pos


def il_entry_end(body, pos, v2):
    if v2:
        return pos + 4 + struct.unpack_from("<I", body, pos)[0]
    t, n = struct.unpack_from("<HH", body, pos)
    return pos + 4 + {1: 20, 2: 56, 3: 12, 4: 48}[t] + n


def ul_entry_end(body, pos, v2):
    if v2:
        return pos + struct.unpack_from("<I", body, pos)[0]
    if body[pos] == 0:
        return lstr_end(body, lstr_end(body, lstr_end(body, pos + 9)))
    return lstr_end(body, pos + 5)


def first_entries(body, start, entry_end):
    pos = start
    for _ in range(KEEP_ENTRIES):
        if len(body) - pos < 4:
            break
        pos = entry_end(body, pos)
    return body[:pos]


def seed(data):
    out, fdlists, events = b"", 0, 0
    for btype, body in blocks(data):
        if btype in PL_VERSION:
            v = PL_VERSION[btype]
            body = first_entries(body, 0, lambda b, p: pl_entry_end(b, p, v))
        elif btype in (0x205, 0x219):
            body = first_entries(body, 0, lambda b, p: il_entry_end(b, p, btype == 0x219))
        elif btype in (0x206, 0x220):
            body = first_entries(body, 0, lambda b, p: ul_entry_end(b, p, btype == 0x220))
        elif btype in (0x203, 0x218):
            fdlists += 1
            if fdlists > KEEP_FDLISTS:
                continue
        elif btype in EVENTS:
            events += 1
            if events > KEEP_EVENTS:
                break
        out += frame(btype, body)
    return out


def main():
    outdir = os.path.join(os.path.dirname(__file__), "seeds", "scap_reader")
    os.makedirs(outdir, exist_ok=True)
    for rel in CAPTURES:
        raw = open(os.path.join(SHARED, rel), "rb").read()
        if raw[:2] == b"\x1f\x8b":
            raw = gzip.decompress(raw)
        name = os.path.basename(rel).replace(".scap", "")
        cut = seed(raw)
        open(os.path.join(outdir, name + ".scap"), "wb").write(cut)
        print(f"{name}: {len(cut)} bytes", file=sys.stderr)
    # One gzip-wrapped seed for the decompression path.
    small = seed(gzip.decompress(open(os.path.join(SHARED, CAPTURES[3]), "rb").read()))
    open(os.path.join(outdir, "ping_sendto.scap.gz"), "wb").write(gzip.compress(small, mtime=0))


if __name__ == "__main__":
    main()
