"""The people register page: preview an export, confirm the same file, masked ID numbers;
then the credit check tells a registered clean person from a mistyped number."""

from __future__ import annotations

import io

from archive.kernel.accounts import Role
from archive.kernel.people import find_person_by_university_id
from tests.factories import make_user
from tests.helpers import login, post_form, text_of

SHEET = (
    "学号,姓名,学院,身份证号\n"
    "2026501,周一,历史学院,11010519491231002X\n"
    "2026502,吴二,历史学院,\n"
    "2026503,,历史学院,\n"
).encode("gb18030")


def test_preview_then_confirm_imports_the_previewed_file(client, session):
    make_user(session, Role.DISCIPLINE_OFFICE, username="jw-people")
    session.commit()
    login(client, "jw-people")
    assert "人员名册" in text_of(client.get("/people/"))
    preview = post_form(
        client,
        "/people/import",
        {"sheet": (io.BytesIO(SHEET), "学生名单.csv"), "kind": ""},
        content_type="multipart/form-data",
    )
    assert preview.status_code == 200
    text = text_of(preview)
    assert "预览（尚未导入）：新增 2 人" in text and "第 4 行：缺少姓名" in text
    assert "1101**********002X" in text and "11010519491231002X" not in text
    assert find_person_by_university_id(session, "2026501") is None
    token = (
        preview.get_data(as_text=True).split('name="token" value="')[1].split('"')[0]
    )
    done = post_form(
        client,
        "/people/import",
        {"token": token, "filename": "学生名单.csv", "kind": ""},
    )
    assert "已导入：新增 2 人" in text_of(done)
    session.expire_all()
    assert find_person_by_university_id(session, "2026501") is not None
    again = post_form(
        client, "/people/import", {"token": token, "filename": "x.csv", "kind": ""}
    )
    assert again.status_code == 302  # a token is used once


def test_register_needs_its_permission(client, session):
    make_user(session, Role.STUDENT, username="st-people")
    session.commit()
    login(client, "st-people")
    assert client.get("/people/").status_code == 403
