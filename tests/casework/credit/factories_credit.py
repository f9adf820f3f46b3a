"""Factories for credit tests: subjects with accounts, and final-decision inputs."""

from __future__ import annotations

import itertools
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from archive.kernel.accounts import Role, User
from archive.kernel.people import Person, PersonKind, create_person
from casework.catalogue import SANCTIONS, CreditClass, MisconductType
from casework.credit.contract import ClearanceInput, SanctionInput
from tests.factories import make_user

_n = itertools.count(1)


def make_subject(
    session: Session,
    kind: PersonKind = PersonKind.STUDENT,
    *,
    with_user: bool = True,
    **overrides: Any,
) -> tuple[Person, User | None]:
    """A person (student by default) with a linked self-service account."""
    n = next(_n)
    user = None
    if with_user:
        role = Role.TEACHER if kind is PersonKind.TEACHER else Role.STUDENT
        user = make_user(session, role, username=f"subject{n}-{id(session) % 10000}")
    fields: dict[str, Any] = {
        "kind": kind,
        "name": overrides.pop("name", "张小明"),
        "university_id": overrides.pop(
            "university_id", f"2024{n:06d}{id(session) % 1000}"
        ),
        "unit": "计算机学院",
        "id_number": "410102200001011234",
        "user_id": user.id if user else None,
    }
    fields.update(overrides)
    return create_person(session, **fields), user


def sanction_input(
    person: Person, code: str = "S06", **overrides: Any
) -> SanctionInput:
    """A sanction as casework hands it over at a final decision."""
    kind = SANCTIONS.get(code, SANCTIONS["S01"])
    fields: dict[str, Any] = {
        "person_id": person.id,
        "code": code,
        "starts_on": date(2026, 1, 10),
        "ends_on": date(2029, 1, 9),
        "is_public": True,
        "report_to_province": True,
        "credit_class": kind.credit_class,
        "decision_number": "校学术〔2026〕3号",
        "reason": "学位论文抄袭他人研究成果",
        "basis": "《高等学校预防与处理学术不端行为办法》第二十七条",
        "decided_on": date(2026, 1, 10),
        "deciding_unit": "中原科技学院",
        "misconduct_type": MisconductType.PLAGIARISM.value,
        "case_number": "XS-2026-0001",
    }
    fields.update(overrides)
    return SanctionInput(**fields)


def clearance_input(person: Person, **overrides: Any) -> ClearanceInput:
    """A cleared respondent."""
    fields: dict[str, Any] = {
        "person_id": person.id,
        "decided_on": date(2026, 1, 10),
        "decision_number": "校学术〔2026〕4号",
        "case_number": "XS-2026-0002",
    }
    fields.update(overrides)
    return ClearanceInput(**fields)


def credit_admin(session: Session) -> User:
    """A credit administrator."""
    return make_user(session, Role.CREDIT_ADMIN)


__all__ = [
    "CreditClass",
    "clearance_input",
    "credit_admin",
    "make_subject",
    "sanction_input",
]
