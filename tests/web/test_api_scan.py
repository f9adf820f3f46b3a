"""The JSON API scanned with schemathesis against its own OpenAPI description.

Schemathesis reads /api/openapi.json from the running app, generates requests for every
operation (valid and invalid bodies, odd strings, huge and negative numbers) and calls the
app with an API token of an account holding every role, so every permission gate opens.
Each answer must not be a server error and must conform to the description: a documented
status, JSON where JSON is promised, a body matching its schema, invalid input refused with
a 4xx. (Valid-looking input may still be refused with 422 by a rule no schema states, such
as "a named report names its reporter", so schemathesis's positive-data check is left out.)
Requests without the token are the access matrix's anonymous column (401 on every API
route), so schemathesis's own no-auth probe, which would resend our header, is left out too.
Ids are described as 32-bit (PostgreSQL's integer); larger ones are #14 item 11's, tested
below. The budget is bounded.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, given, settings
from schemathesis.specs.openapi.checks import ignored_auth, positive_data_acceptance
from sqlalchemy.orm import Session, sessionmaker

from archive.kernel import accounts, clock
from archive.kernel.accounts import Role
from tests.factories import make_user
from tests.web.access_world import build_world
from web.openapi import OPERATIONS, api_rules, build_spec

EXAMPLES = 25


@pytest.fixture(scope="module")
def token(module_factory: sessionmaker[Session]) -> Iterator[str]:
    """A world to find things in, and a bearer token of an account with every role."""
    session = module_factory()
    build_world(session)
    clock.reset()
    user = make_user(session, *Role, username="api-scanner")
    raw, _row = accounts.issue_api_token(session, user=user, name="schemathesis")
    session.commit()
    session.close()
    yield raw


def test_api_answers_conform_and_never_fail(module_app: Flask, token: str) -> None:
    """Every operation, `EXAMPLES` generated requests each; all failures reported at once."""
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", module_app)
    headers = {"Authorization": f"Bearer {token}"}
    failures: list[str] = []
    operations = [result.ok() for result in schema.get_all_operations()]
    # Every route but the description itself, which schemathesis leaves out.
    assert len(operations) == len(api_rules(module_app)) - 1
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def scan(case) -> None:  # type: ignore[no-untyped-def]
            case.call_and_validate(
                headers=headers,
                excluded_checks=[positive_data_acceptance, ignored_auth],
            )

        try:
            scan()
        except (
            Exception,
            BaseExceptionGroup,
        ) as exc:  # report every operation's failures
            failures.append(f"{operation.label}: {type(exc).__name__}: {exc}"[:3000])
    assert not failures, "\n\n".join(failures)


def test_the_description_covers_every_api_route(module_app: Flask) -> None:
    """A new API route fails here until it is described (and a described one must exist)."""
    endpoints = {endpoint for _rule, _method, endpoint in api_rules(module_app)}
    assert endpoints == set(OPERATIONS)
    spec = build_spec(module_app)
    described = {
        (path, method.upper()) for path, ops in spec["paths"].items() for method in ops
    }
    assert len(described) == len(api_rules(module_app))
    served = module_app.test_client().get("/api/openapi.json")
    assert served.status_code == 200 and served.get_json() == spec


def test_an_over_long_id_is_not_found_not_a_server_error(
    module_app: Flask, token: str
) -> None:
    client = module_app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    for url in (
        "/api/cases/12345678901234567890",
        "/api/screening/batches/12345678901234567890",
    ):
        assert client.get(url, headers=headers).status_code == 404, url
