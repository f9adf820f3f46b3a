"""Outside experts (校外专家): people with no account whom the office may put on a panel.

An expert is a person of the people register (kind 校外人员) with a name, unit and title,
plus a row in the expert list so that the panel form offers them; recusal applies to them
as to anyone (`casework.services.panel`).
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from archive.kernel.accounts import Permission, User, require
from archive.kernel.errors import InvalidInput, NotFound
from archive.kernel.people import Person, PersonKind
from casework.models import PanelExpert

P = Permission


def add_expert(
    session: Session,
    *,
    actor: User | None,
    name: str,
    unit: str,
    title: str = "",
    note: str | None = None,
) -> PanelExpert:
    """Register an outside expert (name and unit required); `actor` None only for the demo."""
    if actor is not None:
        require(actor, P.CASE_INTAKE)
    name, unit, title = (
        (name or "").strip(),
        (unit or "").strip(),
        (title or "").strip(),
    )
    if not name or not unit:
        raise InvalidInput("请填写专家姓名和所在单位 (name and unit are required)")
    existing = session.scalars(
        select(PanelExpert)
        .join(Person, Person.id == PanelExpert.person_id)
        .where(Person.name == name, Person.unit == unit)
    ).first()
    if existing is not None:
        existing.is_active = True
        return existing
    person = Person(
        kind=PersonKind.EXTERNAL,
        name=name[:128],
        unit=unit[:128],
        title=title[:64] or None,
    )
    session.add(person)
    session.flush()
    row = PanelExpert(
        person_id=person.id,
        note=(note or "").strip() or None,
        added_by_id=actor.id if actor is not None else None,
    )
    session.add(row)
    session.flush()
    return row


def list_experts(session: Session) -> list[PanelExpert]:
    """Active outside experts, by name."""
    rows = session.scalars(
        select(PanelExpert)
        .join(Person, Person.id == PanelExpert.person_id)
        .where(PanelExpert.is_active.is_(True))
        .order_by(Person.name)
    )
    return list(rows)


def get_expert(session: Session, person_id: int) -> Person:
    """The person of an active outside expert, or `NotFound`."""
    row = session.scalars(
        select(PanelExpert).where(
            PanelExpert.person_id == person_id, PanelExpert.is_active.is_(True)
        )
    ).first()
    if row is None:
        raise NotFound("校外专家不存在 (no such outside expert)")
    return row.person
