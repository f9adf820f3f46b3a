"""A subject's credit file as one read model: records with their states, commitments
signed, grades and repair applications. It spans the credit modules, so it sits above
them all (files, commitments, evaluation, repair) and none of them imports it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy.orm import Session

from archive.kernel import audit, clock
from archive.kernel.accounts import User
from archive.kernel.people import Person
from casework.credit.commitments import list_signatures
from casework.credit.evaluation import current_grades
from casework.credit.files import (
    FileEntry,
    get_subject,
    is_in_force,
    list_records,
    record_state,
    require_file_access,
)
from casework.credit.models import (
    CommitmentSignature,
    CreditGrade,
    RecordKind,
    RepairApplication,
)
from casework.credit.repair import list_repairs_of


@dataclass
class CreditFile:
    """Everything in a subject's credit file on a day."""

    person: Person
    on: date
    dishonesty: list[FileEntry] = field(default_factory=list)
    honours: list[FileEntry] = field(default_factory=list)
    clearances: list[FileEntry] = field(default_factory=list)
    signatures: list[CommitmentSignature] = field(default_factory=list)
    grades: list[CreditGrade] = field(default_factory=list)
    repairs: list[RepairApplication] = field(default_factory=list)

    @property
    def active_sanctions(self) -> list[FileEntry]:
        """Dishonesty records whose measure is in force."""
        return [e for e in self.dishonesty if is_in_force(e.record, self.on)]

    @property
    def grade(self) -> CreditGrade | None:
        """The subject's current grade row (None before the first evaluation)."""
        return self.grades[0] if self.grades else None


def credit_file(
    session: Session, *, actor: User | None, person_id: int, on: date | None = None
) -> CreditFile:
    """A subject's whole file as the actor may see it."""
    person = get_subject(session, person_id)
    require_file_access(session, actor, person)
    on = on or clock.today()
    out = CreditFile(person=person, on=on)
    for record in list_records(session, person_id):
        entry = FileEntry(record, record_state(record, on))
        {
            RecordKind.DISHONESTY: out.dishonesty,
            RecordKind.HONOUR: out.honours,
            RecordKind.CLEARANCE: out.clearances,
        }[record.kind].append(entry)
    out.signatures = list_signatures(session, person_id=person_id)
    out.grades = current_grades(session, person_id=person_id)
    out.repairs = list_repairs_of(session, person_id=person_id)
    return out


def view_credit_file(session: Session, *, actor: User, person_id: int) -> CreditFile:
    """The file for a credit officer's page or API call; the viewing is audited."""
    cf = credit_file(session, actor=actor, person_id=person_id)
    audit.record_event(
        session, action="credit_file_viewed", entity_type="people", entity_id=person_id
    )
    return cf
