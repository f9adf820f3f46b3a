"""The report page's kept body: changed when the report, its filters or the language
change, and never carrying one reader's token, name or switches to another."""

from __future__ import annotations

import io
import re

from sqlalchemy import event

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


# ----------------------------------------------------------- the parsed report, kept
def _report_reads(session) -> list[str]:
    """The statements that read a stored report's JSON, from now on."""
    reads: list[str] = []
    bind = session.get_bind()

    def seen(_conn, _cursor, statement, *_args) -> None:
        if re.match(r"SELECT submissions\.report\s+FROM", statement):
            reads.append(statement)

    event.listen(bind, "before_cursor_execute", seen)
    return reads


def _page(response) -> str:
    """A page without its CSRF tokens (signed with the time, they change each second)."""
    html = response.get_data(as_text=True)
    return re.sub(
        r'(name="csrf_token" value=|name="csrf-token" content=)"[^"]+"', "", html
    )


def test_a_report_is_read_and_parsed_once_per_state(session, client):
    office = make_user(session, Role.RESEARCH_OFFICE)
    sub_id = _report(session, office)
    login(client, office.username)
    url = f"/screening/submissions/{sub_id}"
    reads = _report_reads(session)
    whole = _page(client.get(url))
    other = _page(client.get(url + "?source=web/b.txt"))
    assert _page(client.get(url)) == whole and other != whole
    assert len(reads) == 1 and len(report_cache._reports) == 1
    # a change of options is a new state: read again, and the page shows it
    submissions.update_report_options(
        session, submission_id=sub_id, actor=office, exclude={"web/a.txt": "other"}
    )
    session.commit()
    before = len(reads)  # the change itself read the report
    excluded = client.get(url).get_data(as_text=True)
    assert len(reads) == before + 1 and 'value="restore"' in excluded
    sub, rep, _text = submissions.get_report(
        session, submission_id=sub_id, actor=office, keeper=report_cache.kept_report
    )
    assert "web/a.txt" in rep.options.excluded_sources and len(reads) == before + 1


def test_a_rescreened_report_is_read_again(session, client):
    office = make_user(session, Role.RESEARCH_OFFICE)
    sub_id = _report(session, office)
    login(client, office.username)
    url = f"/screening/submissions/{sub_id}"
    client.get(url)
    reads = _report_reads(session)
    submissions.rescreen_submission(session, submission_id=sub_id, actor=office)
    session.commit()
    assert client.get(url).status_code == 200
    assert len(reads) == 1 and len(report_cache._reports) == 2


def test_a_kept_report_is_handed_out_only_after_the_access_check(session, app):
    office = make_user(session, Role.RESEARCH_OFFICE, display_name="甲办公室")
    reader = make_user(session, Role.INVESTIGATOR, display_name="丙调查员")
    teacher = make_user(session, Role.TEACHER)
    auditor_of_archive = make_user(session, Role.DISCIPLINE_OFFICE)
    sub_id = _report(session, office)
    url = f"/screening/submissions/{sub_id}"
    for user, status in (
        (office, 200),
        (teacher, 403),
        (auditor_of_archive, 403),
        (reader, 200),
    ):
        client = app.test_client()
        login(client, user.username)
        assert client.get(url).status_code == status, user.username
    assert len(report_cache._reports) == 1
    views = audit.list_entries(
        session, action="view_report", entity_type="submissions", entity_id=str(sub_id)
    )
    assert sorted(v.actor for v in views) == sorted([office.username, reader.username])


def test_both_languages_share_one_parsed_report(session, client):
    office = make_user(session, Role.RESEARCH_OFFICE)
    sub_id = _report(session, office)
    login(client, office.username)
    url = f"/screening/submissions/{sub_id}"
    reads = _report_reads(session)
    client.get(url)
    client.get("/lang/en")
    english = text_of(client.get(url))
    assert "Text Similarity Report" in english
    assert len(reads) == 1 and len(report_cache._bodies) == 2


def test_kept_reports_are_bounded_in_number_and_size(session, monkeypatch):
    office = make_user(session, Role.RESEARCH_OFFICE)
    ids = [_report(session, office) for _ in range(3)]
    monkeypatch.setattr(report_cache, "MAX_REPORTS", 2)

    def read(sub_id):
        return submissions.get_report(
            session, submission_id=sub_id, actor=office, keeper=report_cache.kept_report
        )

    for sub_id in ids:
        read(sub_id)
    kept = list(report_cache._reports.values())
    assert len(kept) == 2 and kept[-1][0] is read(ids[-1])[1]
    monkeypatch.setattr(report_cache, "MAX_REPORT_WEIGHT", 1)
    read(ids[0])
    assert len(report_cache._reports) == 1  # the newest one stays, whatever its size
