"""The respondent's 陈述申辩 cannot be skipped: the move to 学术委员会认定 needs a comment, a
written waiver or the end of the window, for every respondent, and the comment deadline
is marked met in that way."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest

from archive.kernel import clock
from archive.kernel.errors import InvalidInput
from casework.errors import TransitionBlocked
from casework.models import CaseDeadline, CaseState, DeadlineRule, EvidenceKind
from casework.services import evidence, hearing, respondents, statements, workflow
from tests.casework.factories_casework import PDF, make_cast, move, named_case, walk_to

S = CaseState


def _comment_deadline(session, case_id):  # type: ignore[no-untyped-def]
    return (
        session.query(CaseDeadline)
        .filter_by(case_id=case_id, rule=DeadlineRule.RESPONDENT_COMMENT)
        .one()
    )


def test_the_lead_cannot_skip_the_comment_and_is_told_why(session):
    cast = make_cast(session)
    case = walk_to(session, cast, named_case(session, cast), S.RESPONDENT_COMMENT)
    with pytest.raises(
        TransitionBlocked, match="尚未陈述申辩，也未书面放弃"
    ) as refused:
        move(session, cast.lead, case, S.DETERMINATION)
    assert cast.respondent.name in refused.value.message
    assert case.state is S.RESPONDENT_COMMENT
    assert _comment_deadline(session, case.id).met_on is None
    # The page offers the move no more; it lists it as waiting, with the reason in words.
    moves = workflow.moves_for(session, case, cast.lead)
    assert [(t.target, why is not None) for t, why in moves] == [
        (S.DETERMINATION, True)
    ]
    assert workflow.available_transitions(session, case, cast.lead) == []


def test_a_comment_by_the_respondent_opens_the_move_and_meets_the_deadline(session):
    cast = make_cast(session)
    case = walk_to(session, cast, named_case(session, cast), S.RESPONDENT_COMMENT)
    respondents.submit_comment(
        session,
        actor=cast.respondent_user,
        case_id=case.id,
        expected_version=case.version,
        body="第三章引用已注明出处，请核实。",
    )
    assert hearing.hearing_of(session, case).is_complete
    move(session, cast.lead, case, S.DETERMINATION)
    deadline = _comment_deadline(session, case.id)
    assert deadline.met_on == clock.today() and deadline.met_how == hearing.COMMENT


def test_a_written_waiver_by_the_respondent_counts_as_waived(session):
    cast = make_cast(session)
    case = walk_to(session, cast, named_case(session, cast), S.RESPONDENT_COMMENT)
    with pytest.raises(InvalidInput):
        respondents.waive_comment(
            session,
            actor=cast.respondent_user,
            case_id=case.id,
            expected_version=case.version,
            statement="",
        )
    respondents.waive_comment(
        session,
        actor=cast.respondent_user,
        case_id=case.id,
        expected_version=case.version,
        statement="本人自愿放弃陈述申辩的权利。",
    )
    move(session, cast.lead, case, S.DETERMINATION)
    assert _comment_deadline(session, case.id).met_how == hearing.WAIVER


def test_the_office_files_a_paper_waiver_only_with_the_signed_statement(session):
    cast = make_cast(session)
    case = walk_to(session, cast, named_case(session, cast), S.RESPONDENT_COMMENT)
    party = case.parties[0]
    common = dict(
        actor=cast.office,
        case_id=case.id,
        expected_version=None,
        party_id=party.id,
    )
    with pytest.raises(InvalidInput, match="签字"):
        statements.record_statement(session, kind="waiver", body="口头放弃", **common)
    statements.record_statement(
        session,
        kind="waiver",
        body="被举报人当面签字放弃",
        filename="放弃声明.pdf",
        stream=io.BytesIO(PDF + b"waiver"),
        **common,
    )
    filed = [
        e
        for e in evidence.list_evidence(session, case.id)
        if e.kind is EvidenceKind.RESPONDENT_STATEMENT
    ]
    assert len(filed) == 1 and "放弃" in filed[0].title
    move(session, cast.lead, case, S.DETERMINATION)
    assert _comment_deadline(session, case.id).met_how == hearing.WAIVER


def test_the_window_passing_opens_the_move_as_elapsed(session):
    cast = make_cast(session)
    case = walk_to(session, cast, named_case(session, cast), S.RESPONDENT_COMMENT)
    due = _comment_deadline(session, case.id).due_on
    clock.advance(due - clock.today() + timedelta(days=1))
    try:
        move(session, cast.lead, case, S.DETERMINATION)
    finally:
        clock.reset()
    assert _comment_deadline(session, case.id).met_how == hearing.ELAPSED


def test_a_comment_from_an_earlier_round_does_not_count_again(session):
    cast = make_cast(session)
    case = walk_to(session, cast, named_case(session, cast), S.DETERMINATION)
    # Back to the panel, a new draft, a new comment period: the respondent is heard anew.
    case = move(session, cast.committee, case, S.INVESTIGATING)
    evidence.add_report_draft(
        session,
        actor=cast.lead,
        case_id=case.id,
        expected_version=case.version,
        filename="draft2.pdf",
        stream=io.BytesIO(PDF + b"second"),
    )
    case = move(session, cast.lead, case, S.REPORT_DRAFT)
    case = move(session, cast.lead, case, S.RESPONDENT_COMMENT)
    with pytest.raises(TransitionBlocked):
        move(session, cast.lead, case, S.DETERMINATION)


def test_no_statement_outside_the_comment_period(session):
    cast = make_cast(session)
    case = walk_to(session, cast, named_case(session, cast), S.INVESTIGATING)
    with pytest.raises(TransitionBlocked):
        statements.record_statement(
            session,
            actor=cast.office,
            case_id=case.id,
            expected_version=None,
            party_id=case.parties[0].id,
            kind="comment",
            body="意见",
        )
