"""Sketches of text for finding shared paragraphs in linear time: MinHash and banded LSH.

Why our own and not datasketch: datasketch's MinHash needs numpy and scipy (about 60 MB of
wheels, and `import numpy` alone costs ~75 ms here — the linter's start-up budget has no room
for it, and `check` must never import it), and it computes one hash per shingle and
permutation. We need only signatures of Chinese paragraphs and their band keys, so this is:

- one-permutation MinHash (Li, Owen and Zhang 2012) with rotation densification (Shrivastava
  and Li 2014): each character shingle is hashed once (crc32, stable across processes —
  Python's hash() is salted per process, so workers and Ray nodes would disagree); the
  hash's top bits pick one of BINS bins and each bin keeps its minimum; an empty bin borrows
  from the next non-empty one;
- b-bit minwise hashing (Li and König 2010): each bin keeps only 16 bits of its minimum, so a
  signature is 128 bytes; two texts' share of equal bins estimates their Jaccard similarity
  (an accidental 16-bit match has probability 2^-16: negligible);
- banded LSH: BANDS bands of ROWS bins; two paragraphs are compared only if some band is
  equal (the band's 8 bytes are the bucket key). P(compared) = 1-(1-s^4)^16: 0.999 at
  s = 0.85, 0.64 at s = 0.5, 0.12 at s = 0.3. Never all pairs.

The index (`Index`) holds only signatures, packed in one bytearray, and the owner of each:
about 136 bytes per paragraph, whatever the length of the text.
"""

from __future__ import annotations

import re
import zlib
from array import array

BINS = 64  # signature length
ROWS = 4  # bins per band
SHINGLE = 5  # characters per shingle
WIDTH = 2 * BINS  # bytes per signature (16 bits per bin)
_M64 = (1 << 64) - 1
_MIX = 0x9E3779B97F4A7C15  # spreads crc32's 32 bits over 64 (Fibonacci hashing)
_SHIFT = 58  # 64 - log2(BINS): the top bits pick the bin
_VALUE = (1 << _SHIFT) - 1
_EMPTY = _VALUE + 1

# What a comparison ignores: spacing, punctuation and the digits' values (a paragraph copied
# from last year with this year's numbers is still copied).
_DROP = re.compile(r"[\s\u3000,，.。、;；:：!！?？\"“”'‘’()（）《》〈〉【】\[\]<>·…—\-_/|*#]+")
_DIGITS = re.compile(r"[0-9０-９]+")


def normalise(text: str) -> str:
    return _DIGITS.sub("0", _DROP.sub("", text))


def signature(text: str, normalised: bool = False) -> bytes:
    """The MinHash signature of `text` (BINS 16-bit values, WIDTH bytes), or b"" when it is
    too short to have a shingle."""
    t = text if normalised else normalise(text)
    n = len(t) - SHINGLE + 1
    if n <= 0:
        return b""
    data = t.encode("utf-32-le")  # 4 bytes per character: shingle k is data[4k:4k+4*SHINGLE]
    width = 4 * SHINGLE
    crc = zlib.crc32
    sig = [_EMPTY] * BINS
    for k in range(0, 4 * n, 4):
        h = (crc(data[k:k + width]) * _MIX) & _M64
        b = h >> _SHIFT
        v = h & _VALUE
        if v < sig[b]:
            sig[b] = v
    if _EMPTY in sig:  # densification: an empty bin takes the next non-empty bin's value, marked by the distance
        filled = [i for i, v in enumerate(sig) if v != _EMPTY]
        out = list(sig)
        for i, v in enumerate(sig):
            if v == _EMPTY:
                j = next((f for f in filled if f > i), filled[0])
                out[i] = (sig[j] + ((j - i) % BINS) * 0x51ED27) & _VALUE
        sig = out
    # 16 bits of each minimum (b-bit minwise hashing): the low bits of a mixed hash
    return array("H", [(v ^ (v >> 29)) & 0xFFFF for v in sig]).tobytes()


def similarity(a: bytes, b: bytes) -> float:
    """Estimated Jaccard similarity of two signatures' texts (share of equal bins)."""
    if len(a) != WIDTH or len(b) != WIDTH:
        return 0.0
    x = int.from_bytes(a, "little") ^ int.from_bytes(b, "little")
    return array("H", x.to_bytes(WIDTH, "little")).count(0) / BINS


def bands() -> int:
    return BINS // ROWS


class Index:
    """Signatures of many paragraphs, packed: one bytearray and one array of owners."""

    def __init__(self) -> None:
        self.blob = bytearray()
        self.owners = array("I")

    def add(self, sig: bytes, owner: int) -> int:
        """Add a signature (of `owner`, e.g. a report's number); its number in the index."""
        if len(sig) != WIDTH:
            raise ValueError("not a signature")
        self.blob += sig
        self.owners.append(owner)
        return len(self.owners) - 1

    def __len__(self) -> int:
        return len(self.owners)

    def signature(self, i: int) -> bytes:
        return bytes(self.blob[i * WIDTH:(i + 1) * WIDTH])

    def similarity(self, i: int, j: int) -> float:
        blob = self.blob
        a = int.from_bytes(blob[i * WIDTH:(i + 1) * WIDTH], "little")
        b = int.from_bytes(blob[j * WIDTH:(j + 1) * WIDTH], "little")
        # equal bins are the zero 16-bit lanes of a XOR b (counted in C)
        return array("H", (a ^ b).to_bytes(WIDTH, "little")).count(0) / BINS

    def candidate_pairs(self, band: int | None = None) -> tuple[set[tuple[int, int]], set[int]]:
        return candidate_pairs(bytes(self.blob), self.owners, band)

    def bands(self):
        """band_groups of every band, one after the other (the local engine's blocking)."""
        for j in range(bands()):
            yield band_groups(self.blob, self.owners, j)  # (read in place: no copy of the signatures)


# A bucket holding more paragraphs than this is a phrase a great many reports share (a
# template's sentence): no pairs are made of it — its paragraphs are returned as `crowded`,
# and the rule counts them among the common phrases. This also bounds the work: each
# paragraph is in BANDS buckets of at most MAX_BUCKET members, so there are at most
# BANDS * MAX_BUCKET candidates per paragraph — linear in the collection.
MAX_BUCKET = 24


def band_groups(blob: bytes, owners, band: int) -> tuple[list[list[int]], list[int]]:
    """The buckets of one band: (each bucket of 2 to MAX_BUCKET signatures of at least two
    owners, as a list of their numbers; the signatures of the crowded buckets). Memory: the
    band's bucket keys, then lists no longer than the number of signatures."""
    step = 2 * ROWS
    n = len(owners)
    view = memoryview(blob)
    from_bytes = int.from_bytes
    buckets: dict[int, object] = {}  # one int (a paragraph alone in its bucket: most) or a list
    lo = band * step
    for i in range(n):
        base = i * WIDTH + lo
        key = from_bytes(view[base:base + step], "little")
        got = buckets.get(key)
        if got is None:
            buckets[key] = i
        elif type(got) is int:
            buckets[key] = [got, i]
        else:
            got.append(i)
    groups: list[list[int]] = []
    crowded: list[int] = []
    for members in buckets.values():
        if type(members) is int:
            continue
        if len(members) > MAX_BUCKET:
            crowded.extend(members)
        elif any(owners[m] != owners[members[0]] for m in members):
            groups.append(members)
    return groups, crowded


def candidate_pairs(blob: bytes, owners, band: int | None = None) -> tuple[set[tuple[int, int]], set[int]]:
    """(pairs (i, j), i < j, of signatures that share a bucket in some band — or in `band`
    only — and have different owners; the signatures found in a crowded bucket)."""
    pairs: set[tuple[int, int]] = set()
    crowded: set[int] = set()
    for j in range(bands()) if band is None else (band,):
        groups, crowd = band_groups(blob, owners, j)
        crowded.update(crowd)
        for g in groups:
            for x in range(len(g)):
                for y in range(x + 1, len(g)):
                    if owners[g[x]] != owners[g[y]]:
                        pairs.add((g[x], g[y]))
    return pairs, crowded
