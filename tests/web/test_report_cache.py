"""The report page's kept body: changed when the report, its filters or the language
change, and never carrying one reader's token, name or switches to another."""

from __future__ import annotations

import io
import re

from archive.corpus import services as corpus
from archive.kernel import audit
from archive.kernel.accounts import Role
from archive.submissions import services as submissions
from archive.submissions.models import Submission
from tests.archive.factories_screening import SOURCE_A, SOURCE_B, THESIS
from tests.factories import make_user
from tests.helpers import login, text_of
from web import report_cache


def _report(session, office):
    corpus.add_document(
        session, doc_id="web/a.txt", text=SOURCE_A, title="科研诚信制度研究"
    )
    corpus.add_document(
        session, doc_id="web/b.txt", text=SOURCE_B, title="量子计算综述"
    )
    batch = submissions.create_batch(session, actor=office, name="缓存批次")
    sub = submissions.add_file(
        session,
        batch=batch,
        actor=office,
        file_name="t.txt",
        stream=io.BytesIO(THESIS.encode()),
    )
    session.commit()
    return sub.id


def _tokens(html: str) -> set[str]:
    return set(re.findall(r'name="csrf_token" value="([^"]+)"', html))


def test_second_view_is_kept_and_still_audited(session, client):
    office = make_user(session, Role.RESEARCH_OFFICE)
    sub_id = _report(session, office)
    login(client, office.username)
    first = client.get(f"/screening/submissions/{sub_id}").get_data(as_text=True)
    second = client.get(f"/screening/submissions/{sub_id}").get_data(as_text=True)
    assert first == second and len(report_cache._bodies) == 1
    assert report_cache.CSRF_SLOT not in second and _tokens(second)
    views = client.get(f"/api/screening/submissions/{sub_id}")
    assert views.status_code == 200


def test_no_token_name_or_switch_of_one_reader_reaches_another(session, app):
    office = make_user(session, Role.RESEARCH_OFFICE, display_name="甲办公室")
    other = make_user(session, Role.RESEARCH_OFFICE, display_name="乙办公室")
    reader = make_user(session, Role.INVESTIGATOR, display_name="丙调查员")
    sub_id = _report(session, office)
    pages = {}
    for user in (office, other, reader):
        client = app.test_client()
        login(client, user.username)
        pages[user.display_name] = client.get(
            f"/screening/submissions/{sub_id}"
        ).get_data(as_text=True)
    mine, theirs, read_only = pages["甲办公室"], pages["乙办公室"], pages["丙调查员"]
    assert _tokens(mine) and _tokens(theirs) and not _tokens(mine) & _tokens(theirs)
    assert "乙办公室" in theirs and "甲办公室" not in theirs
    assert "丙调查员" in read_only and "乙办公室" not in read_only
    # the investigator may read, not change: no exclude or rescreen forms, no token slot
    assert "exclude-form" in mine and "exclude-form" not in read_only
    assert report_cache.CSRF_SLOT not in read_only + mine + theirs


def test_filters_and_options_change_the_page(session, client):
    office = make_user(session, Role.RESEARCH_OFFICE)
    sub_id = _report(session, office)
    login(client, office.username)
    url = f"/screening/submissions/{sub_id}"
    whole = client.get(url).get_data(as_text=True)
    other_source = client.get(url + "?source=web/b.txt").get_data(as_text=True)
    assert whole != other_source and len(report_cache._bodies) == 2
    submissions.update_report_options(
        session,
        submission_id=sub_id,
        actor=office,
        exclude={"web/a.txt": "other"},
        filters={"exclude_quotes": False},
    )
    session.commit()
    excluded = client.get(url).get_data(as_text=True)
    assert excluded != whole
    assert 'value="restore"' in excluded and 'value="restore"' not in whole


def test_rescreen_and_corpus_change_give_a_new_body(session, client):
    office = make_user(session, Role.RESEARCH_OFFICE)
    sub_id = _report(session, office)
    login(client, office.username)
    url = f"/screening/submissions/{sub_id}"
    client.get(url)
    sub = session.get(Submission, sub_id)

    def key() -> str:
        session.refresh(sub)
        return report_cache.body_key(
            sub,
            source=None,
            group=None,
            language="zh",
            switches=(True, False, False),
            corpus=report_cache.corpus_state(session, sub.max_source_id),
        )

    before = key()
    submissions.rescreen_submission(session, submission_id=sub_id, actor=office)
    session.commit()
    after_rescreen = key()
    assert after_rescreen != before
    assert sub.max_source_id == "web/a.txt"
    corpus.remove_document(session, doc_id="web/a.txt", actor=office)
    session.commit()
    assert key() != after_rescreen
    assert client.get(url).status_code == 200 and len(report_cache._bodies) == 2


def test_each_language_has_its_own_body(session, client):
    office = make_user(session, Role.RESEARCH_OFFICE)
    sub_id = _report(session, office)
    login(client, office.username)
    url = f"/screening/submissions/{sub_id}"
    chinese = text_of(client.get(url))
    client.get("/lang/en")
    english = text_of(client.get(url))
    assert "全文对照" in chinese and "全文对照" not in english
    assert "Text Similarity Report" in english
    client.get("/lang/zh")
    assert "全文对照" in text_of(client.get(url))


def test_every_view_is_audited_even_when_the_body_is_kept(session, client):
    office = make_user(session, Role.RESEARCH_OFFICE)
    sub_id = _report(session, office)
    login(client, office.username)
    for _ in range(3):
        assert client.get(f"/screening/submissions/{sub_id}").status_code == 200
    views = audit.list_entries(
        session, action="view_report", entity_type="submissions", entity_id=str(sub_id)
    )
    assert len(views) == 3 and {v.actor for v in views} == {office.username}
    assert audit.verify_chain(session).is_intact
