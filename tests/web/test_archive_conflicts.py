"""Archive access applies the case's conflict rules: the respondent of a case (even with a
staff role) and recused members get 404 on its case file, its files, restriction changes and
attachments, and never find it in search; uploads they send are not stored."""

from __future__ import annotations

import io

from archive.kernel.accounts import Role
from archive.kernel.files import storage_root
from archive.kernel.people import PersonKind, create_person
from archive.records.models import Record
from tests.archive.factories_archive import make_case_file
from tests.factories import make_user
from tests.helpers import login, post_form, text_of


def _blobs(session) -> set[str]:  # type: ignore[no-untyped-def]
    root = storage_root(session)
    return {p.name for p in root.rglob("*") if p.is_file()} if root.exists() else set()


def _seed(session):  # type: ignore[no-untyped-def]
    respondent = make_user(session, Role.INVESTIGATOR, username="resp-inv")
    recused = make_user(session, Role.INVESTIGATOR, username="recused-inv")
    other = make_user(session, Role.INVESTIGATOR, username="other-inv")
    person = create_person(
        session, kind=PersonKind.TEACHER, name="王建华", user_id=respondent.id
    )
    case = make_case_file(
        session,
        None,
        title="王建华论文数据造假案",
        people=[(person.id, "被调查人")],
        excluded_user_ids=[recused.id],
    )
    session.commit()
    return case, respondent, recused, other


def test_respondent_and_recused_member_get_404_on_every_archive_route(client, session):
    case, respondent, recused, other = _seed(session)
    file_id = case.files[0].id
    for username in ("resp-inv", "recused-inv"):
        login(client, username)
        before = _blobs(session)
        assert client.get(f"/archive/records/{case.id}").status_code == 404
        assert client.get(f"/archive/records/{case.id}/files/{file_id}").status_code == 404
        response = post_form(
            client,
            f"/archive/records/{case.id}/access",
            {"access_level": "roles", "access_roles": "investigator", "access_reason": "x"},
        )
        assert response.status_code == 404
        response = post_form(
            client,
            f"/archive/records/{case.id}/files",
            {"files": (io.BytesIO(b"planted evidence " + username.encode()), "p.txt")},
            content_type="multipart/form-data",
        )
        assert response.status_code == 404
        assert _blobs(session) == before, "a refused upload left a blob on disk"
        search = text_of(client.get("/archive/search?q=造假")).replace(" ", "")
        assert "王建华论文数据造假案" not in search and "共1条" not in search
        post_form(client, "/logout")
    session.expire_all()
    assert session.get(Record, case.id).access_level.value == "open"
    login(client, "other-inv")
    assert client.get(f"/archive/records/{case.id}").status_code == 200
    assert client.get(f"/archive/records/{case.id}/files/{file_id}").status_code == 200
    assert "王建华论文数据造假案" in text_of(client.get("/archive/search?q=造假")).replace(" ", "")
