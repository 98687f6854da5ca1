"""Blocking keys: names filed and looked up in a shared phonetic space."""

from __future__ import annotations

import hashlib
from array import array
from collections.abc import Iterable, Mapping
from functools import lru_cache

import numpy as np
import numpy.typing as npt

from borderlink.matching.readings import han_viet_to_pinyin, pinyin_to_han_viet
from borderlink.matching.render import NameForms, han_viet_key

# Projected readings of a Latin name into the other reading system, most probable first: the
# watchlist files a few, a query looks up more.
ENTRY_PROJECTIONS = 8
QUERY_PROJECTIONS = 64


def _sorted_key(prefix: str, syllables: Iterable[str]) -> str:
    # Sorting the syllables makes the key blind to family-first / given-first order.
    return prefix + " ".join(sorted(syllables))


def direct_keys(forms: NameForms) -> list[str]:
    keys = [_sorted_key("p", sequence) for sequence in forms.pinyin]
    keys.extend(_sorted_key("v", map(han_viet_key, sequence)) for sequence in forms.han_viet)
    if not keys and forms.latin:
        keys.append(_sorted_key("l", forms.latin))
    return keys


def projected_keys(forms: NameForms, limit: int) -> list[str]:
    """Keys of the likeliest readings in the other system of a name written without characters.

    Both the watchlist and the query side project, so a Pinyin ↔ Hán-Việt pair is found when
    either side's guesses include the other's spelling.
    """
    if forms.from_characters:
        return []
    keys: list[str] = []
    for sequence in forms.pinyin[:2]:
        keys.extend(_projected_han_viet_keys(sequence, limit))
    for sequence in forms.han_viet[:2]:
        folded = tuple(han_viet_key(syllable) for syllable in sequence)
        keys.extend(_sorted_key("p", projected) for projected in han_viet_to_pinyin(folded, limit))
    return keys


@lru_cache(maxsize=20_000)
def _projected_han_viet_keys(sequence: tuple[str, ...], limit: int) -> tuple[str, ...]:
    projections = pinyin_to_han_viet(sequence, limit)
    return tuple(_sorted_key("v", map(han_viet_key, projected)) for projected in projections)


def entry_keys(forms: NameForms) -> set[str]:
    """Blocking keys under which a watchlist name is filed."""
    return set(direct_keys(forms)) | set(projected_keys(forms, ENTRY_PROJECTIONS))


def query_keys(forms: NameForms) -> list[str]:
    """Keys to look up for a query, direct renderings first, then cross-script projections."""
    keys = direct_keys(forms)
    if forms.latin:
        keys.append(_sorted_key("l", forms.latin))
    keys.extend(projected_keys(forms, QUERY_PROJECTIONS))
    return list(dict.fromkeys(keys))


_NO_POSITIONS: npt.NDArray[np.int32] = np.zeros(0, dtype=np.int32)


def stable_key_hash(key: str) -> int:
    """A 64-bit key hash that, unlike `hash`, is the same in every process (for saved indexes)."""
    digest = hashlib.blake2b(key.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "little", signed=True)


class KeyTable:
    """Entry positions filed under each key hash, as compressed rows: one row per distinct key.

    Only the distinct hashes are searched, and they are searched in sorted order, so a lookup
    touches few cache lines even when the table is far larger than the processor's caches.
    """

    __slots__ = ("_hashes", "_offsets", "_positions")

    def __init__(
        self,
        hashes: npt.NDArray[np.int64],
        offsets: npt.NDArray[np.int64],
        positions: npt.NDArray[np.int32],
    ) -> None:
        self._hashes = hashes
        self._offsets = offsets
        self._positions = positions

    @classmethod
    def build(cls, key_hashes: array[int], positions: array[int]) -> KeyTable:
        """`key_hashes[i]` files `positions[i]`; positions stay in filing order within a key."""
        hashes = np.frombuffer(key_hashes, dtype=np.int64) if len(key_hashes) else np.zeros(0, dtype=np.int64)
        filed = np.frombuffer(positions, dtype=np.int32) if len(positions) else _NO_POSITIONS
        if len(hashes) != len(filed):
            raise ValueError("every key hash needs one position")
        order = np.argsort(hashes, kind="stable")
        ordered = hashes[order]
        row_starts = np.flatnonzero(np.concatenate(([True], ordered[1:] != ordered[:-1]))) if len(ordered) else order
        offsets = np.append(row_starts, len(ordered)).astype(np.int64)
        return cls(ordered[row_starts].copy(), offsets, filed[order].astype(np.int32))

    def arrays(self, prefix: str) -> dict[str, npt.NDArray[np.generic]]:
        return {
            f"{prefix}.hashes": self._hashes,
            f"{prefix}.offsets": self._offsets,
            f"{prefix}.positions": self._positions,
        }

    @classmethod
    def from_arrays(cls, arrays: Mapping[str, npt.NDArray[np.generic]], prefix: str) -> KeyTable:
        hashes = np.asarray(arrays[f"{prefix}.hashes"], dtype=np.int64)
        offsets = np.asarray(arrays[f"{prefix}.offsets"], dtype=np.int64)
        positions = np.asarray(arrays[f"{prefix}.positions"], dtype=np.int32)
        if len(offsets) != len(hashes) + 1 or (len(offsets) and int(offsets[-1]) != len(positions)):
            raise ValueError("key table arrays do not fit together")
        return cls(hashes, offsets, positions)

    @property
    def key_count(self) -> int:
        return len(self._hashes)

    @property
    def nbytes(self) -> int:
        return int(self._hashes.nbytes + self._offsets.nbytes + self._positions.nbytes)

    def lookup(self, wanted: npt.NDArray[np.int64]) -> npt.NDArray[np.int32]:
        """Positions filed under any of the `wanted` hashes, each once, in position order."""
        return distinct_positions(self.filed(wanted))

    def lookup_in_key_order(self, wanted: npt.NDArray[np.int64]) -> npt.NDArray[np.int32]:
        """As `lookup`, but in the order of the first of `wanted` that found each position."""
        return distinct_positions_in_order(self.filed(wanted))

    def filed(self, wanted: npt.NDArray[np.int64]) -> npt.NDArray[np.int32]:
        """Positions filed under the `wanted` hashes, key after key, repeats included."""
        if len(wanted) == 0 or len(self._hashes) == 0:
            return _NO_POSITIONS
        order = np.argsort(wanted, kind="stable")
        rows = np.empty(len(wanted), dtype=np.int64)
        rows[order] = np.searchsorted(self._hashes, wanted[order])
        np.minimum(rows, len(self._hashes) - 1, out=rows)
        rows = rows[self._hashes[rows] == wanted]
        starts = self._offsets[rows]
        lengths = self._offsets[rows + 1] - starts
        total = int(lengths.sum())
        if total == 0:
            return _NO_POSITIONS
        # All rows at once: each output slot reads its row's start plus its rank in the row.
        shift = np.repeat(starts - (np.cumsum(lengths) - lengths), lengths)
        return self._positions[shift + np.arange(total, dtype=np.int64)]


def distinct_positions(filed: npt.NDArray[np.int32]) -> npt.NDArray[np.int32]:
    """Each position once, in position order (a sort and a mask: faster than `np.unique`)."""
    ordered = np.sort(filed)
    return ordered[_first_of_runs(ordered)]


def distinct_positions_in_order(filed: npt.NDArray[np.int32]) -> npt.NDArray[np.int32]:
    """Each position once, where it first appears."""
    order = np.argsort(filed, kind="stable")
    return filed[np.sort(order[_first_of_runs(filed[order])])]


def _first_of_runs(ordered: npt.NDArray[np.int32]) -> npt.NDArray[np.bool_]:
    """Marks the first of each run of equal values in a sorted array."""
    first = np.ones(len(ordered), dtype=np.bool_)
    np.not_equal(ordered[1:], ordered[:-1], out=first[1:])
    return first
