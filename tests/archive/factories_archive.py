"""Factories for archive tests: users of the archive's roles, records, case files."""

from __future__ import annotations

import itertools
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from archive.kernel.accounts import Role, User
from archive.kernel.files import store_bytes
from archive.kernel.people import PersonKind, create_person
from archive.records.case_files import create_case_file_record
from archive.records.models import PersonRef, Record, RecordType
from archive.records.services import RecordInput, create_record
from tests.factories import make_user

_n = itertools.count(1)


def research_office(session: Session, **kw: Any) -> User:
    """A research office (科研处) user."""
    return make_user(session, Role.RESEARCH_OFFICE, **kw)


def discipline_office(session: Session, **kw: Any) -> User:
    """A discipline office (纪委) user."""
    return make_user(session, Role.DISCIPLINE_OFFICE, **kw)


def make_record(
    session: Session, actor: User, *, check_duplicates: bool = True, **overrides: Any
) -> Record:
    """A research record (a paper unless told otherwise); overrides are `RecordInput`'s."""
    n = next(_n)
    fields: dict[str, Any] = {
        "record_type": RecordType.PAPER,
        "title": f"测试档案{n}号：基于深度学习的图像识别方法研究",
        "description": "本文提出了一种新的卷积神经网络方法。",
        "keywords": "深度学习;图像识别",
        "people": [PersonRef(f"王小明{n}", "作者")],
        "discipline": "计算机科学与技术",
        "date_start": date(2020, 3, 1),
        "unit": "计算机学院",
    }
    fields.update(overrides)
    return create_record(
        session,
        actor=actor,
        data=RecordInput(**fields),
        check_duplicates=check_duplicates,
    )


def make_case_file(
    session: Session,
    actor: User | None = None,
    *,
    outcome: str = "misconduct",
    sanctions: tuple[str, ...] = (),
    **overrides: Any,
) -> Record:
    """A closed case's case file with one evidence file and one letter."""
    n = next(_n)
    person = create_person(session, kind=PersonKind.TEACHER, name=f"被调查人{n}")
    evidence = store_bytes(
        session,
        f"证据材料{n}：实验原始数据被篡改的比对说明。".encode(),
        filename=f"evidence{n}.txt",
    )
    letter = store_bytes(
        session,
        f"处理决定书{n}：认定构成学术不端。".encode(),
        filename=f"letter{n}.txt",
    )
    fields: dict[str, Any] = {
        "case_number": f"XS-2026-{n:04d}",
        "title": f"关于论文数据造假的举报案{n}",
        "outcome": outcome,
        "closed_on": date(2026, 6, 1),
        "evidence_file_ids": [evidence.id],
        "letter_file_ids": [letter.id],
        "summary": "经调查，被调查人在论文中伪造实验数据，情节严重。",
        "unit": "材料学院",
        "people": [(person.id, "被调查人")],
        "sanctions": sanctions,
    }
    fields.update(overrides)
    return create_case_file_record(session, actor=actor, **fields)
