"""Code lists: one mechanism for validation, form options and display in three languages."""

from __future__ import annotations

import enum
import json

import pytest

from borderlink import domains
from borderlink.errors import InvalidInput
from borderlink.shared import codelists


class Colour(enum.StrEnum):
    RED = "red"
    BLUE = "blue"


DATA = json.dumps({
    "demo.colour": {"note": "A colour.", "codes": [
        {"code": "red", "en": "red", "vi": "đỏ", "zh_Hans": "红"},
        {"code": "blue", "en": "blue", "vi": "xanh", "zh_Hans": "蓝"},
    ]},
    "demo.case_status": {"note": "Status of a case.", "codes": [
        {"code": "closed", "en": "closed", "vi": "đã đóng hồ sơ", "zh_Hans": "已结案"},
    ]},
    "demo.request_status": {"note": "Status of a request.", "codes": [
        {"code": "closed", "en": "closed", "vi": "đã kết thúc", "zh_Hans": "已办结"},
    ]},
})


def test_the_same_code_is_labelled_apart_in_two_lists() -> None:
    lists = codelists.parse("demo", DATA)
    assert lists["demo.case_status"].label("closed", "zh_Hans") == "已结案"
    assert lists["demo.request_status"].label("closed", "zh_Hans") == "已办结"


def test_options_and_labels_follow_the_language() -> None:
    colours = codelists.parse("demo", DATA, {"demo.colour": Colour})["demo.colour"]
    assert colours.options("vi") == [("red", "đỏ"), ("blue", "xanh")]
    assert colours.label(Colour.BLUE, "zh_Hans") == "蓝"
    assert colours.label("green", "vi") == "green"  # a code from a newer peer shows as itself


def test_a_list_bound_to_an_enum_must_hold_its_values() -> None:
    class Shade(enum.StrEnum):
        RED = "red"
        GREEN = "green"

    with pytest.raises(ValueError, match=r"demo\.colour"):
        codelists.parse("demo", DATA, {"demo.colour": Shade})


def test_require_refuses_a_code_off_the_list_naming_the_field() -> None:
    colours = codelists.parse("demo", DATA)["demo.colour"]
    assert colours.require("red", field="colour") == "red"
    with pytest.raises(InvalidInput) as caught:
        colours.require("green", field="colour")
    assert caught.value.field == "colour"
    assert caught.value.params == {"value": "green"}


def test_a_missing_label_is_a_problem() -> None:
    broken = codelists.parse("demo", json.dumps({"demo.x": {"codes": [{"code": "a", "en": "a", "vi": "a"}]}}))
    assert broken["demo.x"].problems() == ["demo.x: code 'a' has no zh_Hans label"]


def test_every_domain_code_list_is_labelled_in_every_language() -> None:
    lists = domains.code_lists()
    assert {"directory.role", "directory.tier", "hotline.status", "hotline.priority", "hotline.kind",
            "hotline.handling_code", "hotline.assistance_type", "safeguards.offence"} <= set(lists)
    assert [problem for code_list in lists.values() for problem in code_list.problems()] == []


def test_labels_reach_the_catalogs_under_their_list_as_message_context() -> None:
    """The shipped catalogs hold every code-list label with its list as msgctxt, and the labels
    shown come from there: "closed" of a request is its own entry, apart from any other list's."""
    from babel.messages.pofile import read_po

    from borderlink.web import i18n
    from borderlink.web.i18n_tools import catalog_path, default_root

    request_status = domains.code_lists()["hotline.status"]
    for language in ("vi", "zh_Hans"):
        with catalog_path(default_root(), language).open("rb") as handle:
            catalog = read_po(handle, locale=language)
        entry = catalog.get("closed", "hotline.status")
        assert entry is not None
        assert entry.string == request_status.codes[-1].labels[language]
        assert i18n.pgettext(language, "hotline.status", "closed") == entry.string
        assert request_status.label("closed", language) == entry.string
        assert "closed" not in i18n.catalog(language)  # no context-free "closed" to confuse it with


def test_a_catalog_label_that_differs_from_the_data_file_is_a_problem(monkeypatch: pytest.MonkeyPatch) -> None:
    from borderlink.web import i18n_tools

    real = i18n_tools.code_list_labels

    def changed(language: str) -> dict[tuple[str, str], str]:
        labels = real(language)
        if language == "vi":
            labels[("hotline.status", "closed")] = "đã đóng"
        return labels

    monkeypatch.setattr(i18n_tools, "code_list_labels", changed)
    assert any("'closed' in hotline.status differs from data/codelists.json" in problem
               for problem in i18n_tools.problems(languages=("vi",)))
