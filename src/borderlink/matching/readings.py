"""Readings of Chinese names in Pinyin and Sino-Vietnamese, and Pinyin segmentation."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from functools import lru_cache

import numpy as np
from pypinyin import Style, lazy_pinyin, pinyin

from borderlink.matching.normalise import canonical_token, fold
from borderlink.matching.tables import correspondence, han_viet_readings, marked_name_pairs, pinyin_syllables

# Two-character family names: split before the given name instead of after the first character.
COMPOUND_SURNAMES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    # characters: (Pinyin, Sino-Vietnamese)
    "欧阳": (("ou", "yang"), ("âu", "dương")),
    "司马": (("si", "ma"), ("tư", "mã")),
    "诸葛": (("zhu", "ge"), ("gia", "cát")),
    "上官": (("shang", "guan"), ("thượng", "quan")),
    "司徒": (("si", "tu"), ("tư", "đồ")),
    "尉迟": (("yu", "chi"), ("uất", "trì")),
    "东方": (("dong", "fang"), ("đông", "phương")),
    "皇甫": (("huang", "fu"), ("hoàng", "phủ")),
    "公孙": (("gong", "sun"), ("công", "tôn")),
    "夏侯": (("xia", "hou"), ("hạ", "hầu")),
    "令狐": (("ling", "hu"), ("lệnh", "hồ")),
    "慕容": (("mu", "rong"), ("mộ", "dung")),
    "宇文": (("yu", "wen"), ("vũ", "văn")),
    "长孙": (("zhang", "sun"), ("trưởng", "tôn")),
    "端木": (("duan", "mu"), ("đoan", "mộc")),
    "轩辕": (("xuan", "yuan"), ("hiên", "viên")),
    "独孤": (("du", "gu"), ("độc", "cô")),
    "南宫": (("nan", "gong"), ("nam", "cung")),
    "西门": (("xi", "men"), ("tây", "môn")),
    "澹台": (("tan", "tai"), ("đạm", "đài")),
    "钟离": (("zhong", "li"), ("chung", "li")),
    "万俟": (("mo", "qi"), ("mặc", "kì")),
    "呼延": (("hu", "yan"), ("hô", "diên")),
    "闻人": (("wen", "ren"), ("văn", "nhân")),
    "赫连": (("he", "lian"), ("hách", "liên")),
    "申屠": (("shen", "tu"), ("thân", "đồ")),
    "太史": (("tai", "shi"), ("thái", "sử")),
    "公冶": (("gong", "ye"), ("công", "dã")),
    "单于": (("chan", "yu"), ("thiền", "vu")),
}

# Family names read differently from the character's everyday reading; the first is usual.
SURNAME_PINYIN: dict[str, tuple[str, ...]] = {
    "曾": ("zeng",),
    "单": ("shan",),
    "解": ("xie",),
    "仇": ("qiu",),
    "朴": ("piao",),
    "区": ("ou",),
    "查": ("zha",),
    "翟": ("zhai", "di"),
    "乐": ("yue", "le"),
    "盖": ("ge", "gai"),
    "缪": ("miao",),
    "覃": ("qin", "tan"),
    "种": ("chong",),
    "任": ("ren",),
    "沈": ("shen",),
    "秘": ("bi",),
    "召": ("shao",),
    "黑": ("he",),
    "员": ("yun",),
    "句": ("gou",),
    "那": ("na",),
    "燕": ("yan",),
    "葛": ("ge",),
    "宿": ("su",),
    "冼": ("xian",),
    "纪": ("ji",),
    "折": ("she",),
    "尉": ("wei", "yu"),
    "隗": ("wei",),
    "曲": ("qu",),
    "朝": ("chao",),
    "阚": ("kan",),
    "佘": ("she",),
    "乜": ("nie",),
    "繁": ("po",),
    "薄": ("bo",),
    "柏": ("bai",),
    "卜": ("bu",),
    "车": ("che",),
    "重": ("chong",),
    "都": ("du",),
    "谌": ("chen",),
    "长": ("chang",),
    "华": ("hua",),
    "石": ("shi",),
    "殷": ("yin",),
    "过": ("guo",),
    "朱": ("zhu",),
    "贾": ("jia",),
    "万": ("wan",),
    "藏": ("zang",),
}

# Surnames whose Sino-Vietnamese reading is not the character's first table entry.
SURNAME_HAN_VIET: dict[str, tuple[str, ...]] = {
    "曾": ("tăng", "tằng"),
    "单": ("thiện", "đơn", "thiền"),
    "解": ("giải",),
    "仇": ("cừu",),
    "朴": ("phác",),
    "区": ("âu", "khu"),
    "查": ("tra",),
    "翟": ("địch", "trạch"),
    "乐": ("nhạc", "lạc"),
    "覃": ("đàm", "tần"),
    "黄": ("hoàng", "huỳnh"),
    "武": ("vũ", "võ"),
    "周": ("chu", "châu"),
    "李": ("lí",),
}

# The most frequent single-character family names of China and Vietnam.
COMMON_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
    "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝"
    "龚邵万钱严覃武戴莫孔向汤阮裴邝冼甘农蒙"
)

MAX_READINGS = 6
MAX_SEGMENTATIONS = 3
# Beams up to this many extensions are cheaper in plain Python than in numpy.
SMALL_BEAM = 128


def split_surname(han: str) -> tuple[str, str]:
    if len(han) > 2 and han[:2] in COMPOUND_SURNAMES:
        return han[:2], han[2:]
    return han[:1], han[1:]


def _limited_product(options: Sequence[Sequence[str]], limit: int) -> list[tuple[str, ...]]:
    """Combinations in order of total rank, so the usual readings come first."""
    scored = [
        (sum(ranks), tuple(option[rank] for option, rank in zip(options, ranks, strict=True)))
        for ranks in itertools.product(*(range(min(len(option), 3)) for option in options))
    ]
    scored.sort(key=lambda item: item[0])
    unique: list[tuple[str, ...]] = []
    for _, combination in scored:
        if combination not in unique:
            unique.append(combination)
        if len(unique) >= limit:
            break
    return unique


@lru_cache(maxsize=20_000)
def han_pinyin(han: str) -> tuple[tuple[str, ...], ...]:
    """Candidate toneless Pinyin syllable sequences of a Chinese name, the usual one first."""
    if not han:
        return ()
    surname, given = split_surname(han)
    if surname in COMPOUND_SURNAMES:
        surname_options: list[tuple[str, ...]] = [COMPOUND_SURNAMES[surname][0]]
    elif surname in SURNAME_PINYIN:
        surname_options = [(reading,) for reading in SURNAME_PINYIN[surname]]
    else:
        surname_options = [tuple(_char_pinyin(char)[0] for char in surname)]
    given_options = [_char_pinyin(char) for char in given]
    given_sequences = _limited_product(given_options, 4) if given_options else [()]
    sequences = [
        surname_reading + given_reading for surname_reading in surname_options for given_reading in given_sequences
    ]
    return tuple(dict.fromkeys(sequences))[:MAX_READINGS]


@lru_cache(maxsize=20_000)
def han_viet(han: str) -> tuple[tuple[str, ...], ...]:
    """Candidate Sino-Vietnamese syllable sequences (with diacritics), the usual one first."""
    if not han:
        return ()
    table = han_viet_readings()
    surname, given = split_surname(han)
    options: list[Sequence[str]] = []
    if surname in COMPOUND_SURNAMES:
        options.extend((syllable,) for syllable in COMPOUND_SURNAMES[surname][1])
    elif surname:
        options.append(SURNAME_HAN_VIET.get(surname) or table.get(surname) or _unknown(surname))
    for char in given:
        options.append(table.get(char) or _unknown(char))
    canonical = [tuple(dict.fromkeys(map(canonical_token, option))) for option in options]
    return tuple(_limited_product(canonical, MAX_READINGS))


@lru_cache(maxsize=50_000)
def _char_pinyin(char: str) -> tuple[str, ...]:
    """Toneless readings of one character, the usual one first (names are read per character)."""
    usual = lazy_pinyin(char, style=Style.NORMAL)[0]
    readings = pinyin(char, style=Style.NORMAL, heteronym=True)[0]
    return tuple(dict.fromkeys([usual, *readings]))


def _unknown(char: str) -> tuple[str, ...]:
    # Keeps the syllable count aligned; a Pinyin placeholder never equals a Hán-Việt syllable.
    return (lazy_pinyin(char, style=Style.NORMAL)[0],)


@lru_cache(maxsize=100_000)
def segment_pinyin(token: str) -> tuple[tuple[str, ...], ...]:
    """Split run-together Pinyin into the fewest syllables; ambiguous splits give several.

    XIAOHONG → (xiao hong); XINAN → (xin an), (xi nan). Empty when the token is not Pinyin.
    """
    syllables = pinyin_syllables()
    length = len(token)
    # best[i]: the fewest-syllable splits of token[:i], at most MAX_SEGMENTATIONS of them.
    best: list[list[tuple[str, ...]]] = [[] for _ in range(length + 1)]
    best[0] = [()]
    for end in range(1, length + 1):
        for start in range(max(0, end - 6), end):
            piece = token[start:end]
            if not best[start] or piece not in syllables:
                continue
            for prefix in best[start]:
                candidate = (*prefix, piece)
                current = best[end]
                if not current or len(candidate) < len(current[0]):
                    best[end] = [candidate]
                elif len(candidate) == len(current[0]) and len(current) < MAX_SEGMENTATIONS:
                    current.append(candidate)
    # Prefer splits whose syllables start with a consonant (xin an is written xin'an otherwise).
    return tuple(sorted(best[length], key=lambda split: sum(s[0] in "aeo" for s in split[1:])))


def _projections(
    syllables: Sequence[str],
    table: dict[str, tuple[tuple[str, float], ...]],
    limit: int,
    per_syllable: int = 8,
) -> list[tuple[tuple[str, ...], float]]:
    """Most probable syllable sequences in the other reading system (beam search)."""
    sequences: list[tuple[str, ...]] = [()]
    probabilities = np.ones(1)
    for syllable in syllables:
        # A short list of sequences rarely uses a syllable's less likely readings.
        options = table.get(syllable, ())[: min(per_syllable, max(2, limit // 2))]
        if not options:
            return []
        if len(sequences) * len(options) <= SMALL_BEAM:
            extended_pairs = [
                (probability * weight, (*sequence, target))
                for probability, sequence in zip(probabilities.tolist(), sequences, strict=True)
                for target, weight in options
            ]
            extended_pairs.sort(key=lambda item: -item[0])
            kept = extended_pairs[:limit]
            sequences = [sequence for _, sequence in kept]
            probabilities = np.array([probability for probability, _ in kept])
            continue
        weights = np.fromiter((weight for _, weight in options), dtype=np.float64, count=len(options))
        extended = np.outer(probabilities, weights).ravel()
        if len(extended) > limit:
            best = np.argpartition(-extended, limit - 1)[:limit]
            best = best[np.argsort(-extended[best], kind="stable")]
        else:
            best = np.argsort(-extended, kind="stable")
        width = len(options)
        sequences = [(*sequences[i // width], options[i % width][0]) for i in best.tolist()]
        probabilities = extended[best]
    return list(zip(sequences, probabilities.tolist(), strict=True))


# Probability given to a family-name reading pair when projecting, so that 覃 Qin → Đàm is tried.
SURNAME_PROJECTION_PROBABILITY = 0.3


@lru_cache(maxsize=2)
def _projection_table(to_han_viet: bool) -> dict[str, tuple[tuple[str, float], ...]]:
    table = correspondence()
    base = table.han_viet_given_pinyin if to_han_viet else table.pinyin_given_han_viet
    merged = {source: dict(targets) for source, targets in base.items()}
    for pinyin_syllable, han_viet_syllable in _surname_pairs():
        source, target = (pinyin_syllable, han_viet_syllable) if to_han_viet else (han_viet_syllable, pinyin_syllable)
        options = merged.setdefault(source, {})
        options[target] = max(options.get(target, 0.0), SURNAME_PROJECTION_PROBABILITY)
    return {source: tuple(sorted(options.items(), key=lambda item: -item[1])) for source, options in merged.items()}


@lru_cache(maxsize=20_000)
def pinyin_to_han_viet(syllables: tuple[str, ...], limit: int = 24) -> tuple[tuple[str, ...], ...]:
    """Folded Hán-Việt sequences a Pinyin sequence most likely stands for."""
    found = _projections(syllables, _projection_table(to_han_viet=True), limit)
    return tuple(sequence for sequence, _ in found)


@lru_cache(maxsize=20_000)
def han_viet_to_pinyin(syllables: tuple[str, ...], limit: int = 24) -> tuple[tuple[str, ...], ...]:
    """Pinyin sequences a folded Hán-Việt sequence most likely stands for."""
    found = _projections(syllables, _projection_table(to_han_viet=False), limit)
    return tuple(sequence for sequence, _ in found)


@lru_cache(maxsize=1)
def _surname_pairs() -> frozenset[tuple[str, str]]:
    """Pinyin / Hán-Việt pairs of family names, which counts over all characters can drown out.

    覃 Qin is Đàm and 尹 Yin is Doãn although most characters read qin or yin are not; compound
    surnames have fixed readings (诸葛 Zhuge = Gia Cát).
    """
    pairs = {
        (pinyin_syllable, fold(han_viet_syllable))
        for pinyin_reading, han_viet_reading in COMPOUND_SURNAMES.values()
        for pinyin_syllable, han_viet_syllable in zip(pinyin_reading, han_viet_reading, strict=True)
    }
    table = han_viet_readings()
    for surname in COMMON_SURNAMES + "".join(SURNAME_PINYIN) + "".join(SURNAME_HAN_VIET):
        pinyin_readings = SURNAME_PINYIN.get(surname) or tuple(lazy_pinyin(surname))
        han_viet_options = SURNAME_HAN_VIET.get(surname) or table.get(surname, ())[:1]
        for pinyin_reading in pinyin_readings:
            for han_viet_reading in han_viet_options:
                pairs.add((pinyin_reading, fold(canonical_token(han_viet_reading))))
    return frozenset(pairs)


@lru_cache(maxsize=1)
def _marked_pairs() -> frozenset[tuple[str, str]]:
    pairs = {(pinyin_syllable, canonical_token(reading)) for pinyin_syllable, reading in marked_name_pairs()}
    pairs.update(
        (pinyin_reading, canonical_token(han_viet_reading))
        for surname in COMMON_SURNAMES + "".join(SURNAME_HAN_VIET)
        for pinyin_reading in SURNAME_PINYIN.get(surname) or tuple(lazy_pinyin(surname))
        for han_viet_reading in SURNAME_HAN_VIET.get(surname) or han_viet_readings().get(surname, ())[:1]
    )
    pairs.update(
        (pinyin_syllable, canonical_token(han_viet_syllable))
        for pinyin_reading, han_viet_reading in COMPOUND_SURNAMES.values()
        for pinyin_syllable, han_viet_syllable in zip(pinyin_reading, han_viet_reading, strict=True)
    )
    return frozenset(pairs)


def tone_agrees(pinyin_syllable: str, han_viet_syllable: str) -> bool:
    """Whether a name character reads this Pinyin and this Hán-Việt syllable, tone included."""
    return (pinyin_syllable, han_viet_syllable) in _marked_pairs()


def cross_similarity(pinyin_syllable: str, han_viet_syllable: str) -> float:
    """How well a Pinyin syllable and a folded Hán-Việt syllable stand for the same character."""
    pair = (pinyin_syllable, han_viet_syllable)
    table = correspondence()
    # A pair carried by a character common in names counts fully. Other pairs (Nôm readings,
    # rare characters) count only when they dominate both syllables' readings: otherwise almost
    # any two syllables are linked by some character, and near-miss names would match.
    if pair in table.name_pairs or pair in _surname_pairs():
        return 0.95
    weight = table.weights.get(pair, 0.0)
    if weight <= 0.0:
        return 0.0
    share = min(
        weight / table.best_for_pinyin[pinyin_syllable],
        weight / table.best_for_han_viet[han_viet_syllable],
    )
    return 0.7 * share
