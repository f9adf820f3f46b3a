"""The hand-off to the archive carries the case's conflict rules: a user with a declared
conflict (recused) cannot open the case file, other investigators can."""

from __future__ import annotations

from archive.kernel.accounts import Role
from archive.records import access
from archive.records import services as records
from casework.models import CaseState, Relation
from casework.services import panel
from casework.services.handoff import conflicted_user_ids
from tests.casework.factories_casework import make_cast, move, named_case, walk_to
from tests.factories import make_user

S = CaseState


def test_a_recused_user_is_kept_out_of_the_archived_case_file(session):
    cast = make_cast(session)
    conflicted = make_user(session, Role.INVESTIGATOR, display_name="合作者")
    bystander = make_user(session, Role.INVESTIGATOR, display_name="旁观调查员")
    case = named_case(session, cast)
    panel.declare_conflict(
        session,
        actor=cast.office,
        case_id=case.id,
        expected_version=None,
        user_id=conflicted.id,
        relation=Relation.COAUTHOR,
        person_id=cast.respondent.id,
        note="论文合作者",
    )
    case = walk_to(session, cast, case, S.FINAL)
    assert conflicted.id in conflicted_user_ids(session, case.id)
    case = move(session, cast.office, case, S.SANCTIONS_ACTIVE)
    case = move(session, cast.office, case, S.ARCHIVED)
    record = records.find_case_file(session, case.number)
    assert record is not None
    assert not access.can_view(conflicted, record)
    assert access.can_view(bystander, record)
