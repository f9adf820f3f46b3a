"""The access matrix's world: one of every object, and one actor for every role × relation.

Built once per module through the real services (cases walked through the workflow, a
screened batch, archive records, credit files, a tip), so every route of the app has a real
object to point at and every actor a real relation to it.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from archive.corpus.services import add_document
from archive.kernel import clock
from archive.kernel.accounts import Role, User
from archive.kernel.files import store_bytes
from archive.kernel.people import Person, PersonKind, create_person
from archive.records.access import set_access
from archive.records.models import RecordFile, RecordType
from archive.records.retention import request_disposal
from archive.records.services import find_case_file
from archive.submissions.services import add_file, create_batch
from casework.credit import commitments, repair
from casework.credit.export import export_changes
from casework.credit.models import (
    CommitmentTemplate,
    CommitmentVersion,
    CreditRecord,
    EvaluationKind,
)
from casework.credit.report import issue_report
from casework.credit.sanction_list import ingest_final_decision
from casework.models import (
    Case,
    CaseDocument,
    CaseSanction,
    CaseState,
    Interview,
    Relation,
)
from casework.models.deadlines import CaseReminder
from casework.services import evidence, intake, panel, tips
from casework.services.deadlines import open_deadlines
from tests.archive.factories_archive import make_record
from tests.casework.credit.factories_credit import sanction_input
from tests.casework.factories_casework import (
    Cast,
    make_cast,
    move,
    named_case,
    walk_to,
)
from tests.factories import make_user

S = CaseState
ID_NUMBER = "110101200001011234"  # make_cast's respondent
STAFF_ID_NUMBER = "110101197003035678"
REPORTER = "举报人王秘密"
REPORTER_CONTACT = "13800000000"  # named_case's reporter contact
TIPSTER_CONTACT = "tipster-secret@example.com"
SEALED_TITLE = "封存档案：专利申请前的保密技术方案"
RESPONDENT_NAME = "被举报人郑某某"
STAFF_RESPONDENT_NAME = "兼任调查员的被举报人"
ALLEGATION = "被举报人的硕士论文第三章大段抄袭他人已发表论文。"  # named_case's
RELATED = (
    ("investigator/panel-lead", "panel"),
    ("investigator/recused", "recused"),
    ("investigator/intake-office", "intake"),
    ("committee_member/committee", "committee"),
    ("student/respondent", "respondent"),
    ("investigator+teacher/respondent", "staff_respondent"),
    ("research_office/batch-owner", "owner"),
    ("credit_admin/report-issuer", "issuer"),
)
ACTOR_LABELS = (
    "anonymous",
    *(f"{role.value}/stranger" for role in Role),
    *(label for label, _relation in RELATED),
    "tipster",
)


@dataclass
class Actor:
    """One row of the matrix: a user (or nobody) and its relation to the world's objects."""

    label: str
    user: User | None
    relation: str
    tip_case_id: int | None = None

    @property
    def roles(self) -> frozenset[Role]:
        """The roles the actor holds."""
        return frozenset(self.user.roles) if self.user is not None else frozenset()


@dataclass
class World:
    """Ids of the objects routes point at, and the actors."""

    ids: dict[str, int | str] = field(default_factory=dict)
    actors: list[Actor] = field(default_factory=list)

    def actor(self, label: str) -> Actor:
        """The actor of a matrix row."""
        return next(a for a in self.actors if a.label == label)


def _staff_respondent(session: Session, n: str) -> tuple[User, int]:
    """An investigator who is himself a respondent (a teacher of the same university)."""
    user = make_user(
        session,
        Role.INVESTIGATOR,
        Role.TEACHER,
        username=f"am-staff-resp{n}",
        display_name=STAFF_RESPONDENT_NAME,
        unit="化学学院",
        university_id=f"T-AM-{n}",
    )
    person = create_person(
        session,
        kind=PersonKind.TEACHER,
        name=STAFF_RESPONDENT_NAME,
        university_id=user.university_id,
        unit="化学学院",
        id_number=STAFF_ID_NUMBER,
        user_id=user.id,
    )
    return user, person.id


def _case_with_two_respondents(
    session: Session, cast: Cast, staff_person_id: int
) -> int:
    """A named report naming the cast's respondent and the staff respondent."""
    case = named_case(session, cast, reporter_name=REPORTER)
    intake.add_respondent(
        session,
        actor=cast.office,
        case_id=case.id,
        expected_version=case.version,
        kind=PersonKind.TEACHER,
        name=STAFF_RESPONDENT_NAME,
        person_id=staff_person_id,
    )
    return case.id


def build_world(
    session: Session,
) -> World:  # long: one world, built in the order it must be
    """Every object kind once, with the relations the matrix asks about."""
    clock.freeze(datetime(2026, 3, 2, 2, tzinfo=UTC))
    world = World()
    ids = world.ids
    cast = make_cast(session)
    cast.respondent_user.username = "am-respondent"
    cast.respondent.name = RESPONDENT_NAME
    cast.respondent_user.display_name = RESPONDENT_NAME
    staff_user, staff_person_id = _staff_respondent(session, "1")
    recused = make_user(
        session, Role.INVESTIGATOR, username="am-recused", unit="外语学院"
    )

    # The live case: investigating, a panel, a recused member, evidence, an interview.
    live = session.get(Case, _case_with_two_respondents(session, cast, staff_person_id))
    live = walk_to(session, cast, live, S.INVESTIGATING)
    panel.assign_member(
        session,
        actor=cast.office,
        case_id=live.id,
        expected_version=None,
        user_id=recused.id,
    )
    panel.declare_conflict(
        session,
        actor=recused,
        case_id=live.id,
        expected_version=None,
        user_id=recused.id,
        relation=Relation.RELATIVE,
        person_id=cast.respondent.id,
        note="被举报人是我的表弟",
    )
    ev = evidence.add_evidence_file(
        session,
        actor=cast.lead,
        case_id=live.id,
        expected_version=None,
        title="比对说明",
        filename="evidence.txt",
        stream=io.BytesIO("证据：论文与来源的比对说明".encode()),
    )
    evidence.add_interview(
        session,
        actor=cast.lead,
        case_id=live.id,
        expected_version=None,
        interviewee=RESPONDENT_NAME,
        held_on=date(2026, 3, 1),
        interviewer1_id=cast.lead.id,
        interviewer2_id=cast.member2.id,
        summary="谈话记录",
        signed_scan_name="scan.pdf",
        signed_scan=io.BytesIO(b"%PDF-1.4\n% scan\n"),
    )
    ids["case"] = live.id
    ids["evidence"] = ev.id
    ids["interview"] = session.scalars(
        select(Interview.id).where(Interview.case_id == live.id)
    ).one()

    # The archived case: decided, final, archived; letters, credit records, a case file.
    done = session.get(Case, _case_with_two_respondents(session, cast, staff_person_id))
    done = walk_to(session, cast, done, S.INVESTIGATING)
    evidence.add_evidence_file(
        session,
        actor=cast.lead,
        case_id=done.id,
        expected_version=None,
        title="原始数据",
        filename="data.txt",
        stream=io.BytesIO("原始实验数据记录".encode()),
    )
    done = walk_to(session, cast, done, S.SANCTIONS_ACTIVE)
    done = move(session, cast.office, done, S.ARCHIVED)
    ids["archived_case"] = done.id
    ids["document"] = session.scalars(
        select(CaseDocument.id)
        .where(
            CaseDocument.case_id == done.id,
            CaseDocument.party_id
            == next(p.id for p in done.parties if p.person_id == cast.respondent.id),
        )
        .order_by(CaseDocument.id)
    ).first()
    case_file = find_case_file(session, done.number)
    assert case_file is not None, "archiving made no case file"
    ids["case_file"] = case_file.id
    session.refresh(case_file)
    ids["case_file_file"] = session.scalars(
        select(RecordFile.id).where(RecordFile.record_id == case_file.id)
    ).first()
    assert ids["case_file_file"] is not None, "the case file has no files"
    reminder = CaseReminder(
        case_id=live.id,
        user_id=cast.lead.id,
        deadline_id=open_deadlines(session, live.id)[0].id,
        level="soon",
        created_on=clock.today(),
    )
    session.add(reminder)
    session.flush()
    ids["reminder"] = reminder.id

    corpus_doc = add_document(
        session, doc_id="matrix-source.txt", text="科研诚信制度建设的比对来源文本。"
    )
    ids["corpus_doc"] = corpus_doc.doc_id

    # Screening: a batch of the research office with one screened submission.
    owner = make_user(session, Role.RESEARCH_OFFICE, username="am-batch-owner")
    batch = create_batch(session, actor=owner, name="矩阵批次")
    sub = add_file(
        session,
        batch=batch,
        actor=owner,
        file_name="thesis.txt",
        stream=io.BytesIO("第一章 绪论\n本研究讨论科研诚信制度的建设。".encode()),
        media_type="text/plain",
    )
    ids["batch"] = batch.id
    ids["submission"] = sub.id

    # Archive: an open research record with a file, a sealed one, a disposal request.
    blob = store_bytes(session, "档案正文".encode(), filename="正文.txt")
    paper = make_record(
        session, owner, title="开放档案：科研诚信研究", files=[(blob, "main")]
    )
    ids["record"] = paper.id
    ids["record_file"] = paper.files[0].id
    sealed = make_record(session, owner, title=SEALED_TITLE)
    set_access(
        session,
        actor=owner,
        record_id=sealed.id,
        level="sealed",
        sealed_until=date(2099, 1, 1),
        roles=[],
        reason="专利申请前保密",
    )
    ids["sealed_record"] = sealed.id
    old = make_record(session, owner, title="到期档案", record_type=RecordType.PAPER)
    old.retention_until = date(2000, 1, 1)
    session.flush()
    ids["old_record"] = old.id
    ids["disposal"] = request_disposal(
        session, actor=owner, record_id=old.id, reason="保管期满"
    ).id

    # Credit: the respondent's file (from the final decision), a repair, a signature.
    credit = make_user(session, Role.CREDIT_ADMIN, username="am-credit")
    ids["person"] = cast.respondent.id
    ids["university_id"] = str(cast.respondent.university_id)
    record = session.scalars(
        select(CreditRecord).where(CreditRecord.person_id == cast.respondent.id)
    ).first()
    assert record is not None, "the final decision made no credit record"
    ids["credit_record"] = record.id
    commitments.ensure_templates(session)
    template = session.scalars(select(CommitmentTemplate)).first()
    assert template is not None
    ids["template"] = template.id
    version = session.scalars(
        select(CommitmentVersion).where(CommitmentVersion.template_id == template.id)
    ).first()
    assert version is not None
    ids["commitment_version"] = version.id
    signature = commitments.sign_commitment(
        session, actor=cast.respondent_user, version_id=version.id
    )
    ids["signature"] = signature.id
    clock.freeze(datetime(2027, 6, 1, 2, tzinfo=UTC))
    application = repair.apply_for_repair(
        session,
        actor=cast.respondent_user,
        record_id=record.id,
        statement="已认真整改，深刻反省。",
        has_met_obligations=True,
        sign_repair_commitment=True,
        proof=(io.BytesIO(b"%PDF-1.4\n% proof\n"), "proof.pdf", "application/pdf"),
    )
    ids["repair"] = application.id
    ids["rule_kind"] = EvaluationKind.STUDENT_INTEGRITY.value
    # A public ban whose 事由 names the staff respondent, as free text written by people
    # does (#14 item 4): every public rendering must mask it.
    staff_person = session.get(Person, staff_person_id)
    assert staff_person is not None
    ingest_final_decision(
        session,
        actor="casework",
        case_id=done.id,
        entries=[
            sanction_input(
                staff_person,
                code="S07",
                reason=f"{STAFF_RESPONDENT_NAME}在项目申报中抄袭他人研究成果",
                case_number=done.number,
            )
        ],
    )
    settings = session.info["settings"]
    export = export_changes(
        session,
        actor=credit,
        fmt="csv",
        out_dir=settings.data_dir / "exports" / "credit",
    )
    assert export is not None
    ids["export"] = export.number
    staff_report = issue_report(session, actor=credit, person_id=staff_person_id)
    ids["report_number"] = staff_report.number
    ids["report_code"] = staff_report.verification_code
    ids["sanction"] = session.scalars(
        select(CaseSanction.id).where(CaseSanction.case_id == done.id)
    ).first()
    ids["case_user"] = cast.member3.id
    ids["lead_user"] = cast.lead.id
    ids["member2_user"] = cast.member2.id
    ids["case_version"] = live.version
    ids["archived_version"] = done.version
    clock.freeze(datetime(2026, 3, 2, 2, tzinfo=UTC))

    # A tip: the tipster follows it with the receipt (a session key, not an account).
    receipt = tips.submit_tip(
        session,
        title="匿名举报：数据造假",
        allegation="某课题组论文中的实验数据系编造，图3与原始记录不符。",
        respondent_hint="计算机学院某学生",
        contact=TIPSTER_CONTACT,
    )
    ids["tip_case"] = receipt.case.id
    reply = tips.reporter_message(
        session,
        case=receipt.case,
        body="补充材料见附件。",
        attachment=tips.TipAttachment(
            "补充材料.txt", io.BytesIO("原始记录照片说明".encode()), "text/plain"
        ),
    )
    ids["tip_message"] = reply.id
    session.flush()

    world.actors = _actors(session, cast, staff_user, recused, owner, credit)
    world.actors.append(Actor("tipster", None, "tipster", tip_case_id=receipt.case.id))
    assert tuple(a.label for a in world.actors) == ACTOR_LABELS
    return world


def _actors(
    session: Session,
    cast: Cast,
    staff_user: User,
    recused: User,
    owner: User,
    credit: User,
) -> list[Actor]:
    """Anonymous, a stranger of every role, and the related users."""
    actors = [Actor("anonymous", None, "anonymous")]
    for role in Role:
        user = make_user(session, role, username=f"am-{role.value}")
        actors.append(Actor(f"{role.value}/stranger", user, "stranger"))
    users = (
        cast.lead,
        recused,
        cast.office,
        cast.committee,
        cast.respondent_user,
        staff_user,
        owner,
        credit,
    )
    for (label, relation), user in zip(RELATED, users, strict=True):
        actors.append(Actor(label, user, relation))
    return actors
