"""A list's filters as SQL: each filter narrows the list, an empty or unknown value narrows nothing."""

from __future__ import annotations

import enum
from collections.abc import Iterator

import pytest
from sqlalchemy import String, create_engine, select
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from borderlink.shared import list_filters


class _Colour(enum.StrEnum):
    RED = "red"
    BLUE = "blue"


class _Base(DeclarativeBase):
    pass


class _Item(_Base):
    __tablename__ = "filtered_items"
    id: Mapped[str] = mapped_column(String(10), primary_key=True)
    colour: Mapped[_Colour] = mapped_column(String(10))
    code: Mapped[str] = mapped_column(String(10))


@pytest.fixture
def session() -> Iterator[Session]:
    engine = create_engine("sqlite://")
    _Base.metadata.create_all(engine)
    with Session(engine) as made:
        made.add_all([_Item(id="a", colour=_Colour.RED, code="0601_1"), _Item(id="b", colour=_Colour.BLUE, code="0601"),
                      _Item(id="c", colour=_Colour.RED, code="0701")])
        made.flush()
        yield made
    engine.dispose()


def _ids(session: Session, *conditions: object) -> list[str]:
    where = list_filters.all_of(*conditions)  # type: ignore[arg-type]
    return list(session.scalars(select(_Item.id).where(*where).order_by(_Item.id)))


def test_each_filter_narrows_and_empty_or_unknown_values_do_not(session: Session) -> None:
    assert _ids(session, list_filters.code(_Item.colour, _Colour, "red")) == ["a", "c"]
    unknown, empty = list_filters.code(_Item.colour, _Colour, "green"), list_filters.code(_Item.colour, _Colour, None)
    assert _ids(session, unknown, empty) == ["a", "b", "c"]
    assert _ids(session, list_filters.prefix(_Item.code, " 0601 ")) == ["a", "b"]
    assert _ids(session, list_filters.prefix(_Item.code, "0601_")) == ["a"]  # `_` is itself, not any character
    assert _ids(session, list_filters.prefix(_Item.code, "   ")) == ["a", "b", "c"]
    red = _Item.colour == _Colour.RED
    assert _ids(session, list_filters.yes_no(red, False)) == ["b"]
    assert _ids(session, list_filters.yes_no(red, None), list_filters.prefix(_Item.code, "07")) == ["c"]
