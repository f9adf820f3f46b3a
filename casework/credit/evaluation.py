"""Credit evaluation (信用评价): versioned rules as data, scores, grades A-D with reasons.

Grades follow §A7: A 守信 ≥90, B 基本守信 70-89, C 失信关注 40-69, D 严重失信 <40, and any
ban or database entry in force makes D. Teachers are evaluated on 师德师风, students on
诚信, units on their own scale; each kind has its own rule versions. The rules also carry
the graded-supervision measures per grade (`measures`), read by `supervision.check`.
"""

from __future__ import annotations

import copy
import json
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from archive.kernel import clock
from archive.kernel.accounts import Permission, User, require
from archive.kernel.people import Person, PersonKind
from casework.catalogue import CREDIT_CLASS_LABELS
from casework.credit.errors import InvalidRules, RuleSetNotFound
from casework.credit.files import get_subject, is_in_force, list_records, record_state
from casework.credit.models import (
    CreditGrade,
    CreditRecord,
    EvaluationKind,
    RecordKind,
    RuleSet,
)

GRADES = ("A", "B", "C", "D")
GRADE_LABELS = {"A": "守信", "B": "基本守信", "C": "失信关注", "D": "严重失信"}
GRADE_CHIPS = {"A": "chip-green", "B": "chip-green", "C": "chip-amber", "D": "chip-red"}
ACTIONS = (
    "admission",
    "hiring",
    "promotion",
    "funding",
    "award",
    "project_application",
)
MEASURE_KINDS = ("deny", "second_review")

_DENY_ALL = {a: "deny" for a in ACTIONS}
_BASE_RULES: dict[str, Any] = {
    "base_score": 100,
    "deductions": {"minor": 5, "general": 20, "serious": 45},
    "broken_commitment_extra": 5,
    "honour_bonus": 3,
    "max_bonus": 10,
    "expired_weight": 0.0,
    "thresholds": {"A": 90, "B": 70, "C": 40},
    "ban_forces_d": True,
    "measures": {
        "A": {},
        "B": {},
        "C": {
            "project_application": "second_review",
            "funding": "second_review",
            "award": "second_review",
            "promotion": "second_review",
        },
        "D": dict(_DENY_ALL),
    },
}
DEFAULT_RULES: dict[EvaluationKind, dict[str, Any]] = {
    EvaluationKind.TEACHER_ETHICS: copy.deepcopy(_BASE_RULES),
    EvaluationKind.STUDENT_INTEGRITY: copy.deepcopy(_BASE_RULES),
    EvaluationKind.UNIT: copy.deepcopy(_BASE_RULES),
}
DEFAULT_RULES[EvaluationKind.STUDENT_INTEGRITY]["deductions"] = {
    "minor": 5,
    "general": 15,
    "serious": 45,
}


def kind_for(person: Person) -> EvaluationKind:
    """Teachers and staff: 师德师风; students: 学生诚信; units and others: 单位信用."""
    if person.kind in (PersonKind.TEACHER, PersonKind.STAFF):
        return EvaluationKind.TEACHER_ETHICS
    if person.kind is PersonKind.STUDENT:
        return EvaluationKind.STUDENT_INTEGRITY
    return EvaluationKind.UNIT


def validate_rules(rules: Any) -> dict[str, Any]:
    """Parse (from JSON text) and check a rule set; `InvalidRules` names what is wrong."""
    if isinstance(rules, str):
        try:
            rules = json.loads(rules)
        except json.JSONDecodeError as exc:
            raise InvalidRules(f"规则不是有效的 JSON：{exc}") from exc
    if not isinstance(rules, dict):
        raise InvalidRules("规则必须是 JSON 对象")
    for key in ("base_score", "deductions", "thresholds", "measures"):
        if key not in rules:
            raise InvalidRules(f"规则缺少必填项：{key}", key=key)
    try:
        int(rules["base_score"])
        for cls in ("minor", "general", "serious"):
            int(rules["deductions"][cls])
        t = rules["thresholds"]
        if not int(t["A"]) > int(t["B"]) > int(t["C"]):
            raise InvalidRules("等级阈值须满足 A > B > C")
        float(rules.get("expired_weight", 0))
    except (KeyError, TypeError, ValueError) as exc:
        raise InvalidRules(f"规则取值有误：{exc}") from exc
    for grade, measures in rules["measures"].items():
        if grade not in GRADES or not isinstance(measures, dict):
            raise InvalidRules(f"监管措施的等级无效：{grade}")
        for action, measure in measures.items():
            if action not in ACTIONS or measure not in MEASURE_KINDS:
                raise InvalidRules(
                    f"监管措施无效：{grade}.{action}={measure}（可用动作 {', '.join(ACTIONS)}；措施 deny/second_review）"
                )
    return rules


def current_rule_set(session: Session, kind: EvaluationKind) -> RuleSet:
    """The newest rule version of a kind (version 1, the defaults, is made on first use)."""
    found = session.scalars(
        select(RuleSet).where(RuleSet.kind == kind).order_by(RuleSet.version.desc())
    ).first()
    if found is None:
        found = RuleSet(
            kind=kind,
            version=1,
            rules=copy.deepcopy(DEFAULT_RULES[kind]),
            note="默认规则",
        )
        session.add(found)
        session.flush()
    return found


def list_rule_sets(session: Session, kind: EvaluationKind) -> list[RuleSet]:
    """Every version of a kind's rules, newest first."""
    current_rule_set(session, kind)
    return list(
        session.scalars(
            select(RuleSet).where(RuleSet.kind == kind).order_by(RuleSet.version.desc())
        )
    )


def get_rule_set(session: Session, rule_set_id: int) -> RuleSet:
    """A rule version by id, or `RuleSetNotFound`."""
    found = session.get(RuleSet, rule_set_id)
    if found is None:
        raise RuleSetNotFound(f"规则版本不存在：{rule_set_id}")
    return found


def save_rule_set(
    session: Session,
    *,
    actor: User,
    kind: EvaluationKind,
    rules: dict[str, Any] | str,
    note: str = "",
) -> RuleSet:
    """Save new rules as the next version and re-grade every subject of that kind."""
    require(actor, Permission.CREDIT_MANAGE)
    parsed = validate_rules(rules)
    current = current_rule_set(session, kind)
    new = RuleSet(
        kind=kind,
        version=current.version + 1,
        rules=parsed,
        note=note.strip(),
        created_by_id=actor.id,
    )
    session.add(new)
    session.flush()
    for person_id in subjects_with_records(session):
        person = session.get(Person, person_id)
        if person is not None and kind_for(person) is kind:
            recompute_grade(session, person_id=person_id)
    return new


def compute(
    records: list[CreditRecord],
    rules: dict[str, Any],
    on: date,
) -> tuple[int, str, list[dict[str, Any]]]:
    """Score, grade and the explanation (which records moved the score, by how much)."""
    score = float(rules["base_score"])
    lines: list[dict[str, Any]] = []
    bonus = 0.0
    forced = False
    for record in sorted(records, key=lambda r: (r.decided_on, r.id)):
        state = record_state(record, on)
        if state.is_corrected or record.decided_on > on:
            continue
        if record.kind is RecordKind.HONOUR:
            room = float(rules.get("max_bonus", 0)) - bonus
            delta = min(float(rules.get("honour_bonus", 0)), max(room, 0))
            if delta:
                bonus += delta
                score += delta
                lines.append(_line(record, delta, "守信荣誉加分"))
            continue
        if record.kind is not RecordKind.DISHONESTY or record.credit_class is None:
            continue
        if state.is_repaired:
            lines.append(_line(record, 0, "已修复，不计入评价"))
            continue
        weight = 1.0
        note = f"{_class_label(record)}失信记录扣分"
        if state.is_expired:
            weight = float(rules.get("expired_weight", 0))
            note = "惩戒期满" + ("，按比例扣分" if weight else "，不再扣分")
        delta = -float(rules["deductions"][record.credit_class.value]) * weight
        if record.signature_id is not None and weight:
            delta -= float(rules.get("broken_commitment_extra", 0))
            note += "（违背信用承诺加扣）"
        score += delta
        lines.append(_line(record, delta, note))
        if (
            rules.get("ban_forces_d", True)
            and record.is_ban
            and is_in_force(record, on)
        ):
            forced = True
            lines.append(
                _line(
                    record, 0, "禁止/限制措施或严重失信数据库记录在执行期内：直接评为 D"
                )
            )
    score = max(
        0.0, min(score, float(rules["base_score"]) + float(rules.get("max_bonus", 0)))
    )
    t = rules["thresholds"]
    if forced or score < int(t["C"]):
        grade = "D"
    elif score < int(t["B"]):
        grade = "C"
    elif score < int(t["A"]):
        grade = "B"
    else:
        grade = "A"
    return round(score), grade, lines


def _class_label(record: CreditRecord) -> str:
    return CREDIT_CLASS_LABELS[record.credit_class] if record.credit_class else ""


def _line(record: CreditRecord, delta: float, note: str) -> dict[str, Any]:
    return {
        "record_id": record.id,
        "title": record.title,
        "decision_number": record.decision_number,
        "delta": round(delta, 1),
        "note": note,
    }


def recompute_grade(
    session: Session, *, person_id: int, on: date | None = None
) -> CreditGrade:
    """Evaluate a subject now; a new grade row is added only when something changed."""
    on = on or clock.today()
    person = get_subject(session, person_id)
    kind = kind_for(person)
    rule_set = current_rule_set(session, kind)
    score, grade, lines = compute(list_records(session, person_id), rule_set.rules, on)
    last = latest_grade(session, person_id=person_id, kind=kind)
    if (
        last is not None
        and last.score == score
        and last.grade == grade
        and last.rule_set_id == rule_set.id
        and last.explanation == lines
    ):
        return last
    row = CreditGrade(
        person_id=person_id,
        kind=kind,
        rule_set_id=rule_set.id,
        score=score,
        grade=grade,
        as_of=on,
        explanation=lines,
    )
    session.add(row)
    session.flush()
    return row


def grade_on(session: Session, *, person_id: int, on: date) -> tuple[str, int, RuleSet]:
    """(grade, score, rule set) on a day; stored only when the day is today.

    Checks and reports about another day (a CLI `--on`, a report at a past date) must
    not add hypothetical rows to the subject's grade history.
    """
    if on == clock.today():
        row = recompute_grade(session, person_id=person_id, on=on)
        return row.grade, row.score, row.rule_set
    person = get_subject(session, person_id)
    rule_set = current_rule_set(session, kind_for(person))
    score, grade, _lines = compute(list_records(session, person_id), rule_set.rules, on)
    return grade, score, rule_set


def latest_grade(
    session: Session, *, person_id: int, kind: EvaluationKind | None = None
) -> CreditGrade | None:
    """The newest grade of a subject (of one kind when given)."""
    q = select(CreditGrade).where(CreditGrade.person_id == person_id)
    if kind is not None:
        q = q.where(CreditGrade.kind == kind)
    return session.scalars(q.order_by(CreditGrade.id.desc())).first()


def current_grade(session: Session, *, person_id: int) -> CreditGrade:
    """The subject's grade, computed now when it has none yet or it is out of date."""
    return recompute_grade(session, person_id=person_id)


def current_grades(session: Session, *, person_id: int) -> list[CreditGrade]:
    """The current grade followed by the earlier ones (the history), newest first."""
    recompute_grade(session, person_id=person_id)
    return list(
        session.scalars(
            select(CreditGrade)
            .where(CreditGrade.person_id == person_id)
            .order_by(CreditGrade.id.desc())
        )
    )


def subjects_with_records(session: Session) -> list[int]:
    """Ids of every subject that has a credit record or a grade."""
    with_records = set(session.scalars(select(CreditRecord.person_id).distinct()))
    with_grades = set(session.scalars(select(CreditGrade.person_id).distinct()))
    return sorted(with_records | with_grades)


def grade_counts(session: Session) -> dict[str, int]:
    """How many subjects hold each grade now (their newest grade row)."""
    newest = (
        select(func.max(CreditGrade.id))
        .group_by(CreditGrade.person_id)
        .scalar_subquery()
    )
    rows = session.execute(
        select(CreditGrade.grade, func.count())
        .where(CreditGrade.id.in_(newest))
        .group_by(CreditGrade.grade)
    ).all()
    counts = dict.fromkeys(GRADES, 0)
    counts.update({g: n for g, n in rows})
    return counts
