"""Evaluation rules as versioned data; grades say which version made them and why."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest

from archive.kernel import clock
from archive.kernel.people import PersonKind
from casework.credit import services
from casework.credit.errors import InvalidRules
from casework.credit.models import EvaluationKind
from tests.casework.credit.factories_credit import (
    credit_admin,
    make_subject,
    sanction_input,
)


def test_teacher_and_student_are_evaluated_separately(session):
    teacher, _ = make_subject(session, PersonKind.TEACHER)
    student, _ = make_subject(session)
    assert (
        services.current_grade(session, person_id=teacher.id).kind
        is EvaluationKind.TEACHER_ETHICS
    )
    assert (
        services.current_grade(session, person_id=student.id).kind
        is EvaluationKind.STUDENT_INTEGRITY
    )


def test_new_rule_version_regrades_with_explanation(session):
    clock.freeze(datetime(2026, 2, 1, 4, tzinfo=UTC))
    admin = credit_admin(session)
    student, _ = make_subject(session)
    services.ingest_final_decision(
        session,
        actor="casework",
        case_id=1,
        entries=[sanction_input(student, "S12", ends_on=date(2027, 1, 9))],
    )
    before = services.current_grade(session, person_id=student.id)
    assert (before.score, before.grade, before.rule_set.version) == (85, "B", 1)
    assert before.explanation[0]["delta"] == -15
    rules = dict(
        services.current_rule_set(session, EvaluationKind.STUDENT_INTEGRITY).rules
    )
    rules["deductions"] = {"minor": 5, "general": 35, "serious": 60}
    new = services.save_rule_set(
        session,
        actor=admin,
        kind=EvaluationKind.STUDENT_INTEGRITY,
        rules=json.dumps(rules),
        note="加重一般失信扣分",
    )
    assert new.version == 2
    after = services.latest_grade(session, person_id=student.id)
    assert (after.score, after.grade, after.rule_set.version) == (65, "C", 2)
    check = services.check(
        session, actor=admin, person_id=student.id, action="project_application"
    )
    assert check.allowed and check.conditions


@pytest.mark.parametrize(
    "bad",
    [
        "{not json",
        "[]",
        '{"base_score": 100}',
        json.dumps(
            {
                "base_score": 100,
                "deductions": {"minor": 1, "general": 2, "serious": 3},
                "thresholds": {"A": 40, "B": 70, "C": 90},
                "measures": {},
            }
        ),
        json.dumps(
            {
                "base_score": 100,
                "deductions": {"minor": 1, "general": 2, "serious": 3},
                "thresholds": {"A": 90, "B": 70, "C": 40},
                "measures": {"D": {"travel": "deny"}},
            }
        ),
    ],
)
def test_invalid_rules_refused(session, bad):
    with pytest.raises(InvalidRules):
        services.save_rule_set(
            session, actor=credit_admin(session), kind=EvaluationKind.UNIT, rules=bad
        )


def test_expired_records_stop_counting(session):
    clock.freeze(datetime(2026, 2, 1, 4, tzinfo=UTC))
    student, _ = make_subject(session)
    services.ingest_final_decision(
        session,
        actor="casework",
        case_id=1,
        entries=[sanction_input(student, "S12", ends_on=date(2026, 8, 1))],
    )
    assert services.current_grade(session, person_id=student.id).grade == "B"
    clock.freeze(datetime(2026, 8, 2, 4, tzinfo=UTC))
    assert services.current_grade(session, person_id=student.id).grade == "A"
