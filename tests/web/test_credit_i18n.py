"""Credit pages in English: the catalogue is merged and headings, tabs and states translate."""

from __future__ import annotations

from datetime import UTC, datetime

from archive.kernel import clock
from archive.kernel.accounts import Role
from casework.credit import services
from tests.casework.credit.factories_credit import make_subject, sanction_input
from tests.factories import make_user
from tests.helpers import login, text_of


def test_file_page_in_english(client, session):
    clock.freeze(datetime(2026, 2, 1, 4, tzinfo=UTC))
    make_user(session, Role.CREDIT_ADMIN, username="xy-en")
    person, _ = make_subject(session)
    services.ingest_final_decision(
        session, actor="casework", case_id=1, entries=[sanction_input(person)]
    )
    session.commit()
    login(client, "xy-en")
    client.get("/lang/en")
    text = text_of(client.get(f"/credit/people/{person.id}?tab=dishonesty"))
    for phrase in (
        "Dishonesty records",
        "Basic information",
        "Disclosed",
        "Seriously dishonest",
        "Repair possible from",
    ):
        assert phrase in text
    assert "Public list of sanctions" in text_of(client.get("/public/sanctions"))
