"""Each viewer sees the interface in their language and times in their own zone."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from tests.integration.conftest import Persona

from borderlink.directory.models import User
from borderlink.node import Node
from borderlink.web.deps import language_cookie

Login = Callable[..., TestClient]

MONG_CAI = {
    "vi": "Đồn Biên phòng cửa khẩu quốc tế Móng Cái",
    "zh_Hans": "芒街国际口岸边防站",
    "en": "Móng Cái International Border Gate Post",
}
DONGXING = {
    "vi": "Trạm Kiểm tra Biên phòng Đông Hưng",
    "zh_Hans": "东兴出入境边防检查站",
    "en": "Dongxing Border Inspection Station",
}
UNIT_DIRECTORY = {"vi": "Danh bạ đơn vị", "zh_Hans": "单位名录", "en": "Unit directory"}
NOW = {"vi": "Hiện tại", "zh_Hans": "当前时间", "en": "Now"}
HTML_LANG = {"vi": "vi", "zh_Hans": "zh-Hans", "en": "en"}


def page_language(html: str) -> str:
    match = re.search(r'<html lang="([^"]+)">', html)
    assert match, "page has no language"
    return {v: k for k, v in HTML_LANG.items()}[match.group(1)]


def shown_now(html: str) -> str:
    match = re.search(r"<p>[^<:]+: ([^<]+)</p>", html)
    assert match, "home page shows no time"
    return match.group(1)


@pytest.mark.parametrize("language", ["vi", "zh_Hans", "en"])
def test_lang_parameter_switches_unit_names_and_interface(
    personas: dict[str, Persona], login: Login, language: str
) -> None:
    page = login("qn.commander").get(f"/units?lang={language}")
    assert page.status_code == 200
    assert page_language(page.text) == language
    assert MONG_CAI[language] in page.text
    assert DONGXING[language] in page.text
    assert UNIT_DIRECTORY[language] in page.text
    for other in {"vi", "zh_Hans", "en"} - {language}:
        assert MONG_CAI[other] not in page.text


def test_vietnamese_node_speaks_vietnamese_by_default(personas: dict[str, Persona], login: Login) -> None:
    assert page_language(login("mongcai.officer").get("/units").text) == "vi"


def test_browser_language_is_used_when_nothing_else_is_set(personas: dict[str, Persona], login: Login) -> None:
    client = login("mongcai.officer")
    page = client.get("/units", headers={"Accept-Language": "zh-CN,zh;q=0.9"})
    assert page_language(page.text) == "zh_Hans"


def test_preference_beats_the_browser_and_the_parameter_beats_both(
    node: Node, personas: dict[str, Persona], login: Login
) -> None:
    client = login("mongcai.officer")
    assert client.post("/preferences", data={"language": "en", "timezone": "Asia/Ho_Chi_Minh"}).status_code == 303
    chinese_browser = {"Accept-Language": "zh-CN"}
    assert page_language(client.get("/units", headers=chinese_browser).text) == "en"
    assert page_language(client.get("/units?lang=vi", headers=chinese_browser).text) == "vi"


def test_login_page_remembers_the_chosen_language(app_client: TestClient) -> None:
    chosen = app_client.get("/login?lang=zh_Hans")
    assert page_language(chosen.text) == "zh_Hans"
    assert "登录" in chosen.text
    assert app_client.cookies.get(language_cookie("VN")) == "zh_Hans"
    assert page_language(app_client.get("/login").text) == "zh_Hans"
    assert page_language(app_client.get("/login?lang=xx").text) == "zh_Hans"


def test_vietnamese_user_sees_utc_plus_7(personas: dict[str, Persona], login: Login) -> None:
    home = login("mongcai.officer").get("/?lang=en")
    assert NOW["en"] in home.text
    now = shown_now(home.text)
    assert now.endswith("(UTC+7)")
    assert "10:00" in now  # the node's clock reads 03:00 UTC
    assert "Asia/Ho_Chi_Minh" in home.text


def test_user_preferring_shanghai_time_sees_utc_plus_8(node: Node, personas: dict[str, Persona], login: Login) -> None:
    client = login("qn.commander")
    saved = client.post("/preferences", data={"language": "zh_Hans", "timezone": "Asia/Shanghai"})
    assert saved.status_code == 303
    assert saved.headers["location"] == "/preferences"
    home = client.get("/")
    assert page_language(home.text) == "zh_Hans"
    assert NOW["zh_Hans"] in home.text
    now = shown_now(home.text)
    assert now.endswith("(UTC+8)")
    assert "11:00" in now
    other = login("mongcai.officer").get("/?lang=en")
    assert shown_now(other.text).endswith("(UTC+7)")


def test_preferences_are_saved_and_shown(node: Node, personas: dict[str, Persona], login: Login) -> None:
    client = login("mongcai.officer")
    response = client.post("/preferences", data={"language": "en", "timezone": "UTC"})
    assert response.status_code == 303
    assert client.cookies.get(language_cookie("VN")) == "en"
    with node.transaction() as session:
        user = session.get(User, personas["post_officer"].user_id)
        assert user is not None
        assert (user.language, user.timezone) == ("en", "UTC")
    page = client.get("/preferences")
    assert '<option value="en" selected>' in page.text
    assert '<option value="UTC" selected>' in page.text
    assert shown_now(client.get("/").text).endswith("(UTC+0)")


@pytest.mark.parametrize(("language", "timezone"), [("en", "Mars/Base"), ("fr", "UTC")])
def test_bad_preferences_are_refused_and_not_saved(
    node: Node, personas: dict[str, Persona], login: Login, language: str, timezone: str
) -> None:
    client = login("mongcai.officer")
    response = client.post("/preferences", data={"language": language, "timezone": timezone})
    assert response.status_code == 422
    with node.transaction() as session:
        user = session.get(User, personas["post_officer"].user_id)
        assert user is not None
        assert (user.language, user.timezone) == (None, None)


def test_token_creation_time_is_shown_in_the_viewer_zone(personas: dict[str, Persona], login: Login) -> None:
    client = login("mongcai.officer")
    client.post("/tokens", data={"name": "laptop"})
    assert "(UTC+7)" in client.get("/tokens").text
    client.post("/preferences", data={"language": "vi", "timezone": "Asia/Shanghai"})
    assert "(UTC+8)" in client.get("/tokens").text


def test_the_language_cookie_is_the_nodes_own_and_the_shared_one_is_still_read(app_client: TestClient) -> None:
    app_client.cookies.set("bl_lang", "vi")  # as nodes named it before each had its own
    assert page_language(app_client.get("/login").text) == "vi"
    app_client.get("/login?lang=zh_Hans")
    assert app_client.cookies.get(language_cookie("VN")) == "zh_Hans"
    assert app_client.cookies.get("bl_lang") == "vi"  # another node's choice is left alone
    assert page_language(app_client.get("/login").text) == "zh_Hans"
    assert language_cookie("VN") != language_cookie("CN")
