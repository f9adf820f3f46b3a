"""The audit log page: entries in words with objects by name, filter totals that match,
refused record views logged, and sealed content withheld from auditors (#14 item 10)."""

from __future__ import annotations

import re
from datetime import timedelta

from archive.kernel import accounts, audit, clock
from archive.kernel.accounts import Role
from archive.kernel.people import PersonKind, create_person, mask_name
from archive.records.models import DisposalRequest
from archive.records.retention import list_disposal_requests
from casework.services import intake
from tests.archive.factories_archive import (
    discipline_office,
    make_case_file,
    make_record,
    research_office,
)
from tests.casework.factories_casework import make_cast, named_case
from tests.factories import make_user
from tests.helpers import login, text_of

SEALED_TITLE = "量子纠缠专利技术交底书（封存）"


def _seed(session):
    auditor = make_user(session, Role.AUDITOR, username="sj-audit")
    admin = make_user(session, Role.ADMINISTRATOR, username="gl-audit")
    target = make_user(
        session, Role.INVESTIGATOR, username="zhangsan", display_name="张三"
    )
    session.info["actor"] = admin
    accounts.set_roles(
        session, actor=admin, user_id=target.id, roles={Role.COMMITTEE_MEMBER}
    )
    research = research_office(session, username="ky-audit")
    session.info["actor"] = research
    sealed = make_record(
        session,
        research,
        title=SEALED_TITLE,
        access_level="sealed",
        sealed_until=clock.today() + timedelta(days=365),
        access_roles=["discipline_office"],
        access_reason="专利申请前保密",
    )
    jiwei = discipline_office(session, username="jw-audit")
    case_file = make_case_file(session, None, title="关于图片篡改的举报案卷")
    cast = make_cast(session)
    case = named_case(session, cast)
    session.commit()
    return auditor, target, sealed, jiwei, case_file, case


def test_entries_read_in_words_with_names_and_links(client, session):
    auditor, target, sealed, _jiwei, _cf, _case = _seed(session)
    login(client, "sj-audit")
    page = client.get("/audit/?entity_type=user_roles")
    assert page.status_code == 200
    text = text_of(page)
    assert "用户角色" in text and "张三（zhangsan）" in text
    assert "学术委员会委员" in text and "committee_member" not in text
    assert "update users#" not in text and "{&#34;" not in page.get_data(as_text=True)
    # The matching total is what the table lists.
    rows = page.get_data(as_text=True).count('data-testid="audit-row"')
    match = re.search(r"符合条件 (\d+) 条", text)
    assert match and int(match.group(1)) == rows > 0


def test_sealed_titles_and_allegations_are_withheld_from_auditors(client, session):
    _auditor, _t, sealed, _jw, _cf, case = _seed(session)
    login(client, "sj-audit")
    html = client.get("/audit/").get_data(as_text=True)
    assert sealed.number in html
    assert SEALED_TITLE not in html and "专利申请前保密" not in html
    assert case.number in html and "大段抄袭" not in html and "论文抄袭举报" not in html
    assert "举报人张三" not in html and "13800000000" not in html
    assert "内容不公开" in html


def test_refused_record_view_is_logged_and_shown_in_words(client, session):
    _auditor, _t, _sealed, _jw, case_file, _case = _seed(session)
    login(client, "ky-audit")
    assert client.get(f"/archive/records/{case_file.id}").status_code == 404
    refused = audit.list_entries(
        session,
        entity_type="records",
        entity_id=str(case_file.id),
        action="view_refused",
    )
    assert len(refused) == 1 and refused[0].actor == "ky-audit"
    client.get("/logout")
    login(client, "sj-audit")
    text = text_of(client.get("/audit/?action=view_refused"))
    assert "查看被拒绝" in text and case_file.number in text
    assert "符合条件 1 条" in text


def test_discipline_office_view_reads_as_a_sentence(client, session):
    _auditor, _t, _sealed, _jw, case_file, _case = _seed(session)
    login(client, "jw-audit")
    assert client.get(f"/archive/records/{case_file.id}").status_code == 200
    client.get("/logout")
    login(client, "sj-audit")
    page = client.get(
        f"/audit/?entity_type=records&entity_id={case_file.id}&action=view"
    )
    text = text_of(page)
    assert "查看" in text and "档案" in text and case_file.number in text
    assert "符合条件 1 条" in text


def test_pending_disposals_list_only_records_the_viewer_may_see(session):
    _auditor, _t, sealed, jiwei, _cf, _case = _seed(session)
    research = research_office(session, username="ky-audit-2")
    session.add(DisposalRequest(record_id=sealed.id, reason="保管期满"))
    session.flush()
    assert [r.record_id for r in list_disposal_requests(session, actor=jiwei)] == [
        sealed.id
    ]
    assert list_disposal_requests(session, actor=research) == []


def test_people_are_named_as_public_pages_name_them_to_auditors(client, session):
    _auditor, _t, _sealed, _jw, _cf, case = _seed(session)
    login(client, "sj-audit")
    text = text_of(client.get("/audit/?entity_type=people"))
    respondent = case.parties[0].person.name
    assert respondent not in text and mask_name(respondent) in text


def test_a_respondent_refused_his_own_case_is_logged(client, session):
    cast = make_cast(session)
    case = named_case(session, cast)
    insider = make_user(session, Role.INVESTIGATOR, username="inv-respondent")
    person = create_person(
        session, kind=PersonKind.TEACHER, name="内部人员", user_id=insider.id
    )
    intake.add_respondent(
        session,
        actor=cast.office,
        case_id=case.id,
        expected_version=case.version,
        kind=person.kind,
        name=person.name,
        person_id=person.id,
    )
    session.commit()
    login(client, "inv-respondent")
    assert client.get(f"/cases/{case.id}").status_code == 404
    [entry] = audit.list_entries(
        session, entity_type="cases", entity_id=str(case.id), action="view_refused"
    )
    assert entry.actor == "inv-respondent"
