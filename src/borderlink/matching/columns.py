"""Column storage for a large watchlist without a Python object per entry.

A forked worker that touches a Python object writes its reference count, which copies the page
the object lives on; a million ids or names as objects would be copied page by page into every
worker. Kept in one buffer each, they are shared for as long as the workers live.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Mapping

import numpy as np
import numpy.typing as npt


class TextColumn:
    """Strings stored back to back as UTF-8, found through an offsets array."""

    __slots__ = ("_data", "_offsets")

    def __init__(self, data: bytes = b"", offsets: npt.NDArray[np.int64] | None = None) -> None:
        self._data = data
        self._offsets = offsets if offsets is not None else np.zeros(1, dtype=np.int64)

    def __len__(self) -> int:
        return len(self._offsets) - 1

    def raw(self, row: int) -> bytes:
        if not 0 <= row < len(self):
            raise IndexError(f"row {row} is outside a column of {len(self)}")
        return self._data[int(self._offsets[row]) : int(self._offsets[row + 1])]

    def text(self, row: int) -> str:
        return self.raw(row).decode("utf-8")

    @property
    def nbytes(self) -> int:
        return len(self._data) + int(self._offsets.nbytes)

    def arrays(self, prefix: str) -> dict[str, npt.NDArray[np.generic]]:
        return {f"{prefix}.data": np.frombuffer(self._data, dtype=np.uint8), f"{prefix}.offsets": self._offsets}

    @classmethod
    def from_arrays(cls, arrays: Mapping[str, npt.NDArray[np.generic]], prefix: str) -> TextColumn:
        # The text is copied out: slicing bytes is what `raw` relies on, and text is a small part.
        data = np.asarray(arrays[f"{prefix}.data"], dtype=np.uint8).tobytes()
        offsets = np.asarray(arrays[f"{prefix}.offsets"], dtype=np.int64)
        if len(offsets) == 0 or int(offsets[-1]) != len(data) or int(offsets[0]) != 0:
            raise ValueError(f"text column {prefix!r} does not fit its offsets")
        return cls(data, offsets)


class TextColumnBuilder:
    """Appends strings, then hands over an immutable `TextColumn`."""

    __slots__ = ("_data", "_offsets")

    def __init__(self) -> None:
        self._data = bytearray()
        self._offsets = array("q", [0])

    def __len__(self) -> int:
        return len(self._offsets) - 1

    @classmethod
    def of(cls, values: Iterable[str]) -> TextColumn:
        builder = cls()
        for value in values:
            builder.append(value)
        return builder.finish()

    def append(self, value: str | bytes) -> int:
        """Adds `value` and returns its row."""
        self._data += value.encode("utf-8") if isinstance(value, str) else value
        self._offsets.append(len(self._data))
        return len(self._offsets) - 2

    def finish(self) -> TextColumn:
        offsets = np.frombuffer(self._offsets, dtype=np.int64).copy()
        column = TextColumn(bytes(self._data), offsets)
        self._data = bytearray()
        self._offsets = array("q", [0])
        return column
