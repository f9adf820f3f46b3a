"""The people register import: CSV and XLSX exports with varying Chinese headers, a dry run,
problems by line, updates in place on a repeated import, and the audit entry."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook

from archive.kernel import audit
from archive.kernel.accounts import Role
from archive.kernel.errors import InvalidInput, PermissionDenied
from archive.kernel.people import PersonKind, find_person_by_university_id
from archive.kernel.people_register import import_register, is_valid_id_number
from tests.factories import make_user

GOOD_ID = "11010519491231002X"
STUDENTS_CSV = (
    "2026年春季学期在校学生名单\n"
    "学号,姓名,性别,学院,身份证号码\n"
    "２０２６００１,王一,男,计算机学院,11010519491231002X\n"
    "2026002,李二,女,法学院,\n"
    ",无号,男,法学院,\n"
    "2026004,错证,男,法学院,110105194912310021\n"
    "2026002,重复,女,法学院,\n"
)


def _xlsx(rows: list[list[object]]) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_csv_in_gb18030_with_a_title_line_dry_run_then_import(session):
    admin = make_user(session, Role.ADMINISTRATOR)
    data = STUDENTS_CSV.encode("gb18030")
    preview = import_register(
        session, actor=admin, data=data, filename="学生.csv", dry_run=True
    )
    assert preview.figures == {
        "created": 2,
        "updated": 0,
        "unchanged": 0,
        "errors": 3,
        "rows": 5,
    }
    assert [str(p) for p in preview.problems] == [
        "第 5 行：缺少工号/学号",
        "第 6 行：身份证号无效：1101**********0021（校验位不符或长度不对）",
        "第 7 行：工号/学号 2026002 与第 4 行重复",
    ]
    assert preview.outcomes[0].row.masked_id_number == "1101**********002X"
    assert find_person_by_university_id(session, "2026001") is None  # nothing written
    report = import_register(session, actor=admin, data=data, filename="学生.csv")
    assert report.count("create") == 2
    person = find_person_by_university_id(session, "2026001")
    assert person is not None and person.kind is PersonKind.STUDENT
    assert person.unit == "计算机学院" and person.id_number == GOOD_ID
    [entry] = audit.list_entries(session, action="people_import")
    assert entry.after["created"] == 2 and entry.after["errors"] == 3


def test_xlsx_staff_export_updates_on_a_second_import(session):
    office = make_user(session, Role.DISCIPLINE_OFFICE)
    first = _xlsx(
        [
            ["职工号", "姓 名", "所在单位", "专业技术职务", "人员类别"],
            [10086, "赵老师", "物理学院", "副教授", "专任教师"],
            ["T0002", "钱老师", "财务处", "", "管理人员"],
        ]
    )
    report = import_register(session, actor=office, data=first, filename="教职工.xlsx")
    assert report.count("create") == 2
    teacher = find_person_by_university_id(session, "10086")
    assert teacher is not None and teacher.kind is PersonKind.TEACHER
    second = _xlsx(
        [
            ["工号", "姓名", "院系", "职称", "类别"],
            [10086, "赵老师", "化学学院", "教授", "教师"],
            ["T0002", "钱老师", "财务处", "", "职工"],
        ]
    )
    again = import_register(session, actor=office, data=second, filename="教职工.xlsx")
    assert again.figures["created"] == 0 and again.count("update") == 1
    assert again.count("unchanged") == 1
    assert again.outcomes[0].changed == ("unit", "title")
    assert teacher.unit == "化学学院"
    changes = audit.list_entries(
        session, entity_type="people", entity_id=str(teacher.id), action="update"
    )
    assert changes and changes[0].after["unit"] == "化学学院"


def test_units_refusals_and_the_id_check(session):
    admin = make_user(session, Role.CREDIT_ADMIN)
    units = "单位代码\t单位名称\n001\t计算机学院\n002\t法学院\n".encode("utf-16")
    report = import_register(session, actor=admin, data=units, filename="units.txt")
    assert report.count("create") == 2
    unit = find_person_by_university_id(session, "001")
    assert unit is not None and unit.kind is PersonKind.UNIT
    with pytest.raises(InvalidInput):
        import_register(
            session, actor=admin, data=b"a,b\n1,2\n", filename="nothing.csv"
        )
    with pytest.raises(PermissionDenied):
        import_register(
            session,
            actor=make_user(session, Role.STUDENT),
            data=units,
            filename="units.txt",
        )
    assert is_valid_id_number(GOOD_ID) and not is_valid_id_number("110105194912310021")
