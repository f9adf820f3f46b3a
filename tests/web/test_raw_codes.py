"""Words, not codes: the raw values users saw on case and public pages (#13 Everywhere)."""

from __future__ import annotations

from archive.kernel.accounts import Role
from casework.models import CaseState
from tests.casework.factories_casework import make_cast, named_case, walk_to
from tests.factories import make_user
from tests.helpers import login, text_of


def test_case_page_says_hand_off_source_and_durations_in_words(client, session):
    cast = make_cast(session)
    case = walk_to(session, cast, named_case(session, cast), CaseState.FINAL)
    make_user(session, Role.INVESTIGATOR, username="raw-codes-inv")
    session.commit()
    login(client, "raw-codes-inv")
    text = text_of(client.get(f"/cases/{case.id}?tab=timeline"))
    assert "实名举报" in text and "named" not in text
    summary = text_of(client.get(f"/cases/{case.id}"))
    assert "信用移交：已完成" in summary and "done" not in summary
    for code in ("handed_off", "proposed", "decided", "years to life"):
        assert code not in summary
    client.get("/lang/en")
    english = text_of(client.get(f"/cases/{case.id}"))
    assert "Met on" in english and "decide on acceptance within" in english
    assert "个工作日内决定是否受理" not in english and "自受理之日起" not in english
