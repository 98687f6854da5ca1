"""Errors people can read: translated beside the field, the form shown again with what was typed,
whitespace refused, translated HTML error pages for browsers, one JSON error shape for the API."""

from __future__ import annotations

import html
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from tests.integration.conftest import Persona

Login = Callable[..., TestClient]
Bearer = Callable[[str], dict[str, str]]
HTML = {"Accept": "text/html"}

BLANK = {"vi": "Hãy nhập nội dung, không chỉ có dấu cách.", "zh_Hans": "请输入内容，不能只有空格。",
         "en": "Enter some text, not only spaces."}
NOT_ALLOWED = {"vi": "không nằm trong danh mục tội phạm xuyên quốc gia", "zh_Hans": "不在普通跨国犯罪的允许清单上",
               "en": "is not on the allow-list of ordinary transnational crime"}
LANGUAGES = ["vi", "zh_Hans", "en"]


def _refused_form(login: Login, language: str, **changes: str) -> str:
    """The new-request form sent with `changes` by a post officer: the page it answers, refused."""
    response = login("mongcai.officer").post(f"/hotline/new?lang={language}", data=_request_form(**changes))
    assert response.status_code == 422
    return html.unescape(response.text)


def _request_form(**changes: str) -> dict[str, str]:
    return {"kind": "information", "subject": "Kiểm tra hộ chiếu E7654321", "body": "Đề nghị xác minh.",
            "priority": "high", "offence_code": "07023", "handling_code": "H1",
            "recipient_unit_code": "CN-GX-DONGXING", "person_name": "Trần Văn Bình",
            "person_birth_date": "1990-04-12", **changes}


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_form_error_keeps_the_input_and_is_shown_in_each_language(
    personas: dict[str, Persona], login: Login, language: str
) -> None:
    page = _refused_form(login, language, body="   \n  ")
    assert f'<p class="field-error" id="body-error" role="alert">{BLANK[language]}</p>' in page
    assert 'aria-describedby="body-error"' in page
    assert 'value="Kiểm tra hộ chiếu E7654321"' in page
    assert 'value="Trần Văn Bình"' in page
    assert 'value="1990-04-12"' in page
    assert '<option value="high" selected>' in page
    assert '<option value="H1" selected>' in page
    assert '<option value="07023" selected>' in page


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_service_refusal_is_shown_beside_its_field(
    personas: dict[str, Persona], login: Login, language: str
) -> None:
    page = _refused_form(login, language, offence_code="99999")
    assert 'id="offence_code-error"' in page
    assert NOT_ALLOWED[language] in page
    assert 'value="Kiểm tra hộ chiếu E7654321"' in page


def test_a_rule_across_fields_is_shown_beside_the_field_it_names(personas: dict[str, Persona], login: Login) -> None:
    beside = _refused_form(login, "vi", kind="assistance").split('id="assistance_type-error"')[1]
    assert "Yêu cầu hỗ trợ cần ghi rõ loại hỗ trợ." in beside


def test_user_form_keeps_what_was_typed_but_not_the_password(personas: dict[str, Persona], login: Login) -> None:
    response = login("qn.admin").post("/users?lang=zh_Hans", data={
        "username": "page.officer", "display_name": "  ", "unit_code": "VN-QN-MONGCAI", "role": "commander",
        "password": "a-long-password-1",
    })
    assert response.status_code == 422
    page = html.unescape(response.text)
    assert f'id="display_name-error" role="alert">{BLANK["zh_Hans"]}' in page
    assert 'value="page.officer"' in page
    assert '<option value="VN-QN-MONGCAI" selected>' in page
    assert '<option value="commander" selected>' in page
    assert "a-long-password-1" not in page


def test_token_form_refuses_a_name_of_spaces(personas: dict[str, Persona], login: Login) -> None:
    response = login("mongcai.officer").post("/tokens?lang=vi", data={"name": "   "})
    assert response.status_code == 422
    assert BLANK["vi"] in html.unescape(response.text)


def test_form_inputs_carry_the_servers_limits(personas: dict[str, Persona], login: Login) -> None:
    page = login("mongcai.officer").get("/hotline/new").text
    assert 'id="subject" name="subject" required value="" maxlength="300" minlength="3"' in page
    assert 'maxlength="20000"' in page
    assert 'id="person_name" name="person_name" value="" maxlength="200"' in page


def test_api_errors_share_one_shape_and_speak_the_callers_language(
    personas: dict[str, Persona], app_client: TestClient, bearer: Bearer
) -> None:
    headers = {**bearer("mongcai.officer"), "Accept-Language": "vi"}
    payload = {"kind": "information", "subject": "ab", "body": "x", "offence_code": "07023",
               "recipient_unit_code": "CN-GX-DONGXING"}
    schema = app_client.post("/api/v1/hotline/requests", json=payload, headers=headers)
    assert schema.status_code == 422
    assert schema.json() == {"code": "invalid", "detail": "Hãy nhập ít nhất 3 ký tự.", "field": "subject",
                             "errors": [{"code": "string_too_short", "detail": "Hãy nhập ít nhất 3 ký tự.",
                                         "field": "subject"}]}
    rule = app_client.post("/api/v1/hotline/requests", json={**payload, "subject": "abc", "offence_code": "99999"},
                           headers=headers)
    assert rule.status_code == 422
    assert set(rule.json()) == {"code", "detail", "field", "errors"}
    assert rule.json()["field"] == "offence_code"
    assert NOT_ALLOWED["vi"] in rule.json()["detail"]
    nameless = app_client.post("/api/v1/hotline/requests", headers={**headers, "Accept-Language": "zh-CN"},
                               json={**payload, "subject": "abc", "references": [{"type": "person"}]})
    assert nameless.status_code == 422
    assert (nameless.json()["field"], nameless.json()["detail"]) == ("references.0.name", "请求所涉人员须填写姓名。")
    missing = app_client.get("/api/v1/hotline/requests/no-such-request", headers=headers)
    assert missing.status_code == 404
    assert missing.json()["code"] == "not_found"
    anonymous = app_client.get("/api/v1/hotline/inbox")
    assert anonymous.status_code == 401
    assert anonymous.headers["www-authenticate"] == "Bearer"
    assert anonymous.json()["code"] == "unauthenticated"


@pytest.mark.parametrize(("language", "title"), [("vi", "Không tìm thấy"), ("zh_Hans", "未找到"), ("en", "Not found")])
def test_a_browser_gets_translated_error_pages_never_json(
    personas: dict[str, Persona], login: Login, language: str, title: str
) -> None:
    client = login("mongcai.officer")
    for path in ("/hotline/requests/no-such-request", "/no-such-page"):
        response = client.get(f"{path}?lang={language}", headers=HTML)
        assert response.status_code == 404
        assert response.headers["content-type"].startswith("text/html")
        assert f"<h1>{title}</h1>" in response.text
    forbidden = client.get(f"/users?lang={language}", headers=HTML)
    assert forbidden.status_code == 403
    assert forbidden.headers["content-type"].startswith("text/html")
    invalid = client.post(f"/preferences?lang={language}", data={}, headers=HTML)
    assert invalid.status_code == 422
    assert invalid.headers["content-type"].startswith("text/html")
    assert client.get("/api/v1/hotline/requests/no-such-request", headers=HTML).headers[
        "content-type"].startswith("application/json")


def test_the_openapi_document_declares_the_error_answers(app_client: TestClient) -> None:
    paths = app_client.get("/openapi.json").json()["paths"]
    error = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}}
    read = paths["/api/v1/hotline/requests/{request_id}"]["get"]["responses"]
    assert {"401", "403", "404", "422"} <= set(read)
    create = paths["/api/v1/hotline/requests"]["post"]["responses"]
    assert {"401", "403", "413", "422"} <= set(create)
    assert create["422"]["content"] == error
    assert "401" not in paths["/health"]["get"]["responses"]


def test_a_route_that_refuses_a_taken_name_declares_409_in_the_error_shape(app_client: TestClient) -> None:
    users = app_client.get("/openapi.json").json()["paths"]["/api/v1/users"]["post"]["responses"]
    assert users["409"]["content"] == {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}}


def test_a_nul_character_in_the_query_is_refused_in_the_error_shape(app_client: TestClient) -> None:
    answer = app_client.get("/api/v1/hotline/inbox?q=a%00b")
    assert answer.status_code == 422
    assert answer.json()["code"] == "invalid"
