"""The API against its own OpenAPI document: generated requests as the node admin, as a post
officer and with no login, in-process (ASGI); every check of schemathesis must hold, not only
"no server error"."""

from __future__ import annotations

from collections.abc import Callable

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from tests.integration.conftest import Persona

from borderlink.app import create_app
from borderlink.node import Node

# A few examples per operation keep the run short; every operation and every check still runs.
EXAMPLES = 4
CALLERS = ["node.admin", "mongcai.officer", None]
# Domain rules that depend on stored data (a counterpart unit, a free username) refuse some
# schema-valid input with 422 in the one error shape; everything else a schema-valid request gets
# must be a success or an authorisation or lookup answer.
CONFIG = schemathesis.Config.from_dict({"checks": {"positive_data_acceptance": {
    "expected-statuses": ["2xx", "401", "403", "404", "409", "422"]}}})


def _failures(schema: schemathesis.BaseSchema, headers: dict[str, str]) -> list[str]:
    found = []
    for result in schema.get_all_operations():
        operation = result.ok()

        @given(case=operation.as_strategy())
        @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                  suppress_health_check=list(HealthCheck))
        def run(case: schemathesis.Case) -> None:
            case.call_and_validate(headers=headers)

        try:
            run()
        except Exception as exc:  # every operation is tried; all failures are reported together
            found.append(f"{operation.label}: {exc}")
    return found


@pytest.mark.parametrize("who", CALLERS, ids=lambda who: who or "anonymous")
def test_api_conforms_to_its_openapi_document(
    node: Node, personas: dict[str, Persona], bearer: Callable[[str], dict[str, str]], who: str | None
) -> None:
    app = create_app(node, run_background=False)
    # Live streams never end, so no request is generated against them.
    schema = schemathesis.openapi.from_asgi("/openapi.json", app, config=CONFIG).exclude(path_regex=r"/stream$")
    failures = _failures(schema, bearer(who) if who else {})
    assert not failures, "\n\n".join(failures)
