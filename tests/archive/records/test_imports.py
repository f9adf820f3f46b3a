"""Bulk import: CSV and XLSX with a files folder, malformed rows named, duplicates found."""

from __future__ import annotations

import io
from datetime import datetime

import pytest
from openpyxl import Workbook

from archive.records.errors import ImportFileError
from archive.records.imports import import_records
from archive.records.services import find_record_by_number
from archive.search.indexing import index_record
from archive.search.query import search
from tests.archive.factories_archive import research_office

HEADER = "类型,题名,人员,单位,学科,开始日期,结束日期,关键词,摘要,文件,访问,访问角色,封存至,限制理由\n"
GOOD = (
    "科研项目,超高性能混凝土抗爆性能研究,张三（负责人）；李四（参与人）,土木学院,土木工程,2020-01-01,2022-12-31,超高性能混凝土；抗爆,项目结题材料,report.txt,,,,\n"
    "论文,黄土高原水土流失遥感监测,王五（作者）,资源学院,地理学,2021/5/1,,遥感；水土流失,,,,,,\n"
)
BAD = (
    "论文,,赵六,资源学院,地理学,2021-13-01,,,,missing.pdf,,,,\n"
    "乱码类型,某题名,,,,,,,,,,,,\n"
)


@pytest.fixture
def files_dir(tmp_path):
    (tmp_path / "report.txt").write_text(
        "结题报告：超高性能混凝土在爆炸荷载下的损伤演化。", encoding="utf-8"
    )
    return tmp_path


def run(session, actor, text, files_dir, **kw):
    return import_records(
        session,
        actor=actor,
        data=text.encode("utf-8"),
        filename="records.csv",
        files_dir=files_dir,
        **kw,
    )


def test_a_csv_with_files_is_imported_and_searchable(session, files_dir):
    user = research_office(session)
    report = run(session, user, HEADER + GOOD, files_dir)
    assert report.is_imported and len(report.created) == 2 and not report.errors
    project = find_record_by_number(session, report.created[0])
    assert [p.name for p in project.people] == ["张三", "李四"]
    assert project.files[0].stored_file.original_name == "report.txt"
    index_record(session, project, extract=True)
    assert search(session, actor=user, query="损伤演化").hits[0].record.id == project.id


def test_malformed_rows_are_named_and_nothing_is_imported_by_default(
    session, files_dir
):
    user = research_office(session)
    report = run(session, user, HEADER + GOOD + BAD, files_dir)
    assert not report.is_imported and report.created == []
    rows = {p.row: p.message for p in report.errors}
    assert set(rows) == {4, 5}
    assert "题名为空" in rows[4] and "日期" in rows[4] and "missing.pdf" in rows[4]
    assert "类型无效" in rows[5]
    assert str(report.errors[0]).startswith("第 4 行")
    assert search(session, actor=user, query="混凝土").total == 0


def test_skip_bad_imports_the_good_rows(session, files_dir):
    user = research_office(session)
    report = run(session, user, HEADER + GOOD + BAD, files_dir, skip_bad=True)
    assert report.is_imported and len(report.created) == 2 and len(report.errors) == 2


def test_a_sheet_imported_twice_is_recognised_as_duplicates(session, files_dir):
    user = research_office(session)
    first = run(session, user, HEADER + GOOD, files_dir)
    second = run(session, user, HEADER + GOOD, files_dir)
    assert len(first.created) == 2
    assert second.created == [] and not second.errors
    reasons = {d.row: (d.existing, d.reason) for d in second.duplicates}
    assert reasons[2] == (first.created[0], "metadata")


def test_the_same_file_under_another_title_is_a_duplicate(session, files_dir):
    user = research_office(session)
    run(session, user, HEADER + GOOD, files_dir)
    other = "科研项目,另一个题名,钱七,土木学院,土木工程,2020-01-01,,,,report.txt,,,,\n"
    report = run(session, user, HEADER + other, files_dir)
    assert [d.reason for d in report.duplicates] == ["file"]


def test_duplicates_within_one_sheet(session, files_dir):
    user = research_office(session)
    report = run(session, user, HEADER + GOOD + GOOD.splitlines()[1] + "\n", files_dir)
    assert len(report.created) == 2
    assert [(d.row, d.existing) for d in report.duplicates] == [(4, "第 3 行")]


def test_access_columns_and_their_rules(session, files_dir):
    user = research_office(session)
    sealed = "实验记录,保密实验记录,孙八,化学院,化学/化学工程与技术,2024-01-01,,,,,封存,纪委,2099-01-01,专利申请前\n"
    no_reason = (
        "实验记录,另一保密记录,孙八,化学院,,2024-01-01,,,,,封存,纪委,2099-01-01,\n"
    )
    report = run(session, user, HEADER + sealed + no_reason, files_dir, skip_bad=True)
    assert len(report.created) == 1
    assert "限制理由" in report.errors[0].message
    record = find_record_by_number(session, report.created[0])
    assert record.access_level == "sealed" and record.access_roles == [
        "discipline_office"
    ]


def test_files_outside_the_folder_are_refused(session, files_dir):
    user = research_office(session)
    row = "论文,路径穿越,某人,,,2020-01-01,,,,../../etc/passwd,,,,\n"
    report = run(session, user, HEADER + row, files_dir)
    assert "文件路径不允许" in report.errors[0].message


def test_xlsx_with_dates(session, files_dir):
    user = research_office(session)
    book = Workbook()
    sheet = book.active
    sheet.append(["类型", "题名", "人员", "年度", "结束日期", "文件"])
    sheet.append(
        [
            "学位论文",
            "基于图神经网络的药物相互作用预测",
            "周九（作者）",
            2023,
            datetime(2024, 6, 30),
            "report.txt",
        ]
    )
    buffer = io.BytesIO()
    book.save(buffer)
    report = import_records(
        session,
        actor=user,
        data=buffer.getvalue(),
        filename="theses.xlsx",
        files_dir=files_dir,
    )
    assert len(report.created) == 1, report.errors
    record = find_record_by_number(session, report.created[0])
    assert (
        record.date_start.year == 2023 and record.date_end.isoformat() == "2024-06-30"
    )


def test_unreadable_sheets(session):
    user = research_office(session)
    with pytest.raises(ImportFileError):
        import_records(session, actor=user, data=b"", filename="x.csv")
    with pytest.raises(ImportFileError):
        import_records(session, actor=user, data=b"a,b\n1,2\n", filename="x.csv")
    with pytest.raises(ImportFileError):
        import_records(
            session, actor=user, data=b"PK\x03\x04garbage", filename="x.xlsx"
        )


def test_gb18030_csv(session, files_dir):
    user = research_office(session)
    report = import_records(
        session,
        actor=user,
        data=(HEADER + GOOD).encode("gb18030"),
        filename="x.csv",
        files_dir=files_dir,
    )
    assert len(report.created) == 2
