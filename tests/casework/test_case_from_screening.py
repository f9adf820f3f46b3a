"""A case opened with one click from a screening report: the report and its matched
passages are attached as evidence, and the submission links back to the case."""

from __future__ import annotations

import io

import pytest

from archive.corpus import services as corpus
from archive.kernel.accounts import Role
from archive.kernel.people import PersonKind, create_person
from archive.submissions import services as submissions
from archive.submissions.models import Submission
from casework.models import CaseSource, EvidenceKind
from casework.services import evidence, intake
from casework.services.case_view import case_page
from tests.archive.factories_screening import COPIED, SOURCE_A, THESIS, isolated_factory
from tests.archive.factories_thesis import (
    REPORT_SOURCE_A,
    REPORT_SOURCE_A_TITLE,
    REPORT_SOURCE_B,
    REPORT_SOURCE_B_TITLE,
    THESIS_WITH_REFERENCES,
)
from tests.factories import make_user


@pytest.fixture
def factory(connection, settings, tmp_path):
    return isolated_factory(connection, settings, tmp_path / "data")


def test_open_case_from_a_screening_report(factory):
    with factory() as s:
        corpus.add_document(s, doc_id="a.txt", text=SOURCE_A, author="王五")
        office = make_user(s, Role.RESEARCH_OFFICE, display_name="科研处")
        batch = submissions.create_batch(s, actor=office)
        sub_id = submissions.add_file(
            s,
            batch=batch,
            actor=office,
            file_name="2020001_张三_教育学_科研诚信研究.txt",
            stream=io.BytesIO(THESIS.encode()),
        ).id
        s.commit()  # screens now (sync jobs)
    with factory() as s:
        office = s.get(type(office), office.id)
        s.info["actor"] = office
        person = create_person(
            s, kind=PersonKind.STUDENT, name="张三", university_id="2020001"
        )
        case = intake.open_case_from_screening(
            s,
            actor=office,
            submission_id=sub_id,
            respondent_person_id=person.id,
            summary="总文字复制比超过阈值，疑似抄袭",
        )
        assert (
            case.source is CaseSource.SCREENING
            and case.screening_submission_id == sub_id
        )
        assert [p.person_id for p in case.parties] == [person.id]
        items = evidence.list_evidence(s, case.id)
        report = next(i for i in items if i.kind is EvidenceKind.SCREENING_REPORT)
        assert len(report.sha256) == 64
        passages = report.data["passages"]
        assert (
            passages
            and passages[0]["text"] == COPIED
            and passages[0]["source"] == "a.txt"
        )
        assert s.get(Submission, sub_id).case_id == case.id
        # No whistleblower: the page promises no reporter protection, the timeline says how.
        page = case_page(s, actor=office, case_id=case.id, tab="summary")
        assert not page.has_reporter and page.events[0].summary == "从查重报告立案"
        # Without a chosen respondent, the thesis's author (from the file name) is registered.
        again = intake.open_case_from_screening(
            s, actor=office, submission_id=sub_id, respondent_person_id=None, summary=""
        )
        assert [(p.person.name, p.person.university_id) for p in again.parties] == [
            ("张三", "2020001")
        ]


def test_the_case_counts_the_passages_the_report_counts(factory):
    """Quoted and cited passages count in 总文字复制比, so the case lists them too."""
    with factory() as s:
        corpus.add_document(
            s, doc_id="ra.txt", text=REPORT_SOURCE_A, title=REPORT_SOURCE_A_TITLE
        )
        corpus.add_document(
            s, doc_id="rb.txt", text=REPORT_SOURCE_B, title=REPORT_SOURCE_B_TITLE
        )
        office = make_user(s, Role.RESEARCH_OFFICE, display_name="科研处")
        batch = submissions.create_batch(s, actor=office)
        sub_id = submissions.add_file(
            s,
            batch=batch,
            actor=office,
            file_name="thesis.txt",
            stream=io.BytesIO(THESIS_WITH_REFERENCES.encode()),
        ).id
        s.commit()
    with factory() as s:
        office = s.get(type(office), office.id)
        s.info["actor"] = office
        person = create_person(s, kind=PersonKind.STUDENT, name="王五")
        case = intake.open_case_from_screening(
            s,
            actor=office,
            submission_id=sub_id,
            respondent_person_id=person.id,
            summary="复制比较高",
        )
        report = s.get(Submission, sub_id).report
        counted = report["figures"]["counted_match_count"]
        assert counted == 2  # one copied, one quoted with a citation
        items = evidence.list_evidence(s, case.id)
        item = next(i for i in items if i.kind is EvidenceKind.SCREENING_REPORT)
        assert len(item.data["passages"]) == counted
        assert item.note == f"计入复制比的相似片段 {counted} 处"
