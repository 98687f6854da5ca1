"""Named one-dimensional numpy arrays in one checksummed file, read back memory-mapped.

Layout: an 8-byte magic, the header length (8 bytes, little-endian), a JSON header (kind,
format version, the caller's description, each array's dtype, offset and length, the BLAKE2b
checksum of the body), then the body with every array aligned to 64 bytes. A file is written
beside its final name and renamed over it, so a reader never sees half a file.
"""

from __future__ import annotations

import hashlib
import json
import mmap
import os
from collections.abc import Iterator, Mapping
from pathlib import Path

import numpy as np
import numpy.typing as npt

MAGIC = b"BLARRAY1"
_ALIGN = 64
_CHECKSUM_CHUNK = 1 << 24


class ArrayFileError(ValueError):
    """A file that is missing, damaged, of another kind or of another format version."""


def _padding(position: int) -> int:
    return -position % _ALIGN


def write_arrays(
    path: Path,
    kind: str,
    version: int,
    arrays: Mapping[str, npt.NDArray[np.generic]],
    description: Mapping[str, object],
) -> None:
    layout: dict[str, dict[str, object]] = {}
    position = 0
    checksum = hashlib.blake2b(digest_size=32)
    contiguous: dict[str, npt.NDArray[np.generic]] = {}
    for name, array in arrays.items():
        if array.ndim != 1:
            raise ValueError(f"array {name!r} is not one-dimensional")
        contiguous[name] = np.ascontiguousarray(array)
        position += _padding(position)
        layout[name] = {"dtype": array.dtype.str, "offset": position, "count": len(array)}
        position += int(array.nbytes)
    # The header comes first but holds the checksum: one pass to sum, one to write.
    for data in _body_chunks(contiguous):
        checksum.update(data)
    header = json.dumps(
        {
            "kind": kind,
            "version": version,
            "description": dict(description),
            "arrays": layout,
            "body_bytes": position,
            "checksum": checksum.hexdigest(),
        },
        ensure_ascii=True,
    ).encode("ascii")
    header += b" " * _padding(len(MAGIC) + 8 + len(header))
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with temporary.open("wb") as handle:
            handle.write(MAGIC)
            handle.write(len(header).to_bytes(8, "little"))
            handle.write(header)
            for data in _body_chunks(contiguous):
                handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


def _body_chunks(arrays: Mapping[str, npt.NDArray[np.generic]]) -> Iterator[bytes | memoryview]:
    written = 0
    for array in arrays.values():
        pad = _padding(written)
        yield b"\0" * pad
        data = memoryview(array.view(np.uint8).data)
        yield data
        written += pad + len(data)


def read_arrays(path: Path, kind: str, version: int) -> tuple[dict[str, object], dict[str, npt.NDArray[np.generic]]]:
    """The description and arrays of a file `write_arrays` wrote, checked before use.

    The arrays are views on a read-only memory map of the file: pages are read on first touch
    and shared with the page cache (the checksum has touched them once already).
    """
    try:
        with path.open("rb") as handle:
            if handle.read(len(MAGIC)) != MAGIC:
                raise ArrayFileError(f"{path} is not an array file")
            header_length = int.from_bytes(handle.read(8), "little")
            header = json.loads(handle.read(header_length).decode("ascii"))
            mapped = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
    except FileNotFoundError:
        raise
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, ValueError) as exc:
        if isinstance(exc, ArrayFileError):
            raise
        raise ArrayFileError(f"{path} cannot be read: {exc}") from exc
    if not isinstance(header, dict) or header.get("kind") != kind:
        raise ArrayFileError(f"{path} does not hold a {kind}")
    if header.get("version") != version:
        raise ArrayFileError(f"{path} has format version {header.get('version')}, not {version}")
    start = len(MAGIC) + 8 + header_length
    body_bytes = header.get("body_bytes")
    if not isinstance(body_bytes, int) or start + body_bytes != len(mapped):
        raise ArrayFileError(f"{path} is truncated or has trailing bytes")
    checksum = hashlib.blake2b(digest_size=32)
    view = memoryview(mapped)
    for offset in range(start, len(mapped), _CHECKSUM_CHUNK):
        checksum.update(view[offset : min(offset + _CHECKSUM_CHUNK, len(mapped))])
    view.release()
    if checksum.hexdigest() != header.get("checksum"):
        raise ArrayFileError(f"{path} fails its checksum")
    arrays: dict[str, npt.NDArray[np.generic]] = {}
    layout = header.get("arrays")
    description = header.get("description")
    if not isinstance(layout, dict) or not isinstance(description, dict):
        raise ArrayFileError(f"{path} has no array layout")
    for name, place in layout.items():
        dtype = np.dtype(place["dtype"])
        count, offset = int(place["count"]), int(place["offset"])
        if offset < 0 or offset + count * dtype.itemsize > body_bytes:
            raise ArrayFileError(f"{path}: array {name!r} lies outside the file")
        arrays[name] = np.frombuffer(mapped, dtype=dtype, count=count, offset=start + offset)
    return description, arrays
