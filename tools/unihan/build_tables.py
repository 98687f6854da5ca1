"""Build the compact reading tables of `borderlink.matching` from the Unicode Unihan database.

Usage: python tools/unihan/build_tables.py [UNIHAN_DIR] [OUTPUT_DIR]

UNIHAN_DIR holds Unihan_Readings.txt and Unihan_Variants.txt (plain, .bz2 or inside Unihan.zip);
Debian's `unicode-data` package installs them under /usr/share/unicode. The outputs are small
gzip'd TSV files committed in src/borderlink/matching/data/, so running the library never needs
the Unihan files.
"""

from __future__ import annotations

import bz2
import gzip
import io
import math
import re
import sys
import unicodedata
import zipfile
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

DEFAULT_UNIHAN_DIR = Path("/usr/share/unicode")
DEFAULT_OUTPUT_DIR = Path(__file__).resolve().parents[2] / "src/borderlink/matching/data"
CURATED_HAN_VIET = Path(__file__).resolve().parent / "han_viet_names.tsv"

FINAL_Y = re.compile(r"^(ngh|ng|nh|ch|gh|kh|ph|qu|th|tr|[bcdghklmnprstvx])y$")


def open_unihan_file(directory: Path, name: str) -> io.TextIOBase:
    plain = directory / name
    if plain.exists():
        return open(plain, encoding="utf-8")
    compressed = directory / f"{name}.bz2"
    if compressed.exists():
        return io.TextIOWrapper(bz2.open(compressed), encoding="utf-8")
    archive = directory / "Unihan.zip"
    if archive.exists():
        return io.TextIOWrapper(zipfile.ZipFile(archive).open(name), encoding="utf-8")
    raise SystemExit(f"{name} not found in {directory}")


def unihan_fields(directory: Path, name: str, wanted: set[str]) -> Iterator[tuple[str, str, str]]:
    with open_unihan_file(directory, name) as lines:
        for line in lines:
            if line.startswith("#") or not line.strip():
                continue
            codepoint, field, value = line.rstrip("\n").split("\t", 2)
            if field in wanted:
                yield chr(int(codepoint[2:], 16)), field, value


def toneless_pinyin(syllable: str) -> str:
    decomposed = unicodedata.normalize("NFD", syllable.lower())
    decomposed = decomposed.replace("u\u0308", "v")
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def fold_vietnamese(syllable: str) -> str:
    """ASCII form as the matcher folds it, final -y after a consonant spelt -i (lý → li)."""
    decomposed = unicodedata.normalize("NFD", syllable.lower().replace("đ", "d"))
    folded = "".join(c for c in decomposed if not unicodedata.combining(c))
    return FINAL_Y.sub(r"\1i", folded)


def open_output(path: Path) -> io.TextIOWrapper:
    """A gzip text file without a timestamp, so rebuilding unchanged data gives identical bytes."""
    raw = gzip.GzipFile(filename="", mode="wb", fileobj=open(path, "wb"), mtime=0)  # noqa: SIM115
    return io.TextIOWrapper(raw, encoding="utf-8")


def curated_han_viet() -> dict[str, list[str]]:
    readings: dict[str, list[str]] = defaultdict(list)
    for line in CURATED_HAN_VIET.read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or not line.strip():
            continue
        char, values = line.split("\t")
        for value in values.split():
            reading = unicodedata.normalize("NFC", value)
            if reading not in readings[char]:
                readings[char].append(reading)
    return readings


def main() -> None:
    unihan_dir = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_UNIHAN_DIR
    output_dir = Path(sys.argv[2]) if len(sys.argv) > 2 else DEFAULT_OUTPUT_DIR

    mandarin: dict[str, list[str]] = defaultdict(list)
    secondary_pinyin: dict[str, list[str]] = defaultdict(list)
    frequency: dict[str, int] = {}
    common_pinyin: dict[str, list[str]] = defaultdict(list)
    vietnamese: dict[str, list[str]] = {}
    readings_fields = {"kMandarin", "kHanyuPinyin", "kHanyuPinlu", "kVietnamese"}
    for char, field, value in unihan_fields(unihan_dir, "Unihan_Readings.txt", readings_fields):
        if field == "kMandarin":
            mandarin[char].extend(toneless_pinyin(v) for v in value.split())
        elif field == "kHanyuPinyin":
            for entry in value.split():
                readings = entry.split(":")[1].split(",")
                secondary_pinyin[char].extend(toneless_pinyin(v) for v in readings)
        elif field == "kHanyuPinlu":
            frequency[char] = sum(int(part.split("(")[1].rstrip(")")) for part in value.split())
            common_pinyin[char].extend(toneless_pinyin(part.split("(")[0]) for part in value.split())
        else:
            vietnamese[char] = [unicodedata.normalize("NFC", v.lower()) for v in value.split()]

    to_simplified: dict[str, str] = {}
    to_traditional: dict[str, list[str]] = defaultdict(list)
    variant_fields = {"kSimplifiedVariant", "kTraditionalVariant"}
    for char, field, value in unihan_fields(unihan_dir, "Unihan_Variants.txt", variant_fields):
        targets = [chr(int(v.split("<")[0][2:], 16)) for v in value.split()]
        if field == "kSimplifiedVariant":
            target = next((t for t in targets if t != char), None)
            if target is not None:
                to_simplified.setdefault(char, target)
        else:
            to_traditional[char].extend(t for t in targets if t != char)

    curated = curated_han_viet()
    # Simplified characters rarely carry kVietnamese themselves: borrow their traditional forms'.
    han_viet: dict[str, list[str]] = {}
    for char in set(vietnamese) | set(to_traditional) | set(curated):
        merged: list[str] = list(curated.get(char, []))
        merged.extend(r for r in vietnamese.get(char, []) if r not in merged)
        for traditional in to_traditional.get(char, []):
            merged.extend(r for r in vietnamese.get(traditional, []) if r not in merged)
        if merged:
            han_viet[char] = merged
    for traditional, simplified in to_simplified.items():
        if simplified in han_viet:
            merged = list(han_viet[simplified])
            merged.extend(r for r in han_viet.get(traditional, []) if r not in merged)
            han_viet[traditional] = merged

    def pinyin_readings(char: str) -> list[str]:
        chosen: list[str] = []
        for source in (char, to_simplified.get(char, char)):
            for reading in mandarin.get(source, []) + secondary_pinyin.get(source, []):
                if reading not in chosen:
                    chosen.append(reading)
        return chosen

    correspondence: dict[tuple[str, str], float] = defaultdict(float)
    # Pairs carried by a character common in names: these count fully when matching.
    name_pairs: set[tuple[str, str]] = set()
    marked_name_pairs: set[tuple[str, str]] = set()
    for char, hv_readings in han_viet.items():
        if char in to_simplified:
            continue  # counted once, through its simplified form
        py_readings = pinyin_readings(char)
        if not py_readings:
            continue
        char_weight = 1.0 + math.log1p(frequency.get(char, 0))
        # Name characters with a checked Hán-Việt reading count more than Nôm-only readings.
        curated_readings = curated.get(char, [])
        # Only readings in everyday use (kMandarin, kHanyuPinlu) pair with a name reading.
        usual_pinyin = set(mandarin.get(char, [])) | set(common_pinyin.get(char, []))
        for py_rank, py in enumerate(py_readings):
            for hv_rank, hv in enumerate(hv_readings):
                rank_weight = (1.0 if py_rank == 0 else 0.4) * (1.0 if hv_rank == 0 else 0.4)
                if hv in curated_readings:
                    rank_weight *= 4.0
                    if py in usual_pinyin:
                        name_pairs.add((py, fold_vietnamese(hv)))
                        marked_name_pairs.add((py, hv))
                correspondence[(py, fold_vietnamese(hv))] += char_weight * rank_weight

    output_dir.mkdir(parents=True, exist_ok=True)
    with open_output(output_dir / "han_viet.tsv.gz") as out:
        for char in sorted(han_viet):
            out.write(f"{char}\t{' '.join(han_viet[char])}\n")
    with open_output(output_dir / "simplified.tsv.gz") as out:
        for char in sorted(to_simplified):
            out.write(f"{char}\t{to_simplified[char]}\n")
    with open_output(output_dir / "pinyin_han_viet.tsv.gz") as out:
        for (py, hv), weight in sorted(correspondence.items()):
            if weight >= 0.5:
                flag = "name" if (py, hv) in name_pairs else "-"
                out.write(f"{py}\t{hv}\t{weight:.2f}\t{flag}\n")
    with open_output(output_dir / "pinyin_han_viet_marked.tsv.gz") as out:
        for py, hv in sorted(marked_name_pairs):
            out.write(f"{py}\t{hv}\n")
    syllables = sorted({s for readings in mandarin.values() for s in readings})
    with open_output(output_dir / "pinyin_syllables.txt.gz") as out:
        out.write("\n".join(syllables) + "\n")
    print(
        f"han_viet: {len(han_viet)} characters, simplified: {len(to_simplified)} pairs, "
        f"pinyin↔han_viet: {len(correspondence)} pairs, pinyin syllables: {len(syllables)}"
    )


if __name__ == "__main__":
    main()
