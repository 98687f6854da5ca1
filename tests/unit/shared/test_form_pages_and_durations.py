"""The page forms' shared steps (a refusal undone and shown in the reader's language beside its
input, what was typed kept) and the administrators' duration settings, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import enum
import uuid
from collections.abc import Iterator

import pytest
from pydantic import BaseModel, Field
from sqlalchemy import String, create_engine, delete, inspect, select
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column
from starlette.datastructures import FormData
from starlette.requests import Request
from tests.conftest import postgres_url

from borderlink.errors import InvalidInput, NotFound
from borderlink.shared import static_cache
from borderlink.shared.durations import DurationSetting, DurationSettings
from borderlink.shared.shapes import ListQuery
from borderlink.web import form_pages as forms

_SUFFIX = uuid.uuid4().hex[:8]


class _Base(DeclarativeBase):
    pass


class _Note(_Base):
    __tablename__ = f"form_notes_{_SUFFIX}"
    name: Mapped[str] = mapped_column(String(20), primary_key=True)


class _NoteForm(BaseModel):
    name: str = Field(max_length=5)


def _urls() -> list[str]:
    return ["sqlite://", *([url] if (url := postgres_url()) else [])]


@pytest.fixture(params=_urls(), ids=lambda url: url.split(":")[0])
def session(request: pytest.FixtureRequest) -> Iterator[Session]:
    engine = create_engine(request.param)
    _Base.metadata.create_all(engine)
    try:
        with Session(engine) as made:
            yield made
    finally:
        _Base.metadata.drop_all(engine)
        engine.dispose()


def _page_request(language: str, query: str = "") -> Request:
    request = Request({"type": "http", "method": "POST", "path": "/notes", "query_string": query.encode(),
                       "headers": [], "state": {}})
    request.state.language = language
    return request


def _add(session: Session, name: str) -> _Note:
    note = _Note(name=_NoteForm.model_validate({"name": name}).name)
    session.add(note)
    session.flush()
    return note


def test_a_refused_action_is_undone_and_shown_beside_its_input_in_the_readers_language(session: Session) -> None:
    kept = forms.attempt(_page_request("vi"), session, lambda: _add(session, "ok"))
    assert isinstance(kept, _Note)
    refused = forms.attempt(_page_request("vi"), session, lambda: _add(session, "far too long"),
                            rename=lambda field: f"note_{field}")
    assert refused == forms.Refusal({"note_name": "Hãy nhập tối đa 5 ký tự."}, 422)
    assert session.scalars(select(_Note.name)).all() == ["ok"]


def test_a_service_refusal_keeps_its_status_and_a_hidden_object_can_stay_a_404(session: Session) -> None:
    def missing() -> None:
        raise NotFound("There is no such request, or you may not see it.")

    def refused_rule() -> None:
        session.add(_Note(name="half"))
        session.flush()
        raise InvalidInput("A deadline is between 1 second and %(days)s days.", field="low", days=90)

    shown = forms.attempt(_page_request("zh_Hans"), session, refused_rule)
    assert shown == forms.Refusal({"low": "期限须在 1 秒至 90 天之间。"}, 422)
    assert session.scalars(select(_Note.name)).all() == []
    assert isinstance(forms.attempt(_page_request("en"), session, missing), forms.Refusal)
    with pytest.raises(NotFound):
        forms.attempt(_page_request("en"), session, missing, hidden_is_refusal=False)


def test_what_was_typed_is_kept_and_the_page_link_keeps_the_filters() -> None:
    form = FormData([("subject", "  Boat  "), ("body", "")])
    assert forms.typed(form, ("subject", "body", "priority")) == {"subject": "  Boat  ", "body": "", "priority": ""}
    assert forms.typed(form, ("subject",), strip=True) == {"subject": "Boat"}
    request = _page_request("en", "status=sent&cursor=old&q=tr%C3%A2n")
    assert forms.page_link(request, "/hotline", "next") == "/hotline?status=sent&q=tr%C3%A2n&cursor=next"
    assert forms.page_link(request, "/hotline", None) is None
    assert forms.offered("sent", ("sent", "closed")) == "sent"
    assert forms.offered("<script>", ("sent", "closed")) is None


@pytest.fixture
def durations_table(session: Session) -> Iterator[None]:
    """The shared table, made for the test unless the database holds it already."""
    bind = session.get_bind()
    made = not inspect(bind).has_table(DurationSetting.__tablename__)
    if made:
        DurationSetting.__table__.create(bind)
    yield
    session.rollback()
    if made:
        DurationSetting.__table__.drop(bind)
    else:
        session.execute(delete(DurationSetting).where(DurationSetting.settings == _GROUP))
        session.commit()


_GROUP = f"test.durations.{_SUFFIX}"


@pytest.mark.usefixtures("durations_table")
def test_durations_fall_back_to_defaults_and_refuse_out_of_bounds(session: Session) -> None:
    settings = DurationSettings(_GROUP, {"fast": dt.timedelta(hours=1), "slow": dt.timedelta(days=3)},
                                max_seconds=86400)
    static_cache.enable()
    try:
        assert settings.all(session) == {"fast": dt.timedelta(hours=1), "slow": dt.timedelta(days=3)}
        settings.set(session, {"fast": 600, "slow": None})
        settings.set(session, {"fast": 900})
        assert settings.of(session, "fast") == dt.timedelta(minutes=15)
        assert settings.of(session, "slow") == dt.timedelta(days=3)
        with pytest.raises(InvalidInput) as refused:
            settings.set(session, {"slow": 86401}, fields={"slow": "slow_minutes"})
        assert (refused.value.field, refused.value.params) == ("slow_minutes", {"days": 1})
        session.commit()
        assert settings.of(session, "fast") == dt.timedelta(minutes=15)
    finally:
        static_cache.enable(False)


class _Shade(enum.StrEnum):
    RED = "red"
    BLUE = "blue"


class _ShadeFilter(ListQuery):
    shade: _Shade | None = None
    mine: bool | None = None


def _query(query_string: str) -> Request:
    return Request({"type": "http", "method": "GET", "path": "/", "query_string": query_string.encode(),
                    "headers": []})


def test_a_list_page_reads_its_filters_as_the_api_does_and_drops_what_it_does_not_take() -> None:
    filters = forms.page_query(_ShadeFilter)
    assert filters(_query("shade=blue&mine=1&q=Li+Wei&cursor=abc")) == _ShadeFilter(
        shade=_Shade.BLUE, mine=True, q="Li Wei", cursor="abc")
    # A hand-edited value filters nothing, an empty one is left out, the rest still filter.
    assert filters(_query("shade=green&mine=&q=x&limit=0")) == _ShadeFilter(q="x")
    assert filters(_query("other=1")) == _ShadeFilter()


class _ShadePageFilter(_ShadeFilter):
    mine: bool | None = Field(default=None, validation_alias="only_mine")


def test_a_list_page_reads_a_filter_under_the_name_its_form_gives_it() -> None:
    filters = forms.page_query(_ShadePageFilter)
    assert filters(_query("only_mine=1&shade=red")) == _ShadePageFilter(only_mine=True, shade=_Shade.RED)
    assert filters(_query("mine=1")) == _ShadePageFilter()
    assert filters(_query("only_mine=perhaps&shade=red")) == _ShadePageFilter(shade=_Shade.RED)
