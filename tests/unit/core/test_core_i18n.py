"""Choosing the viewer's language, and showing UTC moments in the viewer's own zone."""

from __future__ import annotations

import datetime as dt

import pytest

from borderlink.web.i18n import LANGUAGES, babel_locale, local_time, pick_language, translator

MOMENT = dt.datetime(2026, 11, 2, 3, 0, tzinfo=dt.UTC)


def test_first_known_candidate_wins() -> None:
    assert pick_language("zh_Hans", "vi", default="en") == "zh_Hans"
    assert pick_language(None, "vi", "zh_Hans", default="en") == "vi"
    assert pick_language("fr", "", None, "en", default="vi") == "en"


def test_unknown_candidates_fall_through_to_accept_language() -> None:
    assert pick_language("fr", accept_language="zh-CN,zh;q=0.9,en;q=0.8") == "zh_Hans"
    assert pick_language(None, accept_language="vi-VN,vi;q=0.9") == "vi"
    assert pick_language(None, accept_language="de-DE, en-GB;q=0.7", default="vi") == "en"


def test_nothing_usable_gives_the_node_default() -> None:
    assert pick_language(None, None, accept_language="de, fr", default="vi") == "vi"
    assert pick_language(accept_language=None, default="zh_Hans") == "zh_Hans"
    assert pick_language("ZH_HANS", "VI", default="en") == "en"


@pytest.mark.parametrize(
    ("zone", "offset", "hour"),
    [
        ("Asia/Ho_Chi_Minh", "(UTC+7)", "10:00"),
        ("Asia/Shanghai", "(UTC+8)", "11:00"),
        ("UTC", "(UTC+0)", "03:00"),
    ],
)
def test_local_time_shows_the_viewer_zone_and_offset(zone: str, offset: str, hour: str) -> None:
    for language in LANGUAGES:
        text = local_time(MOMENT, zone, language)
        assert text.endswith(offset), text
        assert hour in text, text


@pytest.mark.parametrize(
    ("zone", "offset"),
    [("Asia/Kolkata", "(UTC+5:30)"), ("America/St_Johns", "(UTC-3:30)"), ("America/New_York", "(UTC-5)")],
)
def test_local_time_shows_negative_and_half_hour_offsets(zone: str, offset: str) -> None:
    assert local_time(MOMENT, zone, "en").endswith(offset)


def test_local_time_of_nothing_is_empty() -> None:
    assert local_time(None, "Asia/Shanghai", "zh_Hans") == ""


def test_local_time_follows_the_language() -> None:
    english = local_time(MOMENT, "Asia/Ho_Chi_Minh", "en", "long")
    chinese = local_time(MOMENT, "Asia/Shanghai", "zh_Hans", "long")
    vietnamese = local_time(MOMENT, "Asia/Ho_Chi_Minh", "vi", "long")
    assert "November" in english
    assert "11月" in chinese
    assert "tháng 11" in vietnamese


def test_crossing_midnight_changes_the_local_date() -> None:
    late = dt.datetime(2026, 11, 2, 16, 30, tzinfo=dt.UTC)
    assert "3 Nov 2026" in local_time(late, "Asia/Shanghai", "en")
    assert "2 Nov 2026" in local_time(late, "UTC", "en")


def test_babel_locales_are_regional() -> None:
    assert babel_locale("zh_Hans") == "zh_Hans_CN"
    assert babel_locale("vi") == "vi_VN"
    assert babel_locale("en") == "en_GB"


def test_translator_falls_back_to_the_message_and_fills_values() -> None:
    gettext = translator("en")
    assert gettext("A message no catalog has") == "A message no catalog has"
    assert gettext("Welcome, %(name)s", name="An") == "Welcome, An"
    assert translator("xx")("Home") == translator("en")("Home")
