"""Markup stored in every free-text field a user can fill (cases, tips, evidence notes,
records, units, people, credit, screening titles and file names) never comes back raw: every
page, report-as-HTML and JSON-in-HTML the app serves is scanned for it."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime

from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from archive.kernel import clock
from archive.kernel.accounts import Role
from archive.kernel.people import PersonKind, create_person
from archive.records.models import PersonRef
from archive.submissions import services as screening
from casework.credit import services as credit
from casework.models import CaseSource
from casework.services import evidence, intake, tips
from casework.services.intake import ReporterInput
from tests.archive.factories_archive import make_case_file, make_record
from tests.casework.credit.factories_credit import sanction_input
from tests.factories import make_user
from tests.helpers import csrf_token, login

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(2)>'
META = '<meta http-equiv="refresh" content="0;url=//evil.example">'
HOSTILE = f"恶意{SCRIPT}{IMG}{META}"
FILE_NAME = '"><img src=x onerror=alert(2)><svg onload=alert(3)>.txt'  # no slash
#: What a page carries only when it let stored markup through unescaped.
RAW = ("<script>alert(", "<img src=x onerror", '<meta http-equiv="refresh"', "<svg onload")
ALL_ROLES = (
    Role.ADMINISTRATOR,
    Role.RESEARCH_OFFICE,
    Role.INVESTIGATOR,
    Role.COMMITTEE_MEMBER,
    Role.CREDIT_ADMIN,
    Role.DISCIPLINE_OFFICE,
    Role.AUDITOR,
)


def _seed(session: Session) -> dict[str, list[int]]:
    """One of everything a user can fill in, each with the hostile text in it."""
    clock.freeze(datetime(2026, 2, 1, 4, tzinfo=UTC))
    boss = make_user(session, *ALL_ROLES, username="scanner", display_name=HOSTILE[:60])
    session.info["actor"] = boss
    person = create_person(
        session, kind=PersonKind.TEACHER, name=HOSTILE[:128], unit=HOSTILE[:128]
    )
    unit = create_person(session, kind=PersonKind.UNIT, name=HOSTILE[:128])
    record = make_record(
        session,
        boss,
        title=HOSTILE,
        description=HOSTILE,
        unit=HOSTILE[:128],
        keywords=f"{SCRIPT};{IMG}",
        people=[PersonRef(HOSTILE[:100], "作者")],
    )
    case_file = make_case_file(
        session, None, title=HOSTILE, summary=HOSTILE, unit=HOSTILE[:128]
    )
    case = intake.open_case(
        session,
        actor=boss,
        title=HOSTILE,
        allegation=HOSTILE,
        source=CaseSource.NAMED,
        reporter=ReporterInput(name=HOSTILE[:60], contact=HOSTILE[:60], unit=HOSTILE[:60]),
    )
    intake.add_respondent(
        session,
        actor=boss,
        case_id=case.id,
        expected_version=case.version,
        kind=person.kind,
        name=person.name,
        person_id=person.id,
    )
    evidence.add_note(
        session, actor=boss, case_id=case.id, expected_version=None, title=HOSTILE, note=HOSTILE
    )
    receipt = tips.submit_tip(
        session,
        title=HOSTILE,
        allegation=HOSTILE,
        respondent_hint=HOSTILE,
        contact=HOSTILE,
    )
    tips.reporter_message(session, case=receipt.case, body=HOSTILE)
    credit.ingest_final_decision(
        session,
        actor="casework",
        case_id=case.id,
        entries=[
            sanction_input(unit, reason=HOSTILE, basis=HOSTILE, decision_number=HOSTILE[:60]),
            sanction_input(person, "S12", reason=HOSTILE, basis=HOSTILE),
        ],
    )
    batch = screening.create_batch(session, actor=boss, name=HOSTILE)
    sub = screening.add_file(
        session,
        batch=batch,
        actor=boss,
        file_name=FILE_NAME,
        stream=io.BytesIO(f"第一章 绪论\n{HOSTILE}研究背景与意义。".encode()),
    )
    session.commit()
    return {
        "record_id": [record.id, case_file.id],
        "case_id": [case.id, receipt.case.id],
        "person_id": [person.id, unit.id],
        "subject_id": [person.id, unit.id],
        "batch_id": [batch.id],
        "submission_id": [sub.id],
        "file_id": [f.id for f in case_file.files][:1],
        "_tip": [receipt.receipt_code, receipt.password],  # type: ignore[list-item]
    }


def _urls(client: FlaskClient, ids: dict[str, list[int]]) -> list[str]:
    """Every GET route, its id arguments filled with the seeded objects' ids."""
    urls = []
    for rule in client.application.url_map.iter_rules():
        if "GET" not in (rule.methods or ()) or rule.endpoint == "static":
            continue
        if not rule.arguments:
            urls.append(rule.rule)
            continue
        if not all(a in ids for a in rule.arguments):
            continue
        first = sorted(rule.arguments)[0]
        for value in ids[first]:
            url = rule.rule
            for arg in rule.arguments:
                chosen = value if arg == first else ids[arg][0]
                url = re.sub(rf"<(?:\w+:)?{arg}>", str(chosen), url)
            urls.append(url)
    return sorted(set(urls))


def test_stored_markup_never_comes_back_raw(client, session):
    ids = _seed(session)
    login(client, "scanner")
    urls = _urls(client, ids)
    urls += [
        "/archive/search?q=恶意",
        f"/archive/search?q=恶意&unit={HOSTILE[:128]}",
        "/credit/?q=恶意",
        "/public/sanctions",
    ]
    assert len(urls) > 40
    raw, errors, html_pages, seen = [], [], 0, set()
    for url in urls:
        response = client.get(url)
        if response.status_code >= 500:
            errors.append((url, response.status_code))
        if "html" not in (response.content_type or ""):
            continue
        html_pages += 1
        body = response.get_data(as_text=True)
        raw += [(url, marker) for marker in RAW if marker in body]
        if "&lt;script&gt;alert(" in body or "&lt;img src=x onerror" in body:
            seen.add(url)
    assert errors == []
    assert raw == []
    assert html_pages > 30 and len(seen) > 30  # the stored text did reach the pages


def test_the_tipsters_own_page_shows_the_markup_as_text(client, session):
    ids = _seed(session)
    code, password = ids["_tip"]
    tipster = client.application.test_client()
    page = tipster.post(
        "/tips/follow",
        data={"code": code, "password": password, "csrf_token": csrf_token(tipster)},
        follow_redirects=True,
    )
    body = page.get_data(as_text=True)
    assert page.status_code == 200 and "&lt;script&gt;alert(" in body
    assert [m for m in RAW if m in body] == []
