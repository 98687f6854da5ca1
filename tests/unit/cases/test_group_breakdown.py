"""The breakdown of an intercepted group as an officer types it on the case page: one line per
nationality and sex with its count, in capitals or not, separated by spaces, commas or semicolons."""

from __future__ import annotations

import pytest

from borderlink.cases.work_pages import breakdown_of
from borderlink.errors import InvalidInput


def test_each_line_is_a_nationality_a_sex_and_a_count() -> None:
    assert breakdown_of("VNM F 7\n\n vnm, m; 5 \nCHN F 1") == [
        {"nationality": "VNM", "sex": "F", "count": 7}, {"nationality": "VNM", "sex": "M", "count": 5},
        {"nationality": "CHN", "sex": "F", "count": 1}]
    assert breakdown_of("") == []


@pytest.mark.parametrize("line", ["VNM 7", "Vietnam F 7", "VNM X 7", "VNM F seven", "VNM F 7 minors"])
def test_a_line_of_another_shape_is_refused_by_name(line: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        breakdown_of(f"VNM F 2\n{line}")
    assert refused.value.field == "breakdown"
