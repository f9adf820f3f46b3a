"""Evidence, panel and recusal, concurrency, the audit chain, hand-off to credit and archive,
reports, and the reporter's identity never reaching the respondent."""

from __future__ import annotations

import dataclasses
import io
import json
from datetime import date

import pytest
from sqlalchemy import select

from archive.kernel import audit
from archive.kernel.accounts import Role
from archive.kernel.errors import InvalidInput, NotFound
from archive.kernel.files import read_verified
from archive.kernel.people import create_person
from archive.records import services as records
from casework.credit import models as credit_models
from casework.errors import (
    EvidenceImmutable,
    EvidenceRefused,
    InvalidSanction,
    RecusalRequired,
    ScreeningUnavailable,
    StaleCase,
)
from casework.models import (
    CaseSanction,
    CaseState,
    Evidence,
    Finding,
    RecusalCheck,
    Relation,
    SanctionStatus,
)
from casework.services import (
    decisions,
    evidence,
    intake,
    letters,
    panel,
    reports,
    respondents,
    tips,
    workflow,
)
from tests.casework.factories_casework import (
    PDF,
    make_cast,
    make_user,
    move,
    named_case,
    walk_to,
)

S = CaseState
REPORTER = "举报人李机密"
CONTACT = "13700001111"


def test_evidence_is_hashed_stored_once_and_never_changed(session):
    cast = make_cast(session)
    case = named_case(session, cast)
    a = evidence.add_evidence_file(
        session,
        actor=cast.office,
        case_id=case.id,
        expected_version=case.version,
        title="原文",
        filename="a.pdf",
        stream=io.BytesIO(PDF),
    )
    b = evidence.add_evidence_file(
        session,
        actor=cast.office,
        case_id=case.id,
        expected_version=case.version,
        title="原文副本",
        filename="copy.pdf",
        stream=io.BytesIO(PDF),
    )
    assert a.stored_file_id == b.stored_file_id and len(a.sha256) == 64
    assert a.added_by_id == cast.office.id and a.added_at is not None
    session.commit()  # a savepoint in the test fixture: the refusals below roll back to it
    a.title = "改过的标题"
    with pytest.raises(EvidenceImmutable):
        session.flush()
    session.rollback()
    case = intake.view_case(session, actor=cast.office, case_id=case.id)
    item = session.get(Evidence, a.id)
    session.delete(item)
    with pytest.raises(EvidenceImmutable):
        session.flush()
    session.rollback()
    case = intake.view_case(session, actor=cast.office, case_id=case.id)
    new = evidence.add_note(
        session,
        actor=cast.office,
        case_id=case.id,
        expected_version=case.version,
        title="更正",
        note="原文页码应为 12",
        supersedes_id=a.id,
    )
    assert a.id in evidence.superseded_ids(evidence.list_evidence(session, case.id))
    assert new.supersedes_id == a.id


def test_evidence_refuses_unknown_types_mismatched_content_and_large_files(session):
    cast = make_cast(session)
    case = named_case(session, cast)
    common = dict(
        actor=cast.office, case_id=case.id, expected_version=case.version, title="x"
    )
    with pytest.raises(EvidenceRefused, match="不接受"):
        evidence.add_evidence_file(
            session, filename="run.exe", stream=io.BytesIO(b"MZ.."), **common
        )
    with pytest.raises(EvidenceRefused, match="不符"):
        evidence.add_evidence_file(
            session, filename="fake.pdf", stream=io.BytesIO(b"hello"), **common
        )
    with pytest.raises(EvidenceRefused, match="为空"):
        evidence.add_evidence_file(
            session, filename="empty.txt", stream=io.BytesIO(b""), **common
        )
    settings = session.info["settings"]
    session.info["settings"] = dataclasses.replace(settings, max_upload_mb=1)
    try:
        with pytest.raises(EvidenceRefused, match="超过大小上限"):
            evidence.add_evidence_file(
                session,
                filename="big.txt",
                stream=io.BytesIO(b"a" * (1024 * 1024 + 1)),
                **common,
            )
    finally:
        session.info["settings"] = settings


def test_interviews_need_two_different_investigators_and_a_signed_scan(session):
    cast = make_cast(session)
    case = walk_to(session, cast, named_case(session, cast), S.INVESTIGATING)
    args = dict(
        actor=cast.lead,
        case_id=case.id,
        expected_version=case.version,
        interviewee="被举报人",
        held_on=date(2030, 1, 5),
        summary="本人承认引用不规范",
        signed_scan_name="scan.png",
    )
    with pytest.raises(InvalidInput, match="两名"):
        evidence.add_interview(
            session,
            interviewer1_id=cast.lead.id,
            interviewer2_id=cast.lead.id,
            signed_scan=io.BytesIO(b"\x89PNG...."),
            **args,
        )
    with pytest.raises(InvalidInput, match="调查人员"):
        evidence.add_interview(
            session,
            interviewer1_id=cast.lead.id,
            interviewer2_id=cast.committee.id,
            signed_scan=io.BytesIO(b"\x89PNG...."),
            **args,
        )
    row = evidence.add_interview(
        session,
        interviewer1_id=cast.lead.id,
        interviewer2_id=cast.member2.id,
        signed_scan=io.BytesIO(b"\x89PNG...."),
        **args,
    )
    assert row.signed_scan.sha256


def test_recusal_blocks_colleagues_and_declared_relations_and_records_each_check(
    session,
):
    cast = make_cast(session)
    case = walk_to(session, cast, named_case(session, cast), S.ACCEPTED)
    colleague = make_user(
        session,
        Role.INVESTIGATOR,
        unit="计算机学院",
    )
    with pytest.raises(RecusalRequired, match="同属"):
        panel.assign_member(
            session,
            actor=cast.office,
            case_id=case.id,
            expected_version=case.version,
            user_id=colleague.id,
        )
    panel.declare_conflict(
        session,
        actor=cast.member2,
        case_id=case.id,
        expected_version=case.version,
        user_id=cast.member2.id,
        relation=Relation.COAUTHOR,
        person_id=cast.respondent.id,
        note="2021 年合作论文",
    )
    with pytest.raises(RecusalRequired, match="合作者"):
        panel.assign_member(
            session,
            actor=cast.office,
            case_id=case.id,
            expected_version=case.version,
            user_id=cast.member2.id,
        )
    # An administrator is neither investigator nor committee member.
    with pytest.raises(InvalidInput):
        panel.assign_member(
            session,
            actor=cast.office,
            case_id=case.id,
            expected_version=case.version,
            user_id=cast.admin.id,
        )
    ok = panel.assign_member(
        session,
        actor=cast.office,
        case_id=case.id,
        expected_version=case.version,
        user_id=cast.lead.id,
    )
    assert ok.is_lead
    checks = session.scalars(
        select(RecusalCheck)
        .where(RecusalCheck.case_id == case.id)
        .order_by(RecusalCheck.id)
    ).all()
    assert [c.is_clear for c in checks] == [False, False, True]
    # A member who declares later leaves the panel.
    panel.declare_conflict(
        session,
        actor=cast.lead,
        case_id=case.id,
        expected_version=case.version,
        user_id=cast.lead.id,
        relation=Relation.RELATIVE,
        person_id=cast.respondent.id,
    )
    assert workflow.active_panel(session, case.id) == []


def test_two_investigators_at_once_the_second_gets_a_conflict(session_factory):
    s1, s2 = session_factory(), session_factory()
    cast = make_cast(s1)
    case = named_case(s1, cast)
    s1.commit()
    v = case.version
    c2 = s2.get(type(case), case.id)
    assert c2.version == v
    workflow.transition(
        s1, actor=cast.office, case_id=case.id, to=S.SCREENING, expected_version=v
    )
    s1.commit()
    office2 = s2.get(type(cast.office), cast.office.id)
    with pytest.raises(StaleCase):
        workflow.transition(
            s2,
            actor=office2,
            case_id=case.id,
            to=S.TRANSFERRED,
            expected_version=v,
            reason="移送",
        )
    # Nothing of the second move happened; the first one stands.
    assert s2.get(type(case), case.id).state is S.SCREENING
    s1.close()
    s2.close()


def test_sanctions_come_from_the_catalogue_and_fit_the_respondent(session):
    cast = make_cast(session)
    case = walk_to(session, cast, named_case(session, cast), S.DETERMINATION)
    party = case.parties[0]
    common = dict(
        actor=cast.committee, case_id=case.id, expected_version=None, party_id=party.id
    )
    with pytest.raises(InvalidSanction):
        decisions.propose_sanction(session, code="S12", **common)  # no finding yet
    decisions.record_finding(
        session,
        finding=Finding.MISCONDUCT,
        misconduct_type="plagiarism",
        facts="抄袭",
        **common,
    )
    with pytest.raises(InvalidSanction, match="代码无效"):
        decisions.propose_sanction(session, code="S99", **common)
    with pytest.raises(InvalidSanction, match="不适用"):
        decisions.propose_sanction(session, code="S07", **common)  # teachers only
    row = decisions.propose_sanction(session, code="S14", **common)
    assert row.months == 36 and row.is_public  # degree revocation: public (令34)
    # A grouped entry names the specific measure; its usual term is the default.
    with pytest.raises(InvalidSanction, match="须写明具体处分"):
        decisions.propose_sanction(session, code="S12", **common)
    row = decisions.propose_sanction(session, code="S12", level="记过", **common)
    assert row.level == "记过" and row.months == 10
    assert decisions.sanction_label(row) == "S12 记过（10 个月）"


def _full_case(session, cast):  # type: ignore[no-untyped-def]
    case = named_case(session, cast, reporter_name=REPORTER)
    return walk_to(session, cast, case, S.FINAL)


def test_final_hands_sanctions_to_credit_and_archiving_hands_the_file_to_the_archive(
    session,
):
    cast = make_cast(session)
    case = _full_case(session, cast)
    rows = session.scalars(
        select(CaseSanction).where(CaseSanction.case_id == case.id)
    ).all()
    assert rows and all(r.status is SanctionStatus.HANDED_OFF for r in rows)
    assert case.credit_handoff == "done"

    record_cls = getattr(credit_models, "CreditRecord", None)
    if record_cls is not None:
        assert session.scalars(select(record_cls)).first() is not None
    case = move(session, cast.office, case, S.SANCTIONS_ACTIVE)
    case = move(session, cast.office, case, S.ARCHIVED)
    assert case.archive_status == "done"

    assert records.find_case_file(session, case.number) is not None


def test_audit_chain_holds_every_step_and_never_the_reporter(session):
    cast = make_cast(session)
    case = _full_case(session, cast)
    receipt = tips.submit_tip(
        session,
        title="举报",
        allegation="某人数据造假，证据见附件图3。",
        contact=CONTACT,
    )
    session.flush()
    report = audit.verify_chain(session)
    assert report.is_intact
    entries = audit.list_entries(
        session, entity_type="cases", entity_id=str(case.id), limit=500
    )
    states = [
        e.after.get("state")
        for e in entries
        if e.action == "update" and e.after and "state" in e.after
    ]
    assert "final" in states and "screening" in states
    events = audit.list_entries(session, entity_type="case_events", limit=1000)
    assert (
        len(
            [
                e
                for e in events
                if e.after
                and e.after.get("case_id") == case.id
                and e.after.get("kind") == "transition"
            ]
        )
        >= 10
    )
    dump = json.dumps(
        [[e.before, e.after] for e in audit.list_entries(session, limit=5000)],
        ensure_ascii=False,
    )
    assert (
        REPORTER not in dump
        and CONTACT not in dump
        and receipt.receipt_code not in dump
    )
    assert receipt.password not in dump


def test_the_respondent_never_sees_the_reporter(session):
    from pdfminer.high_level import extract_text

    cast = make_cast(session)
    case = named_case(session, cast, reporter_name=REPORTER)
    case = walk_to(session, cast, case, S.APPEAL_WINDOW)
    view = respondents.respondent_view(
        session, actor=cast.respondent_user, case_id=case.id
    )
    assert REPORTER not in repr(view) and CONTACT not in repr(view)
    assert view.letters
    for doc in view.letters:
        text = extract_text(io.BytesIO(read_verified(session, doc.stored_file)))
        assert "处理决定书" in text and cast.respondent.name in text
        assert "申诉" in text and "日内" in text  # remedy and deadline
        assert REPORTER not in text and "外语学院" not in text
    # A respondent who also holds a staff role cannot open the staff view of their case.

    assert (
        intake.reporter_for_viewer(session, actor=cast.respondent_user, case=case)
        is None
    )
    with pytest.raises(Exception) as err:
        intake.view_case(session, actor=cast.respondent_user, case_id=case.id)
    assert err.type.__name__ in ("PermissionDenied",) or isinstance(err.value, NotFound)


def test_clearing_issues_a_letter_that_restores_the_name(session):
    from pdfminer.high_level import extract_text

    cast = make_cast(session)
    case = walk_to(session, cast, named_case(session, cast), S.FINAL, cleared=True)
    docs = letters.list_documents(session, case.id)
    assert [d.kind.value for d in docs] == ["clearance_letter"]
    text = extract_text(io.BytesIO(read_verified(session, docs[0].stored_file)))
    assert "恢复名誉" in text and "不存在学术不端行为" in text
    assert case.outcome.value == "cleared"


def test_reports_count_by_type_unit_stage_outcome_and_days_open(session):
    cast = make_cast(session)
    case = _full_case(session, cast)
    other = named_case(session, cast)
    move(session, cast.office, other, S.SCREENING)
    move(session, cast.office, other, S.REJECTED, "无具体事实")
    counts = reports.case_counts(session, actor=cast.committee)
    assert (
        counts.by_outcome.get("构成学术不端", 0) >= 1
        and counts.by_outcome.get("不予受理", 0) >= 1
    )
    assert counts.by_unit.get("计算机学院", 0) >= 2
    assert sum(counts.by_days_open.values()) == counts.total
    summary = reports.annual_summary(
        session, actor=cast.committee, year=case.opened_on.year
    )
    rows = dict(summary.rows)
    assert rows["受理举报总数（件）"] >= 2 and rows["申诉（复核申请）（件）"] >= 1
    csv = reports.annual_summary_csv(summary)
    assert "S10" in csv or "S12" in csv


def test_opening_from_screening_without_a_report_is_refused_clearly(session):
    cast = make_cast(session)
    with pytest.raises(ScreeningUnavailable):
        intake.open_case_from_screening(
            session,
            actor=cast.office,
            submission_id=987654,
            respondent_person_id=None,
            summary="",
        )


def test_a_named_reporter_from_the_university_cannot_sit_on_the_panel(session):
    cast = make_cast(session)

    create_person(
        session,
        kind="teacher",
        name="举报的老师",
        university_id="T-REP-1",
        user_id=cast.member3.id,
    )
    case = intake.open_case(
        session,
        actor=cast.office,
        title="举报",
        allegation="抄袭",
        source="named",
        reporter=intake.ReporterInput(name="举报的老师", university_id="T-REP-1"),
    )
    intake.add_respondent(
        session,
        actor=cast.office,
        case_id=case.id,
        expected_version=case.version,
        kind="student",
        name=cast.respondent.name,
        person_id=cast.respondent.id,
    )
    assert intake.get_reporter(session, case.id).person_id is not None
    with pytest.raises(RecusalRequired, match="举报人"):
        panel.assign_member(
            session,
            actor=cast.office,
            case_id=case.id,
            expected_version=case.version,
            user_id=cast.member3.id,
        )
