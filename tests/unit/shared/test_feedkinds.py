"""The work feed's declared kinds: `cards_of` reads a page of rows in one statement and builds a card
per row; `open_when` is SQL saying a feed entry's object exists and meets its conditions."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import ForeignKey, String, create_engine, select
from sqlalchemy.exc import InvalidRequestError
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, relationship, selectinload
from sqlalchemy.sql import ColumnElement
from tests.support.statements import statements_sent

from borderlink.shared.feedkinds import FeedCard, cards_of, open_when


class _Base(DeclarativeBase):
    pass


class _Request(_Base):
    __tablename__ = "feed_requests"
    id: Mapped[str] = mapped_column(String(10), primary_key=True)
    subject: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(10))
    hidden: Mapped[bool] = mapped_column(default=False)
    # Loading the notes lazily would raise: a card may read them only through a loader option.
    notes: Mapped[list[_Note]] = relationship(lazy="raise", order_by="_Note.id")


class _Note(_Base):
    __tablename__ = "feed_notes"
    id: Mapped[str] = mapped_column(String(10), primary_key=True)
    request_id: Mapped[str] = mapped_column(ForeignKey("feed_requests.id"))
    text: Mapped[str] = mapped_column(String(40))


class _Entry(_Base):
    """A feed entry naming an object by id, as the home page's feed does."""

    __tablename__ = "feed_entries"
    id: Mapped[int] = mapped_column(primary_key=True)
    object_id: Mapped[str] = mapped_column(String(10))


@pytest.fixture
def session() -> Iterator[Session]:
    engine = create_engine("sqlite://")
    _Base.metadata.create_all(engine)
    with Session(engine) as made:
        made.add_all([
            _Request(id="a", subject="Stolen truck", status="open"),
            _Request(id="b", subject="Missing child", status="closed"),
            _Request(id="c", subject="Seized cargo", status="open", hidden=True),
            _Note(id="n1", request_id="a", text="seen at gate 3"), _Note(id="n2", request_id="a", text="plate changed"),
            *(_Entry(object_id=object_id) for object_id in ("a", "b", "c", "gone")),
        ])
        made.flush()
        made.expunge_all()  # the cards read what the database holds, not what this session remembers
        yield made
    engine.dispose()


def _card(row: _Request, language: str) -> FeedCard:
    return FeedCard(title=row.subject, href=f"/requests/{row.id}", detail=f"{row.status} ({language})")


def test_cards_are_built_per_row_of_the_page_read_in_one_statement(session: Session) -> None:
    with statements_sent(session.get_bind().engine) as statements:
        cards = cards_of(_Request, _card)(session, ["a", "b", "gone"], "vi")
    assert cards == {"a": FeedCard("Stolen truck", "/requests/a", "open (vi)"),
                     "b": FeedCard("Missing child", "/requests/b", "closed (vi)")}  # an id gone has no card
    assert len(statements) == 1
    assert cards_of(_Request, _card)(session, [], "en") == {}


def test_loader_options_load_what_the_cards_show_of_related_rows(session: Session) -> None:
    def with_notes(row: _Request, language: str) -> FeedCard:
        return FeedCard(title=row.subject, href=f"/requests/{row.id}", detail=" · ".join(n.text for n in row.notes))

    with pytest.raises(InvalidRequestError, match="lazy='raise'"):  # without the option the card cannot read the notes
        cards_of(_Request, with_notes)(session, ["a"], "en")
    session.expunge_all()
    cards = cards_of(_Request, with_notes, selectinload(_Request.notes))(session, ["a", "c"], "en")
    assert {i: card.detail for i, card in cards.items()} == {"a": "seen at gate 3 · plate changed", "c": ""}


def test_an_entry_is_open_while_its_object_exists_and_meets_every_condition(session: Session) -> None:
    def open_entries(*conditions: ColumnElement[bool]) -> list[str]:
        is_open = open_when(_Request, *conditions)
        query = select(_Entry.object_id).where(is_open(_Entry.object_id.expression)).order_by(_Entry.object_id)
        return list(session.scalars(query))

    assert open_entries() == ["a", "b", "c"]  # an entry whose object is gone is never open
    assert open_entries(_Request.status == "open") == ["a", "c"]
    assert open_entries(_Request.status == "open", _Request.hidden.is_(False)) == ["a"]
