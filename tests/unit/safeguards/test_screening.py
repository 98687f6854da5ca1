from __future__ import annotations

import pytest

from borderlink.errors import InvalidInput
from borderlink.safeguards.offences import allowed_offences, require_allowed
from borderlink.safeguards.screening import canonical, fold, screen


@pytest.mark.parametrize(
    ("text", "ground"),
    [
        ("Đối tượng tổ chức biểu tình trước trụ sở", "political"),
        ("doi tuong to chuc bieu tinh", "political"),  # typed without diacritics
        ("Organiser of a political protest", "political"),
        ("嫌疑人参与邪教活动", "religious"),
        ("Người này là mục sư của một giáo phái", "religious"),
        ("He deserted from the army", "military"),
        ("因民族问题被通缉", "ethnic"),
    ],
)
def test_flags_each_ground_in_all_three_languages(text: str, ground: str) -> None:
    assert ground in {flag.ground for flag in screen([text])}


@pytest.mark.parametrize(
    "text",
    [
        "Suspect carried 2 kg of heroin across the Móng Cái gate",
        "Đối tượng chưa khai báo hàng hóa",  # "chưa" (not yet) is not "chùa" (pagoda)
        "嫌疑人通过东兴口岸走私毒品",
        "Telecom fraud ring operating from Dongxing; trace the money",  # 'trace' is not 'race'
    ],
)
def test_ordinary_crime_text_passes(text: str) -> None:
    assert screen([text]) == []


def test_fold_removes_vietnamese_marks_and_d_stroke() -> None:
    assert fold("Đặng Thị Hòa") == "dang thi hoa"


def test_allow_list_holds_the_ordinary_transnational_offences() -> None:
    codes = allowed_offences()
    for code in ("06012", "02041", "08051", "07019", "09031", "07041", "07023", "09051"):
        assert code in codes
    assert require_allowed("06012").label("vi").startswith("Mua bán")
    with pytest.raises(InvalidInput, match="allow-list"):
        require_allowed("01011")


@pytest.mark.parametrize(
    ("text", "ground"),
    [
        ("Organiser of a pol\u200bitical protest", "political"),  # zero-width space
        ("a pol\u00aditical matter", "political"),  # soft hyphen
        ("a p\u043elitical matter", "political"),  # Cyrillic о
        ("a \uff50\uff4f\uff4c\uff49\uff54\uff49\uff43\uff41\uff4c matter", "political"),  # fullwidth
        ("an \u0430ctivist of the \u0441hur\u0441h", "religious"),  # Cyrillic а and с
        ("the \U0001d5fa\U0001d5f6\U0001d5f9\U0001d5f6\U0001d601\U0001d5ee\U0001d5ff\U0001d606", "military"),
        ("Đối tượng tổ chức bi\u200bểu tình", "political"),
        ("Người này là tu sĩ ở chù\u0430", "religious"),  # Cyrillic а in a marked Vietnamese word
        ("嫌疑人参与邪\u200d教活动", "religious"),  # zero-width joiner inside a Chinese term
    ],
)
def test_disguised_terms_are_still_flagged(text: str, ground: str) -> None:
    assert ground in {flag.ground for flag in screen([text])}


def test_canonical_reads_disguised_letters_as_the_letters_they_show() -> None:
    assert canonical("p\u043el\u200bi\u00adtical") == "political"
    assert canonical("\uff30\u039f\u13de") == "POL"  # fullwidth P, Greek Ο, Cherokee Ꮮ
    # Vietnamese letters with marks and Chinese characters are kept as they are.
    assert canonical("Đặng Thị Hòa ơ ư 走私毒品") == "Đặng Thị Hòa ơ ư 走私毒品"


def test_the_allow_list_uses_codes_as_iccs_defines_them() -> None:
    offences = allowed_offences()
    # In ICCS 06011 is possession or use for personal consumption: not a transnational matter.
    assert "06011" not in offences
    assert offences["06012"].en.startswith("Unlawful trafficking, cultivation or production")
    assert offences["08051"].en == "Smuggling of migrants"
    assert offences["09061"].en == "Participation in a terrorist group"
    assert offences["07023"].en == "Acts of forgery or counterfeiting of documents"
    for offence in offences.values():
        assert len(offence.code) == 5
        assert offence.code.isdigit()
        assert all((offence.en, offence.vi, offence.zh))
