"""Scores in [0, 1]: name agreement across renderings, adjusted by birth date, gender and
nationality."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz.distance import Levenshtein

from borderlink.matching.dates import DateAgreement, PartialDate, compare_dates, parse_birth_date
from borderlink.matching.demographics import (
    normalise_document_number,
    normalise_gender,
    normalise_nationality,
)
from borderlink.matching.models import Match, PersonRecord
from borderlink.matching.normalise import fold
from borderlink.matching.readings import cross_similarity, han_pinyin, tone_agrees
from borderlink.matching.render import NameForms, han_viet_key, name_forms

DEFAULT_THRESHOLD = 0.8

# Multipliers for a conflicting field: a namesake born in another year must fall well below the
# threshold, a recorded gender is rarely wrong, nationality is often recorded loosely.
BIRTH_DATE_CONFLICT = 0.6
BIRTH_DATE_CLOSE = 0.9
GENDER_CONFLICT = 0.75
NATIONALITY_CONFLICT = 0.9
# Relative bonuses for agreeing fields, so that agreement ranks above absence.
BIRTH_DATE_SAME_BONUS = 0.04
BIRTH_DATE_COMPATIBLE_BONUS = 0.01
GENDER_BONUS = 0.02
NATIONALITY_BONUS = 0.02
# Syllable weights: a syllable left unmatched when the two names differ in length, and the cost of
# reading a name in another order than written (family-first against given-first).
UNMATCHED_SYLLABLE = 0.4
REORDERED = 0.98
UNEQUAL_LENGTH = 0.95
# Pinyin of a whole name from characters loses the tones, so it agrees a little less than the
# characters themselves.
CHARACTERS_VERSUS_LATIN = 0.98
# The best a Pinyin syllable and a Hán-Việt syllable can agree (see `cross_similarity`).
CROSS_CEILING = 0.95
# A Pinyin syllable against a Hán-Việt syllable whose written tone no name character has.
TONE_MISMATCH = 0.65

SyllableSimilarity = Callable[[str, str], float]
Sequences = tuple[tuple[str, ...], ...]
Comparison = tuple[str, Sequences, Sequences, SyllableSimilarity]


@dataclass(frozen=True, slots=True)
class NameAgreement:
    score: float
    rendering: str
    query_form: str
    entry_form: str
    query_name: str
    entry_name: str


@dataclass(frozen=True, slots=True)
class PreparedRecord:
    """A record with its names rendered and its fields normalised, ready for scoring."""

    id: str
    names: tuple[NameForms, ...]
    birth_date: PartialDate | None
    gender: str | None
    nationality: str | None
    document_number: str | None


def prepare(record: PersonRecord) -> PreparedRecord:
    names = tuple(
        forms for forms in (name_forms(name) for name in (record.name, *record.alt_names) if name) if not forms.empty
    )
    return PreparedRecord(
        id=record.id,
        names=names,
        birth_date=parse_birth_date(record.birth_date),
        gender=normalise_gender(record.gender),
        nationality=normalise_nationality(record.nationality),
        document_number=normalise_document_number(record.document_number),
    )


def _fuzzy(left: str, right: str) -> float:
    """Partial credit for near-identical syllables; different syllables earn almost nothing."""
    similarity = Levenshtein.normalized_similarity(left, right)
    return 0.4 * similarity if similarity >= 0.75 else 0.0


@lru_cache(maxsize=100_000)
def pinyin_similarity(left: str, right: str) -> float:
    if left == right:
        return 1.0
    if left.replace("v", "u") == right.replace("v", "u"):
        return 0.9
    return _fuzzy(left, right)


@lru_cache(maxsize=100_000)
def han_viet_similarity(left: str, right: str) -> float:
    """Syllables of two names that both carry diacritics: a different tone or vowel counts."""
    if left == right:
        return 1.0
    folded_left, folded_right = fold(left), fold(right)
    if folded_left == folded_right:
        return 0.85
    if han_viet_key(left) == han_viet_key(right):
        return 0.95
    return _fuzzy(folded_left, folded_right)


@lru_cache(maxsize=100_000)
def folded_han_viet_similarity(left: str, right: str) -> float:
    """Syllables where one name was written without diacritics (passports, MRZ)."""
    folded_left, folded_right = fold(left), fold(right)
    if folded_left == folded_right:
        return 1.0
    return han_viet_similarity(folded_left, folded_right)


@lru_cache(maxsize=100_000)
def pinyin_han_viet_similarity(pinyin: str, han_viet: str) -> float:
    folded = fold(han_viet)
    similarity = cross_similarity(pinyin, folded)
    merged = han_viet_key(folded)
    if merged != folded:
        similarity = max(similarity, 0.95 * cross_similarity(pinyin, merged))
    return similarity


@lru_cache(maxsize=100_000)
def marked_pinyin_han_viet_similarity(pinyin: str, han_viet: str) -> float:
    """Against a name written with diacritics, where a bare syllable is a level tone.

    Written with its tone, a Hán-Việt syllable names fewer characters: Phan is not 樊 Phàn.
    """
    similarity = pinyin_han_viet_similarity(pinyin, han_viet)
    if similarity > TONE_MISMATCH and not tone_agrees(pinyin, han_viet):
        return TONE_MISMATCH
    return similarity


@lru_cache(maxsize=100_000)
def latin_similarity(left: str, right: str) -> float:
    if left == right:
        return 1.0
    similarity = Levenshtein.normalized_similarity(left, right)
    return 0.8 * similarity if similarity >= 0.8 else 0.0


@lru_cache(maxsize=200_000)
def character_similarity(left: str, right: str) -> float:
    if left == right:
        return 1.0
    # Homophones are often different people, but variant and mistyped characters do occur.
    if han_pinyin(left)[:1] == han_pinyin(right)[:1]:
        return 0.5
    return 0.0


def _aggregate(values: Sequence[float]) -> float:
    # The weakest syllable counts as much as the average: one wrong syllable sinks a name.
    return 0.5 * (sum(values) / len(values)) + 0.5 * min(values)


def sequence_similarity(left: Sequence[str], right: Sequence[str], similarity: SyllableSimilarity) -> float:
    """Best alignment of two syllable sequences, allowing family-first / given-first rotation."""
    if not left or not right:
        return 0.0
    matrix = [[similarity(a, b) for b in right] for a in left]
    size = len(left)
    if size == len(right):
        best = 0.0
        for shift in range(size):
            values = [matrix[i][(i + shift) % size] for i in range(size)]
            score = _aggregate(values) * (1.0 if shift == 0 else REORDERED)
            best = max(best, score)
            if best >= 1.0:
                break
        return best
    pairs = sorted(
        ((matrix[i][j], i, j) for i in range(len(left)) for j in range(len(right))),
        reverse=True,
    )
    used_left: set[int] = set()
    used_right: set[int] = set()
    matched: list[float] = []
    for value, i, j in pairs:
        if i in used_left or j in used_right:
            continue
        used_left.add(i)
        used_right.add(j)
        matched.append(value)
    unmatched = abs(len(left) - len(right))
    return _aggregate(matched + [UNMATCHED_SYLLABLE] * unmatched) * UNEQUAL_LENGTH


@lru_cache(maxsize=100_000)
def _written_with_diacritics(sequence: tuple[str, ...]) -> bool:
    return any(fold(syllable) != syllable for syllable in sequence)


def _for_spelling(similarity: SyllableSimilarity, left: tuple[str, ...], right: tuple[str, ...]) -> SyllableSimilarity:
    """Diacritics are evidence only where they were written: pick the comparison to match."""
    if similarity is han_viet_similarity:
        if _written_with_diacritics(left) and _written_with_diacritics(right):
            return han_viet_similarity
        return folded_han_viet_similarity
    if similarity is pinyin_han_viet_similarity and _written_with_diacritics(right):
        return marked_pinyin_han_viet_similarity
    if similarity is _FLIPPED_CROSS and _written_with_diacritics(left):
        return _FLIPPED_MARKED_CROSS
    return similarity


def _flip(similarity: SyllableSimilarity) -> SyllableSimilarity:
    return lambda left, right: similarity(right, left)


_FLIPPED_CROSS = _flip(pinyin_han_viet_similarity)
_FLIPPED_MARKED_CROSS = _flip(marked_pinyin_han_viet_similarity)


def name_agreement(query: NameForms, entry: NameForms) -> NameAgreement:
    """The rendering under which two names agree best."""
    if query.han and entry.han:
        score = sequence_similarity(query.han, entry.han, character_similarity)
        return NameAgreement(score, "characters", query.han, entry.han, query.original, entry.original)
    best = NameAgreement(0.0, "none", "", "", query.original, entry.original)
    penalty = CHARACTERS_VERSUS_LATIN if (query.han or entry.han) else 1.0
    comparisons: list[Comparison] = [
        ("pinyin", query.pinyin, entry.pinyin, pinyin_similarity),
        ("han_viet", query.han_viet, entry.han_viet, han_viet_similarity),
    ]
    # Characters give both readings exactly, so Pinyin ↔ Hán-Việt guessing is only for two
    # names written without characters.
    if not (query.han or entry.han):
        comparisons += [
            ("pinyin↔han_viet", query.pinyin, entry.han_viet, pinyin_han_viet_similarity),
            ("han_viet↔pinyin", query.han_viet, entry.pinyin, _FLIPPED_CROSS),
        ]
    for rendering, left_forms, right_forms, similarity in comparisons:
        ceiling = CROSS_CEILING if "↔" in rendering else 1.0
        for rank_left, left in enumerate(left_forms):
            for rank_right, right in enumerate(right_forms):
                # Secondary readings of polyphonic characters count slightly less.
                rank_factor = 1.0 - 0.02 * min(rank_left + rank_right, 5)
                if ceiling * penalty * rank_factor <= best.score:
                    continue
                compare = _for_spelling(similarity, left, right)
                score = sequence_similarity(left, right, compare) * penalty * rank_factor
                if score > best.score:
                    best = NameAgreement(
                        score,
                        rendering,
                        " ".join(left),
                        " ".join(right),
                        query.original,
                        entry.original,
                    )
                    if score >= penalty:
                        return best
    # Plain Latin comparison only for names no reading system explains (e.g. JOHN SMITH): for
    # the others it would forgive a wrong syllable inside run-together Pinyin.
    unexplained = not (query.pinyin or query.han_viet) or not (entry.pinyin or entry.han_viet)
    if unexplained and query.latin and entry.latin:
        score = sequence_similarity(query.latin, entry.latin, latin_similarity) * penalty
        if score > best.score:
            best = NameAgreement(
                score,
                "latin",
                " ".join(query.latin),
                " ".join(entry.latin),
                query.original,
                entry.original,
            )
    return best


def best_name_agreement(query_names: Sequence[NameForms], entry_names: Sequence[NameForms]) -> NameAgreement:
    best = NameAgreement(0.0, "none", "", "", "", "")
    for query in query_names:
        for entry in entry_names:
            agreement = name_agreement(query, entry)
            if agreement.score > best.score:
                best = agreement
    return best


def _field(left: str | None, right: str | None) -> str:
    if left is None or right is None:
        return "missing"
    return "agree" if left == right else "conflict"


@dataclass(frozen=True, slots=True)
class FieldAssessment:
    """How birth date, gender, nationality and document number compare, and what that weighs."""

    factor: float
    bonus: float
    birth: DateAgreement
    gender: str
    nationality: str
    document: str


def assess_fields(query: PreparedRecord, entry: PreparedRecord) -> FieldAssessment:
    factor = 1.0
    bonus = 0.0
    birth = compare_dates(query.birth_date, entry.birth_date)
    if birth is DateAgreement.CONFLICT:
        factor *= BIRTH_DATE_CONFLICT
    elif birth is DateAgreement.CLOSE:
        factor *= BIRTH_DATE_CLOSE
    elif birth is DateAgreement.SAME:
        bonus += BIRTH_DATE_SAME_BONUS
    elif birth is DateAgreement.COMPATIBLE:
        bonus += BIRTH_DATE_COMPATIBLE_BONUS
    gender = _field(query.gender, entry.gender)
    if gender == "conflict":
        factor *= GENDER_CONFLICT
    elif gender == "agree":
        bonus += GENDER_BONUS
    nationality = _field(query.nationality, entry.nationality)
    if nationality == "conflict":
        factor *= NATIONALITY_CONFLICT
    elif nationality == "agree":
        bonus += NATIONALITY_BONUS
    document = _field(query.document_number, entry.document_number)
    return FieldAssessment(factor, bonus, birth, gender, nationality, document)


def combine(name_score: float, fields: FieldAssessment) -> float:
    score = name_score * fields.factor * (1.0 + fields.bonus)
    if fields.document == "agree":
        # The same document number is strong evidence, but never overrides a birth-date conflict.
        score += (1.0 - score) * 0.5 * name_score
    return round(min(1.0, max(0.0, score)), 4)


def explain(
    name: NameAgreement, fields: FieldAssessment, query: PreparedRecord, entry: PreparedRecord
) -> dict[str, object]:
    return {
        "name": {
            "score": round(name.score, 4),
            "rendering": name.rendering,
            "query_name": name.query_name,
            "entry_name": name.entry_name,
            "query_form": name.query_form,
            "entry_form": name.entry_form,
        },
        "birth_date": {
            "result": fields.birth.value,
            "query": str(query.birth_date) if query.birth_date else None,
            "entry": str(entry.birth_date) if entry.birth_date else None,
        },
        "gender": {"result": fields.gender, "query": query.gender, "entry": entry.gender},
        "nationality": {
            "result": fields.nationality,
            "query": query.nationality,
            "entry": entry.nationality,
        },
        "document_number": {"result": fields.document},
    }


def score_prepared(query: PreparedRecord, entry: PreparedRecord) -> Match:
    name = best_name_agreement(query.names, entry.names)
    fields = assess_fields(query, entry)
    return Match(id=entry.id, score=combine(name.score, fields), explanation=explain(name, fields, query, entry))


def score_records(a: PersonRecord, b: PersonRecord) -> Match:
    """Score record `a` (the query) against record `b`; the match carries `b.id`."""
    return score_prepared(prepare(a), prepare(b))
