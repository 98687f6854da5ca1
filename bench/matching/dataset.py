"""Deterministic generator of the labelled cross-script name-matching evaluation set.

``generate(GenerationConfig())`` returns a watchlist and a labelled query set; the rules are
documented in ``bench/matching/README.md``. ``python -m bench.matching.dataset OUT_DIR`` writes
them as JSON Lines for inspection (they are regenerated at bench time, not committed).
"""

from __future__ import annotations

import json
import random
import sys
from collections import defaultdict
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

from bench.matching.people import (
    BirthDate,
    Person,
    PersonFactory,
    dates_compatible,
    noisy_birth_date,
    precision_for_entry,
    precision_for_query,
    vietnamese_person_name,
)
from bench.matching.renderings import (
    PersonName,
    fold,
    format_variant,
    hanviet_name,
    mrz_name,
    pinyin_name,
    southern_variant,
    syllable_key,
)
from bench.matching.sources import load_sources

POSITIVE_CATEGORIES = (
    "same_script_format",
    "chars_to_hanviet",
    "chars_to_pinyin",
    "pinyin_to_hanviet",
    "trad_simplified",
    "southern_tone_iy",
    "vn_nationals_in_chars",
)
NEGATIVE_CATEGORIES = ("namesake_other_birth", "near_miss", "unrelated")
CATEGORIES = POSITIVE_CATEGORIES + NEGATIVE_CATEGORIES


@dataclass(frozen=True, slots=True)
class GenerationConfig:
    seed: int = 20260704
    watchlist_size: int = 25_000
    positives_per_category: int = 300
    negatives_per_category: int = 300


@dataclass(frozen=True, slots=True)
class Entry:
    id: str
    name: str
    alt_names: tuple[str, ...] = ()
    birth_date: str | None = None
    gender: str | None = None
    nationality: str | None = None
    document_number: str | None = None


@dataclass(frozen=True, slots=True)
class Query:
    """A labelled query.

    ``true_ids`` is the entry the query was made from (positives) and is empty for negatives.
    ``acceptable_ids`` are other entries that a matcher cannot tell apart from the truth: they
    share a name in some script and have a compatible birth date. Returning one of them counts
    neither as a find nor as a false alarm.
    """

    id: str
    category: str
    name: str
    birth_date: str | None
    gender: str | None
    nationality: str | None
    document_number: str | None
    true_ids: tuple[str, ...]
    acceptable_ids: tuple[str, ...] = ()
    related_entry: str | None = None  # the entry the query was made from, for reports
    alt_names: tuple[str, ...] = ()  # queries carry one name; kept for a uniform record shape
    # Clerical noise put into a positive query's birth date: "year_slip" (a year off) or
    # "day_month_swap" (DD/MM read as MM/DD); None when the date is exact at its precision.
    birth_date_noise: str | None = None

    @property
    def positive(self) -> bool:
        return bool(self.true_ids)


@dataclass(slots=True)
class EvalSet:
    config: GenerationConfig
    watchlist: list[Entry]
    queries: list[Query]

    def counts(self) -> dict[str, int]:
        result: dict[str, int] = defaultdict(int)
        for query in self.queries:
            result[query.category] += 1
        return dict(result)


@dataclass(slots=True)
class _Draft:
    """An entry before ids are assigned, with the person it describes."""

    person: Person
    entry: Entry
    keys: frozenset[tuple[str, str]] = field(default_factory=frozenset)


# --- renderings per category ----------------------------------------------------------------


def applicable(category: str, name: PersonName) -> bool:
    if category == "same_script_format":
        return True
    if category in ("chars_to_hanviet", "chars_to_pinyin", "pinyin_to_hanviet"):
        return not name.is_vietnamese
    if category == "trad_simplified":
        return not name.is_vietnamese and name.has_traditional_difference()
    if category == "southern_tone_iy":
        return any(n.variants for n in name.vietnamese)
    return name.is_vietnamese  # vn_nationals_in_chars


def _either_way(rng: random.Random, first: str, second: str) -> tuple[str, str]:
    return (first, second) if rng.random() < 0.5 else (second, first)


def _spaced_chars(name: PersonName) -> str:
    family = "".join(s.simplified for s in name.family)
    given = "".join(s.simplified for s in name.given)
    return f"{family} {given}"


def render_pair(category: str, name: PersonName, rng: random.Random) -> tuple[str, str]:
    """(watchlist name, query name) for one positive category."""
    if category == "same_script_format":
        if not name.is_vietnamese and rng.random() < 0.15:
            return _either_way(rng, name.chars(), _spaced_chars(name))
        return format_variant(name, rng)
    if category == "chars_to_hanviet":
        return _either_way(rng, name.chars(), hanviet_name(name, rng))
    if category == "chars_to_pinyin":
        return _either_way(rng, name.chars(), pinyin_name(name, rng))
    if category == "pinyin_to_hanviet":
        return _either_way(rng, pinyin_name(name, rng), hanviet_name(name, rng))
    if category == "trad_simplified":
        return _either_way(rng, name.chars(), name.chars(traditional=True))
    if category == "southern_tone_iy":
        pair = southern_variant(name, rng)
        assert pair is not None
        return pair
    vietnamese = hanviet_name(name, rng, given_first=False)
    written = name.chars() if rng.random() < 0.6 else pinyin_name(name, rng)
    return _either_way(rng, vietnamese, written)


def record_rendering(name: PersonName, rng: random.Random) -> str:
    """How a watchlist or register holds a person it was not built to test."""
    roll = rng.random()
    if name.is_vietnamese:
        if roll < 0.55:
            return hanviet_name(name, rng, diacritics=True, given_first=False)
        if roll < 0.85:
            family, given = name.hanviet_parts()
            return fold(" ".join(family + given)).upper()
        if roll < 0.93:
            return name.chars()
        return pinyin_name(name, rng)
    if roll < 0.45:
        return name.chars()
    if roll < 0.75:
        return pinyin_name(name, rng)
    if roll < 0.8:
        return name.chars(traditional=True)
    if roll < 0.9:
        return hanviet_name(name, rng)
    family_word, given_word = name.pinyin_parts()
    return mrz_name([family_word], [given_word], split_given=False)


def _alt_names(name: PersonName, primary: str, rng: random.Random) -> tuple[str, ...]:
    # A third of records carry one more spelling (a transcription added by an analyst).
    if rng.random() >= 0.3:
        return ()
    other = record_rendering(name, rng)
    return (other,) if other != primary else ()


# --- the generator -------------------------------------------------------------------------


class _Generator:
    def __init__(self, config: GenerationConfig) -> None:
        self.config = config
        self.rng = random.Random(config.seed)
        self.sources = load_sources()
        self.factory = PersonFactory(self.sources, self.rng)
        self.drafts: list[_Draft] = []
        self.queries: list[tuple[Query, int | None]] = []  # (query, index of its true draft)

    # entries -------------------------------------------------------------------------------

    def _entry(self, person: Person, name: str, alt_names: tuple[str, ...] = (),
               precision: str | None = None) -> int:
        rng = self.rng
        entry = Entry(
            id="",
            name=name,
            alt_names=alt_names,
            birth_date=person.birth.render(precision or precision_for_entry(rng)),
            gender=person.gender if rng.random() < 0.9 else None,
            nationality=person.nationality if rng.random() < 0.95 else None,
            document_number=self.factory.document_number(person.nationality)
            if rng.random() < 0.3 else None,
        )
        self.drafts.append(_Draft(person, entry, person.name.name_keys()))
        return len(self.drafts) - 1

    def _query(self, category: str, person: Person, name: str, birth_date: str | None,
               true_index: int | None, related: int | None = None,
               birth_date_noise: str | None = None) -> None:
        rng = self.rng
        document = None
        if true_index is not None and rng.random() < 0.1:
            document = self.drafts[true_index].entry.document_number
        query = Query(
            id="",
            category=category,
            name=name,
            birth_date=birth_date,
            gender=person.gender if rng.random() < 0.8 else None,
            nationality=person.nationality if rng.random() < 0.8 else None,
            document_number=document,
            true_ids=(),
            related_entry=str(related) if related is not None else None,
            birth_date_noise=birth_date_noise,
        )
        self.queries.append((query, true_index))

    def _person_for(self, category: str) -> Person:
        vietnamese = category in ("southern_tone_iy", "vn_nationals_in_chars") or (
            category == "same_script_format" and self.rng.random() < 0.5)
        while True:
            person = self.factory.person(vietnamese=vietnamese)
            if applicable(category, person.name):
                return person

    def add_positives(self) -> None:
        for category in POSITIVE_CATEGORIES:
            for _ in range(self.config.positives_per_category):
                person = self._person_for(category)
                entry_name, query_name = render_pair(category, person.name, self.rng)
                index = self._entry(person, entry_name)
                precision = precision_for_query(self.rng)
                birth = noisy_birth_date(person.birth, precision, self.rng)
                noise = None
                if birth != person.birth.render(precision):
                    same_year = birth is not None and birth[:4] == f"{person.birth.year:04d}"
                    noise = "day_month_swap" if same_year else "year_slip"
                self._query(category, person, query_name, birth, index, birth_date_noise=noise)

    def add_namesake_targets(self) -> list[int]:
        # Twice as many as needed: a candidate whose name is shared by another entry with a
        # compatible birth date cannot make a clean negative and stays a distractor.
        indexes = []
        for _ in range(self.config.negatives_per_category * 2):
            person = self.factory.person()
            name = record_rendering(person.name, self.rng)
            indexes.append(self._entry(person, name, precision="day"))
        return indexes

    def add_distractors(self) -> None:
        while len(self.drafts) < self.config.watchlist_size:
            person = self.factory.person()
            name = record_rendering(person.name, self.rng)
            self._entry(person, name, _alt_names(person.name, name, self.rng))

    # negatives -----------------------------------------------------------------------------

    def _key_index(self) -> dict[tuple[str, str], list[int]]:
        index: dict[tuple[str, str], list[int]] = defaultdict(list)
        for position, draft in enumerate(self.drafts):
            for key in draft.keys:
                index[key].append(position)
        return index

    def _any_query_rendering(self, name: PersonName) -> str:
        categories = [c for c in POSITIVE_CATEGORIES if applicable(c, name)]
        return render_pair(self.rng.choice(categories), name, self.rng)[1]

    def add_namesakes(self, candidates: list[int], keys: dict[tuple[str, str], list[int]]) -> None:
        made = 0
        for index in candidates:
            if made == self.config.negatives_per_category:
                break
            person = self.drafts[index].person
            shift = self.rng.randint(3, 15) * self.rng.choice((-1, 1))
            birth = BirthDate(person.birth.year + shift, self.rng.randint(1, 12),
                              self.rng.randint(1, 28))
            query_date = f"{birth.year:04d}-{birth.month:02d}-{birth.day:02d}"
            sharing = {i for key in person.name.name_keys() for i in keys[key]}
            if any(dates_compatible(query_date, self.drafts[i].entry.birth_date)
                   or abs(int(query_date[:4]) - int((self.drafts[i].entry.birth_date or "0")[:4]))
                   < 3 for i in sharing):
                continue
            self._query("namesake_other_birth", replace(person, birth=birth),
                        self._any_query_rendering(person.name), query_date, None, index)
            made += 1
        if made < self.config.negatives_per_category:
            raise RuntimeError("not enough clean namesake candidates; enlarge the watchlist")

    def _near_name(self, name: PersonName) -> PersonName:
        rng = self.rng
        change_family = rng.random() < 0.3
        if name.is_vietnamese:
            parts = list(name.vietnamese)
            position = 0 if change_family else len(parts) - 1
            pool = self.sources.vn_family if change_family else self.sources.vn_given
            old_key = syllable_key(parts[position].vietnamese)
            parts[position] = rng.choice(
                [n for n in pool if syllable_key(n.vietnamese) != old_key
                 and n.syllable.pinyin != parts[position].syllable.pinyin])
            return vietnamese_person_name(parts)
        if change_family:
            old = name.family
            surname = rng.choice([s for s in self.sources.cn_surnames
                                  if [x.pinyin for x in s.syllables] != [x.pinyin for x in old]
                                  and [x.hanviet for x in s.syllables] != [x.hanviet for x in old]])
            return replace(name, family=surname.syllables)
        given = list(name.given)
        position = rng.randrange(len(given))
        old_syllable = given[position]
        given[position] = rng.choice(
            [c.syllable for c in self.sources.cn_given
             if c.syllable.pinyin != old_syllable.pinyin
             and syllable_key(c.syllable.hanviet) != syllable_key(old_syllable.hanviet)
             and c.syllable not in given])
        return replace(name, given=tuple(given))

    def add_near_misses_and_unrelated(self, keys: dict[tuple[str, str], list[int]]) -> None:
        def clean(name: PersonName) -> bool:
            return not any(key in keys for key in name.name_keys())

        def make(category: str, person_for: Callable[[], tuple[Person, int | None]]) -> None:
            made = 0
            while made < self.config.negatives_per_category:
                person, related = person_for()
                if not clean(person.name):
                    continue
                # A different person: an independent birth date at the usual query precision.
                birth = self.factory.birth_date().render(precision_for_query(self.rng))
                self._query(category, person, self._any_query_rendering(person.name), birth,
                            None, related)
                made += 1

        def near() -> tuple[Person, int | None]:
            index = self.rng.randrange(len(self.drafts))
            source = self.drafts[index].person
            return replace(source, name=self._near_name(source.name)), index

        make("near_miss", near)
        make("unrelated", lambda: (self.factory.person(), None))

    # labels and ids ------------------------------------------------------------------------

    def finish(self) -> EvalSet:
        order = list(range(len(self.drafts)))
        self.rng.shuffle(order)
        ids: dict[int, str] = {}
        watchlist = []
        for number, index in enumerate(order, start=1):
            ids[index] = f"W{number:07d}"
            watchlist.append(replace(self.drafts[index].entry, id=ids[index]))
        keys = self._key_index()
        by_category: dict[str, list[Query]] = defaultdict(list)
        for query, true_index in self.queries:
            related = ids[int(query.related_entry)] if query.related_entry else None
            if true_index is None:
                by_category[query.category].append(replace(query, related_entry=related))
                continue
            sharing = {i for key in self.drafts[true_index].keys for i in keys[key]}
            acceptable = sorted(
                ids[i] for i in sharing
                if i != true_index and dates_compatible(query.birth_date,
                                                        self.drafts[i].entry.birth_date))
            by_category[query.category].append(replace(
                query, true_ids=(ids[true_index],), acceptable_ids=tuple(acceptable),
                related_entry=ids[true_index]))
        # Interleave categories so that any prefix of the query list samples every category.
        queries: list[Query] = []
        pending = [by_category[c] for c in CATEGORIES]
        longest = max(len(p) for p in pending)
        for position in range(longest):
            for bucket in pending:
                if position < len(bucket):
                    queries.append(bucket[position])
        queries = [replace(q, id=f"Q{n:06d}") for n, q in enumerate(queries, start=1)]
        return EvalSet(self.config, watchlist, queries)


def generate(config: GenerationConfig | None = None) -> EvalSet:
    generator = _Generator(config or GenerationConfig())
    generator.add_positives()
    namesake_candidates = generator.add_namesake_targets()
    generator.add_distractors()
    keys = generator._key_index()
    generator.add_namesakes(namesake_candidates, keys)
    generator.add_near_misses_and_unrelated(keys)
    return generator.finish()


def write_jsonl(evalset: EvalSet, out_dir: Path) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    with (out_dir / "watchlist.jsonl").open("w", encoding="utf-8") as handle:
        for entry in evalset.watchlist:
            handle.write(json.dumps(asdict(entry), ensure_ascii=False) + "\n")
    with (out_dir / "queries.jsonl").open("w", encoding="utf-8") as handle:
        for query in evalset.queries:
            handle.write(json.dumps(asdict(query), ensure_ascii=False) + "\n")


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    out_dir = Path(args[0]) if args else Path("bench/out/matching")
    evalset = generate()
    write_jsonl(evalset, out_dir)
    print(f"{len(evalset.watchlist)} watchlist entries, {len(evalset.queries)} queries "
          f"{evalset.counts()} written to {out_dir}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
