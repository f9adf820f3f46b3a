"""The check API as another system calls it: a bearer token, no cookies, no CSRF."""

from __future__ import annotations

from datetime import UTC, datetime

from archive.kernel import accounts, clock
from archive.kernel.accounts import Role
from casework.credit import services
from tests.casework.credit.factories_credit import make_subject, sanction_input
from tests.factories import make_user


def test_admission_system_checks_with_a_token(client, session):
    clock.freeze(datetime(2026, 2, 1, 4, tzinfo=UTC))
    system = make_user(session, Role.RESEARCH_OFFICE, username="project-system")
    token, _row = accounts.issue_api_token(session, user=system, name="项目申报系统")
    clean, _ = make_subject(session, university_id="API-CLEAN")
    banned, _ = make_subject(session, university_id="API-BANNED")
    services.ingest_final_decision(
        session, actor="casework", case_id=1, entries=[sanction_input(banned)]
    )
    session.commit()
    headers = {"Authorization": f"Bearer {token}"}
    ok = client.get(
        "/api/credit/check?person=API-CLEAN&action=project_application", headers=headers
    )
    assert ok.status_code == 200 and ok.get_json()["allowed"] is True
    no = client.get(
        "/api/credit/check?person=API-BANNED&action=project_application",
        headers=headers,
    ).get_json()
    assert no["allowed"] is False and no["until"] == "2029-01-09" and no["measures"]
    assert (
        client.get("/api/credit/people/API-BANNED", headers=headers).status_code == 403
    )
    assert (
        client.get("/api/credit/check?person=API-CLEAN&action=hiring").status_code
        == 401
    )
    assert clean.id != banned.id


def test_research_office_gets_a_check_panel_and_page(client, session):
    from tests.helpers import login, text_of

    make_user(session, Role.RESEARCH_OFFICE, username="ro-checker")
    make_subject(session, university_id="PANEL-1")
    session.commit()
    login(client, "ro-checker")
    assert 'data-testid="credit-check-panel"' in client.get("/").get_data(as_text=True)
    page = client.get("/credit/check?person=PANEL-1&action=project_application")
    assert page.status_code == 200 and "可以办理" in text_of(page)
    assert client.get("/credit/").status_code == 403
