"""The casework pages in English."""

from __future__ import annotations

from casework.models import CaseState
from tests.casework.factories_casework import make_cast, named_case, walk_to
from tests.helpers import login, text_of


def test_case_page_and_tip_form_in_english(client, session):
    cast = make_cast(session)
    case = walk_to(session, cast, named_case(session, cast), CaseState.SCREENING)
    login(client, cast.office.username)
    client.get("/lang/en")
    page = text_of(client.get(f"/cases/{case.id}"))
    assert "Screening" in page and "Legal deadlines" in page and "Respondent" in page
    assert "Anonymous report of academic misconduct" in text_of(client.get("/tips/new"))


def test_the_new_case_parts_in_english(client, session):
    cast = make_cast(session)
    case = walk_to(
        session, cast, named_case(session, cast), CaseState.RESPONDENT_COMMENT
    )
    session.commit()
    login(client, cast.lead.username)
    client.get("/lang/en")
    page = text_of(client.get(f"/cases/{case.id}"))
    assert "Not yet heard" in page and "Not yet possible" in page
    home = text_of(client.get("/"))
    assert "To do" in home and "Your capacity" in home and "panel lead" in home
