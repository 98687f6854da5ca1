from __future__ import annotations

import pytest

from borderlink.errors import InvalidInput
from borderlink.safeguards.offences import allowed_offences, require_allowed
from borderlink.safeguards.screening import fold, screen


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
    for code in ("06011", "02041", "08051", "07012", "09031", "07041", "07023", "09051"):
        assert code in codes
    assert require_allowed("06011").label("vi").startswith("Mua bán")
    with pytest.raises(InvalidInput, match="allow-list"):
        require_allowed("01011")
