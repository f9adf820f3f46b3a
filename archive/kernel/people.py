"""People and units the university's records are about: respondents, reporters, credit
subjects, authors of research records. One row per person or unit, shared by every area.

National ID numbers are personal data: they are stored, but shown only masked
(`mask_id_number`) unless the viewer's role needs them (Permission.VIEW_ID_NUMBERS).
"""

from __future__ import annotations

import enum
import re
from datetime import datetime

from sqlalchemy import ForeignKey, String, or_, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from archive.kernel.accounts import Permission, User
from archive.kernel.db import Base, enum_column, utcnow
from archive.kernel.errors import Conflict, InvalidInput, NotFound


class PersonKind(enum.StrEnum):
    """What a subject is."""

    TEACHER = "teacher"
    STUDENT = "student"
    STAFF = "staff"
    UNIT = "unit"
    EXTERNAL = "external"


PERSON_KIND_LABELS = {
    PersonKind.TEACHER: "教师",
    PersonKind.STUDENT: "学生",
    PersonKind.STAFF: "职工",
    PersonKind.UNIT: "单位",
    PersonKind.EXTERNAL: "校外人员",
}


class Person(Base):
    """A teacher, student, staff member, unit (院系/课题组) or outsider."""

    __tablename__ = "people"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[PersonKind] = mapped_column(enum_column(PersonKind))
    name: Mapped[str] = mapped_column(String(128), index=True)
    university_id: Mapped[str | None] = mapped_column(String(32), unique=True)
    unit: Mapped[str | None] = mapped_column(String(128))
    title: Mapped[str | None] = mapped_column(String(64))
    id_number: Mapped[str | None] = mapped_column(String(32), info={"audit": "redact"})
    credit_code: Mapped[str | None] = mapped_column(String(32))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def kind_label(self) -> str:
        """The Chinese name of the kind."""
        return PERSON_KIND_LABELS[self.kind]


class PersonNotFound(NotFound):
    """No such person or unit."""


def mask_id_number(value: str | None) -> str:
    """Show the first 4 and last 4 characters only: 4101**********1234."""
    if not value:
        return ""
    if len(value) <= 8:
        return value[0] + "*" * (len(value) - 1)
    return value[:4] + "*" * (len(value) - 8) + value[-4:]


def mask_name(name: str) -> str:
    """张三 -> 张*, 欧阳娜娜 -> 欧***: how people appear on public pages."""
    if len(name) <= 1:
        return name
    return name[0] + "*" * (len(name) - 1)


#: Runs of 8 or more digits in free text: ID, student and phone numbers.
_LONG_NUMBER = re.compile(r"(?<![0-9])[0-9]{8,}[0-9Xx]?(?![0-9])")


def _mask_number_in_text(match: re.Match[str]) -> str:
    """A long number in free text keeps its first and last two characters."""
    value = match.group(0)
    return value[:2] + "*" * (len(value) - 4) + value[-2:]


def mask_in_text(text: str | None, person: Person) -> str:
    """Free text (事由, 依据 …) as a public page may show it: the subject's name, given name,
    ID and university numbers masked, and any other long number too ("王建华在2026年…"
    beside "王**" would give the name away). Units are public by name and left as they are."""
    if not text:
        return ""
    if person.kind is PersonKind.UNIT:
        return text
    for number in sorted({person.id_number or "", person.university_id or ""}, key=len)[::-1]:
        if number:
            text = text.replace(number, mask_id_number(number))
    name = person.name.strip()
    if len(name) >= 2:
        text = text.replace(name, mask_name(name))
        if len(name) >= 3:
            text = text.replace(name[1:], "*" * (len(name) - 1))
    return _LONG_NUMBER.sub(_mask_number_in_text, text)


def id_number_for(viewer: User | None, person: Person) -> str:
    """The ID number as this viewer may see it: whole for roles that need it, else masked."""
    if viewer is not None and viewer.can(Permission.VIEW_ID_NUMBERS):
        return person.id_number or ""
    return mask_id_number(person.id_number)


def create_person(
    session: Session,
    *,
    kind: PersonKind,
    name: str,
    university_id: str | None = None,
    unit: str | None = None,
    title: str | None = None,
    id_number: str | None = None,
    credit_code: str | None = None,
    user_id: int | None = None,
) -> Person:
    """Add a person or unit; the university ID, when given, must be unique."""
    name = name.strip()
    if not name:
        raise InvalidInput("姓名/名称不能为空 (name required)")
    if (
        university_id
        and find_person_by_university_id(session, university_id) is not None
    ):
        raise Conflict(f"工号/学号已存在：{university_id}", university_id=university_id)
    person = Person(
        kind=PersonKind(kind),
        name=name,
        university_id=(university_id or None),
        unit=unit,
        title=title,
        id_number=id_number,
        credit_code=credit_code,
        user_id=user_id,
    )
    session.add(person)
    session.flush()
    return person


def get_person(session: Session, person_id: int) -> Person:
    """The person with this id, or `PersonNotFound`."""
    person = session.get(Person, person_id)
    if person is None:
        raise PersonNotFound(f"人员不存在：{person_id}", person_id=person_id)
    return person


def find_person_by_university_id(session: Session, university_id: str) -> Person | None:
    """The person with this 工号/学号, if any."""
    return session.scalars(
        select(Person).where(Person.university_id == university_id)
    ).first()


def find_person_for_user(session: Session, user: User) -> Person | None:
    """The person record linked to an account (or matching its university ID)."""
    person = session.scalars(select(Person).where(Person.user_id == user.id)).first()
    if person is None and user.university_id:
        person = find_person_by_university_id(session, user.university_id)
    return person


def ensure_person(
    session: Session,
    *,
    kind: PersonKind,
    name: str,
    university_id: str | None = None,
    unit: str | None = None,
) -> Person:
    """The person with this university ID, created when new (imports and intake use this)."""
    if university_id:
        found = find_person_by_university_id(session, university_id)
        if found is not None:
            return found
    return create_person(
        session, kind=kind, name=name, university_id=university_id, unit=unit
    )


def search_people(session: Session, query: str, *, limit: int = 20) -> list[Person]:
    """People whose name, university ID or unit contains `query`."""
    like = f"%{query.strip()}%"
    return list(
        session.scalars(
            select(Person)
            .where(
                or_(
                    Person.name.like(like),
                    Person.university_id.like(like),
                    Person.unit.like(like),
                )
            )
            .order_by(Person.name)
            .limit(limit)
        )
    )
