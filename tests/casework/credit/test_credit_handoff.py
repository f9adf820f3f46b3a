"""The real hand-off: a case walked to FINAL by casework lands in the credit file, once."""

from __future__ import annotations

from casework.credit import services
from casework.models import CaseState
from casework.services.handoff import hand_off_final_decision
from tests.casework.credit.factories_credit import credit_admin
from tests.casework.factories_casework import make_cast, named_case, walk_to


def test_final_case_lands_in_the_credit_file_once(session):
    cast = make_cast(session)
    case = walk_to(session, cast, named_case(session, cast), CaseState.FINAL)
    admin = credit_admin(session)
    cf = services.credit_file(session, actor=admin, person_id=cast.respondent.id)
    [entry] = cf.dishonesty
    assert entry.record.case_id == case.id and entry.record.case_number == case.number
    assert entry.record.sanction_code == "S12" and entry.state.code == "not_public"
    hand_off_final_decision(session, case=case, actor=cast.office)  # again: nothing new
    cf = services.credit_file(session, actor=admin, person_id=cast.respondent.id)
    assert len(cf.dishonesty) == 1
    assert cf.grade is not None and cf.grade.grade == "B"
    assert services.public_sanctions(session) == [] or all(
        p.decision_number != entry.record.decision_number
        for p in services.public_sanctions(session)
    )
