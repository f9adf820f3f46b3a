"""Graded supervision (分级分类监管): "may this subject do this now, and if not, why and
until when" — asked by admission, hiring, promotion, funding, award and project systems.

Two sources of refusal: a ban in force (S06/S07/S09/S15, and the degree bar of S14, from
the sanction list: each blocks the actions below until its end date), and the measures the current rule version
attaches to the subject's grade (C: a second reviewer; D: refused).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from archive.kernel import audit, clock
from archive.kernel.accounts import Permission, User
from archive.kernel.errors import PermissionDenied
from archive.kernel.people import Person, find_person_by_university_id
from casework.credit.errors import NumberNotInRegister, UnknownAction
from casework.credit.evaluation import (
    ACTIONS,
    GRADE_LABELS,
    grade_on,
)
from casework.credit.files import effect_end, get_subject, is_in_force, list_records
from casework.credit.models import CreditRecord, RecordKind

ACTION_LABELS = {
    "admission": "招生录取",
    "hiring": "人员聘用",
    "promotion": "职务职称晋升",
    "funding": "经费资助",
    "award": "评奖评优",
    "project_application": "项目申报",
}
NO_RECORD_REASON = "无失信记录"
MEASURE_LABELS = {"deny": "不予办理", "second_review": "须经第二审核人复核"}

# Which actions a ban in force blocks, by sanction code (§D(ii)).
BAN_BLOCKS: dict[str, frozenset[str]] = {
    "S06": frozenset({"project_application", "promotion", "award", "funding"}),
    "S07": frozenset({"funding", "project_application"}),
    "S09": frozenset(ACTIONS),
    "S15": frozenset({"admission"}),
    # 令34: no new degree application for at least 3 years after a revoked degree.
    "S14": frozenset({"admission"}),
}


@dataclass(frozen=True)
class CheckResult:
    """The answer to a supervision check."""

    person_id: int
    action: str
    allowed: bool
    reason: str
    until: date | None
    grade: str
    measures: list[str] = field(default_factory=list)
    conditions: list[str] = field(default_factory=list)
    is_permanent: bool = False
    has_record: bool = True  # False: no dishonesty record at all (无失信记录)
    # The reasons as data, for pages that word them in the reader's language:
    # ("ban", title, decision number, end date or None) / ("grade", grade, action) /
    # ("second_review", grade).
    findings: tuple[tuple[Any, ...], ...] = ()

    def as_dict(self) -> dict[str, Any]:
        """The JSON shape of `GET /api/credit/check`."""
        return {
            "person_id": self.person_id,
            "action": self.action,
            "allowed": self.allowed,
            "reason": self.reason,
            "until": self.until.isoformat() if self.until else None,
            "is_permanent": self.is_permanent,
            "has_dishonesty_record": self.has_record,
            "grade": self.grade,
            "grade_label": GRADE_LABELS.get(self.grade, ""),
            "measures": self.measures,
            "conditions": self.conditions,
        }


def may_check(actor: User | None) -> bool:
    """Systems and offices with the check permission, and credit staff."""
    return actor is not None and (
        actor.can(Permission.CREDIT_CHECK) or actor.can(Permission.CREDIT_VIEW)
    )


def grade_measures(rules: dict[str, Any], grade: str) -> dict[str, str]:
    """The measures the rules attach to a grade: {action: deny|second_review}."""
    return dict(rules.get("measures", {}).get(grade, {}))


@dataclass
class _Answer:
    """What a check has found so far: refusals with their end dates, measures, conditions."""

    reasons: list[str] = field(default_factory=list)
    untils: list[date | None] = field(default_factory=list)
    measures: list[str] = field(default_factory=list)
    conditions: list[str] = field(default_factory=list)
    findings: list[tuple[Any, ...]] = field(default_factory=list)


def check(
    session: Session,
    *,
    actor: User | None,
    person_id: int,
    action: str,
    on: date | None = None,
) -> CheckResult:
    """Decide whether the subject may do `action` on `on` (today), with reasons and dates."""
    if not may_check(actor):
        raise PermissionDenied("您无权进行信用核查 (permission denied)")
    _require_action(action)
    on = on or clock.today()
    person = get_subject(session, person_id)
    grade, _score, rule_set = grade_on(session, person_id=person_id, on=on)
    records = [
        r for r in list_records(session, person_id) if r.kind is RecordKind.DISHONESTY
    ]
    in_force = [r for r in records if is_in_force(r, on)]
    answer = _Answer()
    _apply_bans(answer, in_force, action)
    _apply_grade_measure(answer, rule_set.rules, grade, action, in_force)
    result = _result(
        answer,
        person_id=person.id,
        action=action,
        grade=grade,
        has_record=bool(records),
    )
    audit.record_event(
        session,
        action="credit_check",
        entity_type="people",
        entity_id=person.id,
        detail={"action": action, "allowed": result.allowed, "on": on.isoformat()},
    )
    return result


def _require_action(action: str) -> None:
    """Raise `UnknownAction` for an action the rules do not know."""
    if action not in ACTIONS:
        raise UnknownAction(
            f"未知的核查事项：{action}（可用：{', '.join(ACTIONS)}）", action=action
        )


def _apply_bans(answer: _Answer, in_force: list[CreditRecord], action: str) -> None:
    """Bans in force that block the action refuse it until they end."""
    for record in in_force:
        if action in BAN_BLOCKS.get(record.sanction_code or "", frozenset()):
            end = effect_end(record)
            answer.untils.append(end)
            answer.measures.append(f"{record.sanction_code} {record.title}")
            answer.findings.append(("ban", record.title, record.decision_number, end))
            answer.reasons.append(
                f"失信惩戒措施「{record.title}」执行中（{record.decision_number or ''}），"
                + (f"至 {end.isoformat()}" if end else "长期有效")
            )


def _apply_grade_measure(
    answer: _Answer,
    rules: dict[str, Any],
    grade: str,
    action: str,
    in_force: list[CreditRecord],
) -> None:
    """The measure the rules attach to the grade: refuse, or allow with a second review."""
    measure = grade_measures(rules, grade).get(action)
    grade_text = f"信用等级 {grade}（{GRADE_LABELS[grade]}）"
    if measure == "deny":
        ends = [effect_end(r) for r in in_force]
        known = [e for e in ends if e is not None]
        if len(known) < len(ends):
            answer.untils.append(None)  # a permanent record keeps the grade down
        elif known:
            answer.untils.append(max(known))
        answer.measures.append(
            f"{grade_text}：{ACTION_LABELS[action]}{MEASURE_LABELS['deny']}"
        )
        answer.reasons.append(
            f"{grade_text}，按分级分类监管规则{ACTION_LABELS[action]}不予办理"
        )
        answer.findings.append(("grade", grade, action))
    elif measure == "second_review":
        answer.conditions.append(f"{grade_text}：{MEASURE_LABELS['second_review']}")
        answer.measures.append(answer.conditions[-1])
        answer.findings.append(("second_review", grade))


def _result(
    answer: _Answer, *, person_id: int, action: str, grade: str, has_record: bool
) -> CheckResult:
    allowed = not answer.reasons
    permanent = not allowed and any(u is None for u in answer.untils)
    dated = [u for u in answer.untils if u is not None]
    until = None if allowed or permanent or not dated else max(dated)
    if allowed:
        reason = ("可以办理" if has_record else NO_RECORD_REASON) + (
            "（" + "；".join(answer.conditions) + "）" if answer.conditions else ""
        )
    else:
        reason = "；".join(answer.reasons)
    return CheckResult(
        person_id=person_id,
        action=action,
        allowed=allowed,
        reason=reason,
        until=until,
        grade=grade,
        measures=answer.measures,
        conditions=answer.conditions,
        is_permanent=permanent,
        has_record=has_record,
        findings=tuple(answer.findings),
    )


def check_number(
    session: Session,
    *,
    actor: User | None,
    number: str,
    action: str,
    on: date | None = None,
) -> tuple[Person, CheckResult]:
    """The check by 工号/学号: a person in the register with no credit file is allowed
    (无失信记录); a number the register does not hold is refused as a likely typo.

    Raises:
        PermissionDenied: the actor may not run checks (asked before the register, so the
            answer does not tell strangers who studies or works here).
        NumberNotInRegister: no person or unit has this number.
    """
    if not may_check(actor):
        raise PermissionDenied("您无权进行信用核查 (permission denied)")
    _require_action(action)
    number = number.strip()
    person = find_person_by_university_id(session, number)
    if person is None and number.startswith("#") and number[1:].isdigit():
        person = session.get(Person, int(number[1:]))
    if person is None:
        audit.record_event(
            session,
            action="credit_check",
            entity_type="people",
            entity_id="-",
            detail={"number": number, "action": action, "in_register": False},
        )
        raise NumberNotInRegister(
            f"人员名册中没有工号/学号“{number}”，请核对是否输入有误",
            number=number,
        )
    return person, check(
        session, actor=actor, person_id=person.id, action=action, on=on
    )
