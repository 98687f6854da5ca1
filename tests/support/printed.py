"""Reading a printed record's PDF in tests, without a PDF library: the objects with their streams
unpacked, and the document title WeasyPrint writes from the page's <title>."""

from __future__ import annotations

import re
import zlib


def pdf_objects(pdf: bytes) -> bytes:
    """The PDF's objects with their streams unpacked (fonts are named inside object streams). Each
    stream is inflated from its start to the end of its zlib data, so bytes inside a compressed
    stream that look like "endstream" cannot cut it short."""
    unpacked = [pdf]
    for start in re.finditer(rb"stream\r?\n", pdf):
        try:
            unpacked.append(zlib.decompressobj().decompress(pdf[start.end():]))
        except zlib.error:
            continue
    return b"\n".join(unpacked)


def pdf_title(pdf: bytes) -> str:
    """The document's title (written as UTF-16 in a hex string when it is not plain ASCII)."""
    objects = pdf_objects(pdf)
    found = re.search(rb"/Title\s*<(?:feff|FEFF)([0-9a-fA-F]+)>", objects)
    if found:
        return bytes.fromhex(found.group(1).decode()).decode("utf-16-be")
    plain = re.search(rb"/Title\s*\((.*?)\)", objects)
    assert plain, "the PDF names no title"
    return plain.group(1).decode("latin-1")
