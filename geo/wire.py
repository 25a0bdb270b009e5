"""The protobuf wire format, as much of it as vector tiles need, vectorised.

Varints, zigzag and length-delimited fields (see the protobuf encoding guide), plus
``gather``, which concatenates many byte ranges of one array without a Python loop.
"""

from __future__ import annotations

import numpy as np


def varint(value: int) -> bytes:
    """One unsigned varint."""
    if value < 0x80:
        return bytes((value,))
    out = bytearray()
    while value >= 0x80:
        out.append((value & 0x7F) | 0x80)
        value >>= 7
    out.append(value)
    return bytes(out)


def field(number: int, payload: bytes) -> bytes:
    """A length-delimited field (wire type 2): key, length, payload."""
    return varint(number << 3 | 2) + varint(len(payload)) + payload


def varints(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Varint-encode non-negative integers, all at once.

    Args:
        values: integers in 0..2**64 - 1.

    Returns:
        The bytes (uint8, back to back) and how many bytes each value took.
    """
    v = np.asarray(values).astype(np.uint64)
    nbytes = np.ones(len(v), dtype=np.int64)
    if not len(v):
        return np.zeros(0, dtype=np.uint8), nbytes
    top = int(v.max())
    width = 1
    while width < 10 and top >= 1 << (7 * width):
        nbytes += v >= np.uint64(1 << (7 * width))
        width += 1
    if width == 1:
        return v.astype(np.uint8), nbytes
    groups = np.empty((len(v), width), dtype=np.uint8)
    for k in range(width):
        more = (nbytes > k + 1).astype(np.uint8) << 7
        groups[:, k] = ((v >> np.uint64(7 * k)) & np.uint64(0x7F)).astype(np.uint8)
        groups[:, k] |= more
    return groups[np.arange(width) < nbytes[:, None]], nbytes


def zigzag(values: np.ndarray) -> np.ndarray:
    """Zigzag-encode signed 64-bit integers (0, -1, 1, -2 → 0, 1, 2, 3)."""
    v = np.asarray(values, dtype=np.int64)
    return (v << 1) ^ (v >> 63)


def gather(src: np.ndarray, starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """``src[starts[i]:starts[i] + lengths[i]]`` for every i, concatenated."""
    lengths = np.asarray(lengths, dtype=np.int64)
    out_starts = np.cumsum(lengths) - lengths
    shift = np.repeat(np.asarray(starts, dtype=np.int64) - out_starts, lengths)
    return src[np.arange(int(lengths.sum()), dtype=np.int64) + shift]
