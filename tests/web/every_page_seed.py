"""Demo-like data for the every-page test: one user per role, a case walked to its final
decision, an anonymous tip, a screened batch, archive records and a case file, a credit
file with a sanction and a repair application, a people register entry."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from sqlalchemy.orm import Session

from archive.corpus import services as corpus
from archive.kernel import clock
from archive.kernel.accounts import Role, User
from archive.kernel.people import PersonKind, create_person
from archive.submissions import services as submissions
from casework.credit import services as credit
from casework.models import CaseState
from tests.archive.factories_archive import make_case_file, make_record
from tests.archive.factories_screening import SOURCE_A, SOURCE_B, THESIS
from tests.casework.credit.factories_credit import sanction_input
from tests.casework.factories_casework import make_cast, named_case, tip_case, walk_to
from tests.factories import make_user

ROLE_USERS = {role: f"every-{role.value}" for role in Role}


@dataclass
class Seeded:
    """The ids a page URL may need, and the users who may open them."""

    ids: dict[str, int] = field(default_factory=dict)
    usernames: list[str] = field(default_factory=list)
    tip_code: str = ""
    tip_password: str = ""
    report_number: str = ""
    report_code: str = ""


def seed_everything(session: Session) -> Seeded:
    """Commit demo-like data and return what the page URLs need."""
    clock.freeze(datetime(2026, 6, 1, 4, tzinfo=UTC))
    out = Seeded()
    users: dict[Role, User] = {}
    for role, username in ROLE_USERS.items():
        users[role] = make_user(
            session, role, username=username, display_name="演示用户"
        )
        out.usernames.append(username)
    session.info["actor"] = users[Role.ADMINISTRATOR]
    out.ids["user_id"] = users[Role.TEACHER].id
    _seed_cases(session, out)
    _seed_screening(session, out, users[Role.RESEARCH_OFFICE])
    _seed_archive(session, out, users[Role.RESEARCH_OFFICE])
    _seed_credit(session, out, users[Role.CREDIT_ADMIN])
    session.commit()
    return out


def _seed_cases(session: Session, out: Seeded) -> None:
    cast = make_cast(session)
    case = walk_to(session, cast, named_case(session, cast), CaseState.FINAL)
    out.ids["case_id"] = case.id
    out.usernames.append(cast.respondent_user.username)
    out.usernames.append(cast.lead.username)
    receipt = tip_case(session)
    out.tip_code, out.tip_password = receipt.receipt_code, receipt.password


def _seed_screening(session: Session, out: Seeded, office: User) -> None:
    corpus.add_document(
        session, doc_id="every/a.txt", text=SOURCE_A, title="科研诚信制度研究"
    )
    corpus.add_document(
        session, doc_id="every/b.txt", text=SOURCE_B, title="量子计算综述"
    )
    batch = submissions.create_batch(session, actor=office, name="演示批次")
    sub = submissions.add_file(
        session,
        batch=batch,
        actor=office,
        file_name="2020001_张三_教育学_科研诚信研究.txt",
        stream=io.BytesIO(THESIS.encode()),
    )
    out.ids["batch_id"], out.ids["submission_id"] = batch.id, sub.id


def _seed_archive(session: Session, out: Seeded, office: User) -> None:
    record = make_record(session, office, title="钙钛矿太阳能电池稳定性研究")
    out.ids["record_id"] = record.id
    case_file = make_case_file(session, None, title="关于论文数据造假的举报案卷")
    out.ids["case_file_id"] = case_file.id


def _seed_credit(session: Session, out: Seeded, admin: User) -> None:
    student = make_user(session, Role.STUDENT, username="every-subject")
    out.usernames.append(student.username)
    person = create_person(
        session,
        kind=PersonKind.STUDENT,
        name="李小红",
        university_id="S20269001",
        unit="教育学院",
        id_number="11010519491231002X",
        user_id=student.id,
    )
    [record] = credit.ingest_final_decision(
        session,
        actor="casework",
        case_id=None,
        entries=[
            sanction_input(
                person, "S12", starts_on=date(2025, 1, 10), ends_on=date(2027, 1, 9)
            )
        ],
    )
    out.ids["person_id"] = person.id
    out.ids["credit_record_id"] = record.id
    credit.ensure_templates(session)
    templates = credit.list_templates(session)
    out.ids["template_id"] = templates[0].id
    application = credit.apply_for_repair(
        session,
        actor=student,
        record_id=record.id,
        statement="已认真整改",
        has_met_obligations=True,
        sign_repair_commitment=True,
    )
    out.ids["repair_id"] = application.id
    report = credit.issue_report(session, actor=admin, person_id=person.id)
    out.report_number, out.report_code = report.number, report.verification_code
