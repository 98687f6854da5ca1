"""The vi, zh_Hans and en catalogs cover every message the code and templates use, correctly."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from borderlink import domains
from borderlink.directory.models import Role, Tier
from borderlink.web import i18n_tools
from borderlink.web.i18n import LANGUAGES, translator
from borderlink.web.templating import environment


def _catalog_entries(language: str) -> list[tuple[str, str]]:
    path: Path = i18n_tools.catalog_path(i18n_tools.default_root(), language)
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=language)
    return [(str(m.id), str(m.string)) for m in catalog if m.id and m.string and not m.fuzzy]


def test_every_message_in_code_and_templates_is_translated() -> None:
    problems = i18n_tools.problems(languages=("vi", "zh_Hans", "en"))
    assert not problems, "Run `make i18n`, then translate:\n" + "\n".join(problems)


@pytest.mark.parametrize("language", LANGUAGES)
def test_translations_keep_the_placeholders_of_the_source(language: str) -> None:
    wrong = [
        f"{msgid!r} -> {text!r}" for msgid, text in _catalog_entries(language)
        if i18n_tools.placeholders(text) != i18n_tools.placeholders(msgid)
    ]
    assert not wrong, f"{language}: placeholders differ from the source:\n" + "\n".join(wrong)
    for msgid, text in _catalog_entries(language):
        names = re.findall(r"%\((\w+)\)", msgid)
        if names:
            assert "7" in text % dict.fromkeys(names, 7)  # a number fills %(n)s and %(n)d alike


def test_placeholders_are_read_as_python_format_does() -> None:
    assert i18n_tools.placeholders("Welcome, %(name)s") == {"%(name)s": 1}
    assert i18n_tools.placeholders("%(a)s and %(a)s, 100%%") == {"%(a)s": 2}
    assert i18n_tools.placeholders("%(name)s，您好") != i18n_tools.placeholders("Xin chào, %(nam)s")


@pytest.mark.parametrize(("language", "expected"), [
    ("vi", "Đăng nhập"), ("zh_Hans", "登录"), ("en", "Log in"),
])
def test_translator_returns_the_catalog_text(language: str, expected: str) -> None:
    assert translator(language)("Log in") == expected


def test_translator_fills_placeholders() -> None:
    assert translator("vi")("Welcome, %(name)s", name="Nguyễn Văn An") == "Xin chào, Nguyễn Văn An"
    assert translator("zh_Hans")("Welcome, %(name)s", name="李明") == "李明，您好"


@pytest.mark.parametrize("language", ["vi", "zh_Hans"])
def test_code_list_values_are_translated(language: str) -> None:
    lists = domains.code_lists()
    for code_list, values in ((lists["directory.role"], list(Role)), (lists["directory.tier"], list(Tier))):
        for value in values:
            assert code_list.label(value, language) != value.value, f"{language}: {value.value!r} is not translated"


@pytest.mark.parametrize(("language", "title", "error"), [
    ("vi", "Đăng nhập", "Tên đăng nhập, mật khẩu hoặc mã xác thực không đúng."),
    ("zh_Hans", "登录", "用户名、密码或验证码错误。"),
])
def test_login_page_renders_in_the_viewers_language(language: str, title: str, error: str) -> None:
    html = environment().get_template("web/login.html").render(
        _=translator(language), lang=language, principal=None, csrf_token="", next_path="/",
        username="", error="Wrong username, password or code.", node_party="VN", node_name="",
    )
    assert f"<h1>{title}</h1>" in html
    assert error in html
    assert "Log in" not in html


@pytest.mark.parametrize("language", ["vi", "zh_Hans"])
def test_every_navigation_label_is_extracted_and_translated(language: str) -> None:
    extracted = {message.id for message in i18n_tools.extract()}
    gettext = translator(language)
    for entry in domains.navigation():
        assert entry.label in extracted, entry.label
        assert gettext(entry.label) != entry.label, (language, entry.label)
