"""The names of a watchlist, stored once per distinct rendering and compared once per query.

Entries share name sets (common names are spelt alike by many entries), and names share
renderings (NGUYEN VAN AN and Nguyen Van An render alike). A query compares each distinct
rendering among its candidates once; the spelling as written only shows in the explanation.
"""

from __future__ import annotations

from array import array
from collections.abc import Mapping
from dataclasses import replace

import numpy as np
import numpy.typing as npt

from borderlink.matching.columns import TextColumn, TextColumnBuilder
from borderlink.matching.render import NameForms
from borderlink.matching.scoring import NameAgreement, best_name_agreement

# Readings kept per name and reading system; further polyphonic readings rank below anyway.
STORED_READINGS = 4
_FIELD_SEPARATOR = "\x1f"
_SET_SEPARATOR = "\x1e"
_CONTROL = dict.fromkeys(range(32), " ")
_NO_AGREEMENT = NameAgreement(0.0, "none", "", "", "", "")


def encode_renderings(forms: NameForms) -> str:
    return _FIELD_SEPARATOR.join(
        (
            forms.han,
            "|".join(" ".join(sequence) for sequence in forms.pinyin[:STORED_READINGS]),
            "|".join(" ".join(sequence) for sequence in forms.han_viet[:STORED_READINGS]),
            " ".join(forms.latin),
        )
    )


def decode_renderings(encoded: str, original: str = "") -> NameForms:
    han, pinyin, han_viet, latin = encoded.split(_FIELD_SEPARATOR)
    return NameForms(
        original=original,
        han=han,
        pinyin=tuple(tuple(part.split(" ")) for part in pinyin.split("|")) if pinyin else (),
        han_viet=tuple(tuple(part.split(" ")) for part in han_viet.split("|")) if han_viet else (),
        latin=tuple(latin.split(" ")) if latin else (),
        from_characters=bool(han),
    )


class NameSets:
    """Name sets in compressed rows: a set's names, each a spelling and a rendering."""

    __slots__ = ("_name_rendering", "_originals", "_renderings", "_set_offsets")

    def __init__(
        self,
        set_offsets: npt.NDArray[np.int64],
        name_rendering: npt.NDArray[np.int32],
        originals: TextColumn,
        renderings: TextColumn,
    ) -> None:
        self._set_offsets = set_offsets
        self._name_rendering = name_rendering
        self._originals = originals
        self._renderings = renderings

    def __len__(self) -> int:
        return len(self._set_offsets) - 1

    @property
    def nbytes(self) -> int:
        arrays = int(self._set_offsets.nbytes + self._name_rendering.nbytes)
        return arrays + self._originals.nbytes + self._renderings.nbytes

    def arrays(self, prefix: str) -> dict[str, npt.NDArray[np.generic]]:
        arrays: dict[str, npt.NDArray[np.generic]] = {
            f"{prefix}.set_offsets": self._set_offsets,
            f"{prefix}.name_rendering": self._name_rendering,
        }
        arrays.update(self._originals.arrays(f"{prefix}.originals"))
        arrays.update(self._renderings.arrays(f"{prefix}.renderings"))
        return arrays

    @classmethod
    def from_arrays(cls, arrays: Mapping[str, npt.NDArray[np.generic]], prefix: str) -> NameSets:
        set_offsets = np.asarray(arrays[f"{prefix}.set_offsets"], dtype=np.int64)
        name_rendering = np.asarray(arrays[f"{prefix}.name_rendering"], dtype=np.int32)
        originals = TextColumn.from_arrays(arrays, f"{prefix}.originals")
        renderings = TextColumn.from_arrays(arrays, f"{prefix}.renderings")
        if (
            len(set_offsets) == 0
            or int(set_offsets[-1]) != len(name_rendering)
            or len(originals) != len(name_rendering)
        ):
            raise ValueError("name set arrays do not fit together")
        return cls(set_offsets, name_rendering, originals, renderings)

    def compare(self, query_names: tuple[NameForms, ...], sets: npt.NDArray[np.int64]) -> SetAgreements:
        """How well each of the distinct `sets` agrees with the query's names."""
        starts = self._set_offsets[sets]
        counts = self._set_offsets[sets + 1] - starts
        firsts = np.cumsum(counts) - counts
        names = np.repeat(starts - firsts, counts) + np.arange(int(counts.sum()), dtype=np.int64)
        distinct, rendering_of = np.unique(self._name_rendering[names], return_inverse=True)
        agreements = [
            best_name_agreement(query_names, (decode_renderings(self._renderings.text(rendering)),))
            for rendering in distinct.tolist()
        ]
        name_scores = np.fromiter((a.score for a in agreements), dtype=np.float64, count=len(agreements))[rendering_of]
        set_scores = np.zeros(len(sets), dtype=np.float64)
        named = counts > 0
        if len(names):
            set_scores[named] = np.maximum.reduceat(name_scores, firsts[named])
        return SetAgreements(self._originals, set_scores, names, firsts, counts, name_scores, agreements, rendering_of)


class SetAgreements:
    """The result of `NameSets.compare`: a score per set, and the agreement behind it on demand."""

    __slots__ = ("_agreements", "_counts", "_firsts", "_name_scores", "_names", "_originals", "_rendering_of", "scores")

    def __init__(
        self,
        originals: TextColumn,
        scores: npt.NDArray[np.float64],
        names: npt.NDArray[np.int64],
        firsts: npt.NDArray[np.int64],
        counts: npt.NDArray[np.int64],
        name_scores: npt.NDArray[np.float64],
        agreements: list[NameAgreement],
        rendering_of: npt.NDArray[np.intp],
    ) -> None:
        self._originals = originals
        self.scores = scores
        self._names = names
        self._firsts = firsts
        self._counts = counts
        self._name_scores = name_scores
        self._agreements = agreements
        self._rendering_of = rendering_of

    def best(self, index: int) -> NameAgreement:
        """The agreement of the `index`-th set's first best-agreeing name, as it was written."""
        if self._counts[index] == 0:
            return _NO_AGREEMENT
        first = int(self._firsts[index])
        row = first + int(np.argmax(self._name_scores[first : first + int(self._counts[index])]))
        agreement = self._agreements[int(self._rendering_of[row])]
        if agreement.score <= 0.0:
            return _NO_AGREEMENT
        original = self._originals.text(int(self._names[row]))
        return agreement if agreement.entry_name == original else replace(agreement, entry_name=original)


class NameSetsBuilder:
    """Collects name sets, each distinct set and rendering stored once."""

    __slots__ = ("_name_rendering", "_originals", "_rendering_ids", "_renderings", "_set_ids", "_set_offsets")

    def __init__(self) -> None:
        self._set_ids: dict[str, int] = {}
        self._rendering_ids: dict[str, int] = {}
        self._set_offsets = array("q", [0])
        self._name_rendering = array("i")
        self._originals = TextColumnBuilder()
        self._renderings = TextColumnBuilder()

    def add(self, names: tuple[NameForms, ...]) -> int:
        """Files a name set and returns its number; an identical set gets the same number."""
        written = tuple(forms.original.translate(_CONTROL) for forms in names)
        encoded = tuple(encode_renderings(forms) for forms in names)
        key = _SET_SEPARATOR.join(written + encoded)
        number = self._set_ids.get(key)
        if number is not None:
            return number
        for original, rendering in zip(written, encoded, strict=True):
            rendering_id = self._rendering_ids.get(rendering)
            if rendering_id is None:
                rendering_id = self._rendering_ids[rendering] = self._renderings.append(rendering)
            self._name_rendering.append(rendering_id)
            self._originals.append(original)
        self._set_offsets.append(len(self._name_rendering))
        number = self._set_ids[key] = len(self._set_offsets) - 2
        return number

    def finish(self) -> NameSets:
        self._set_ids.clear()
        self._rendering_ids.clear()
        return NameSets(
            np.frombuffer(self._set_offsets, dtype=np.int64).copy(),
            np.frombuffer(self._name_rendering, dtype=np.int32).copy()
            if len(self._name_rendering)
            else np.zeros(0, dtype=np.int32),
            self._originals.finish(),
            self._renderings.finish(),
        )
