#!/usr/bin/env python3
"""Cuts the fuzz seed corpus from the project's own captures (`captures/`).

Each seed keeps one capture's section header, machine info, the first
entries of its interface, user and process lists, a few fd lists, and the
first event of every event code that no earlier seed has, re-framed: every
block version and event code our captures use is seeded once while each
seed stays a few KiB. One seed is also written gzip-wrapped. Nothing here
reads `/work/shared`: its data is never copied into the repository.
Run from this directory:

    python3 make_seeds.py
"""
import gzip
import os
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
CAPTURES_DIR = os.path.join(HERE, "..", "..", "captures")
# Most event codes first, so later captures add only what is new.
CAPTURES = [
    "curl-connects-local-http.scap",
    "shell-reads-shadow.scap",
    "write-below-etc.scap",
]
GZIPPED = "write-below-etc.scap"
PL_VERSION = {0x202: 1, 0x207: 2, 0x209: 3, 0x210: 4, 0x211: 5, 0x212: 6, 0x213: 7, 0x214: 8, 0x215: 9}
EVENTS = {0x204, 0x208, 0x216, 0x217, 0x221, 0x222}
KEEP_ENTRIES = 2
KEEP_FDLISTS = 3


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


def event_code(btype, body):
    # cpu id (u16), dump flags (u32) in EVF blocks, then ts, tid, len, type.
    # V1 and V2 headers both have the type at byte 20.
    at = 2 + (4 if btype in (0x208, 0x217, 0x222) else 0) + 20
    return struct.unpack_from("<H", body, at)[0]


def seed(data, seen):
    """Cuts `data`; `seen` holds the event codes earlier seeds already have."""
    out, fdlists = b"", 0
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
            code = event_code(btype, body)
            if code in seen:
                continue
            seen.add(code)
        out += frame(btype, body)
    return out


def main():
    outdir = os.path.join(HERE, "seeds", "scap_reader")
    os.makedirs(outdir, exist_ok=True)
    seen = set()
    for name in CAPTURES:
        cut = seed(open(os.path.join(CAPTURES_DIR, name), "rb").read(), seen)
        open(os.path.join(outdir, name), "wb").write(cut)
        print(f"{name}: {len(cut)} bytes", file=sys.stderr)
        if name == GZIPPED:
            # The decompression path; mtime 0 keeps the bytes reproducible.
            packed = gzip.compress(cut, mtime=0)
            open(os.path.join(outdir, name + ".gz"), "wb").write(packed)


if __name__ == "__main__":
    main()
