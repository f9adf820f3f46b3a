"""Batches and submissions: per-file states, screening jobs, peers, own work, recompute."""

from __future__ import annotations

import io

import pytest

from archive.corpus import services as corpus
from archive.kernel import audit
from archive.kernel.accounts import Role, User
from archive.kernel.errors import PermissionDenied
from archive.submissions import export
from archive.submissions import services as submissions
from archive.submissions.jobs import screen_submission_job
from archive.submissions.models import Submission, SubmissionState
from tests.archive.factories_screening import (
    COPIED,
    SOURCE_A,
    SOURCE_B,
    THESIS,
    isolated_factory,
)
from tests.factories import make_user


@pytest.fixture
def factory(connection, settings, tmp_path):
    return isolated_factory(connection, settings, tmp_path / "data")


def _corpus(factory, **by_id):
    with factory() as s:
        for doc_id, (text, author, uid) in by_id.items():
            corpus.add_document(
                s, doc_id=doc_id, text=text, author=author, author_university_id=uid
            )
        s.commit()


def _upload(factory, files, **batch_kw):
    with factory() as s:
        office = make_user(s, Role.RESEARCH_OFFICE)
        batch = submissions.create_batch(s, actor=office, **batch_kw)
        ids = [
            submissions.add_file(
                s, batch=batch, actor=office, file_name=name, stream=io.BytesIO(data)
            ).id
            for name, data in files
        ]
        s.commit()  # the jobs run now (sync mode)
        return office.id, batch.id, ids


def _sub(factory, sub_id):
    with factory() as s:
        sub = s.get(Submission, sub_id)
        _ = sub.text, sub.report
        return sub


def test_batch_screens_each_file_and_bad_files_do_not_stop_it(factory):
    _corpus(
        factory, **{"a.txt": (SOURCE_A, "王五", None), "b.txt": (SOURCE_B, "", None)}
    )
    _, batch_id, ids = _upload(
        factory,
        [
            ("2020001_张三_教育学_科研诚信研究.txt", THESIS.encode()),
            ("empty.txt", b""),
            ("notes.xls", b"whatever"),
            (
                "clean.txt",
                "完全无关的原创内容，讨论城市绿地的生态服务功能与居民健康。".encode(),
            ),
        ],
    )
    copied, empty, xls, clean = (_sub(factory, i) for i in ids)
    assert copied.state == SubmissionState.DONE and copied.progress == 100
    assert (copied.title, copied.author, copied.university_id) == (
        "科研诚信研究",
        "张三",
        "2020001",
    )
    assert copied.copy_ratio > 0.4 and copied.max_source_id == "a.txt"
    match = copied.report["matches"][0]
    assert copied.text[match["offset"] : match["offset"] + match["length"]] == COPIED
    assert copied.char_count == sum(1 for ch in THESIS if not ch.isspace())
    assert empty.state == SubmissionState.FAILED and empty.reason_code == "empty"
    assert "empty.txt" in empty.reason_message
    assert xls.state == SubmissionState.FAILED
    assert xls.reason_code == "unsupported_type" and "notes.xls" in xls.reason_message
    assert clean.state == SubmissionState.DONE and clean.copy_ratio == 0
    with factory() as s:
        office = make_user(s, Role.RESEARCH_OFFICE)
        batch = submissions.get_batch(s, batch_id, actor=office)
        order = [x.id for x in submissions.batch_submissions(batch)]
        assert order == [copied.id, clean.id, empty.id, xls.id]
        assert submissions.progress_snapshot(batch)["is_done"]


def test_job_is_safe_to_run_twice(factory):
    _corpus(factory, **{"a.txt": (SOURCE_A, "", None)})
    _, _, (sub_id,) = _upload(factory, [("t.txt", THESIS.encode())])
    before = _sub(factory, sub_id)
    screen_submission_job(sub_id)
    after = _sub(factory, sub_id)
    assert after.report == before.report and after.attempts == before.attempts


def test_own_work_is_found_by_author_identity(factory):
    _corpus(
        factory,
        **{
            "mine.txt": (SOURCE_A, "张三", "2020001"),
            "namesake.txt": (SOURCE_A + "。", "张三", "2019999"),
        },
    )
    _, _, (sub_id,) = _upload(
        factory, [("2020001_张三_教育学_题目.txt", THESIS.encode())]
    )
    sub = _sub(factory, sub_id)
    assert sub.report["options"]["own_work_sources"] == ["mine.txt"]
    assert sub.copy_ratio_without_own <= sub.copy_ratio


def test_peers_in_the_same_batch(factory):
    _corpus(factory, **{"b.txt": (SOURCE_B, "", None)})
    shared = "我们认为，高校应当把学术诚信教育纳入研究生培养的全过程，从入学教育到论文答辩，每一个环节都要有明确的要求和相应的检查。"
    files = [
        ("one.txt", ("第一部分。" + shared + "这是第一位同学自己的结论。").encode()),
        ("two.txt", ("引言部分。" + shared + "第二位同学另有不同的看法。").encode()),
    ]
    _, _, ids = _upload(factory, files, compare_peers=True)
    one, two = (_sub(factory, i) for i in ids)
    assert one.state == two.state == SubmissionState.DONE
    assert {m["source"] for m in one.report["matches"]} == {f"submission:{two.id}"}
    assert {m["source"] for m in two.report["matches"]} == {f"submission:{one.id}"}
    _, _, ids = _upload(factory, files)  # peers off by default
    assert all(_sub(factory, i).report["matches"] == [] for i in ids)


def test_exclusions_and_minimum_recompute_the_figures(factory):
    _corpus(factory, **{"a.txt": (SOURCE_A, "", None)})
    _, _, (sub_id,) = _upload(factory, [("t.txt", THESIS.encode())])
    with factory() as s:
        office = make_user(s, Role.RESEARCH_OFFICE)
        report = submissions.update_report_options(
            s, submission_id=sub_id, actor=office, exclude={"a.txt": "非原始来源"}
        )
        s.commit()
        assert report.figures.copy_ratio == 0
        assert report.matches[0].excluded == "excluded_source"
        sub = _sub(factory, sub_id)
        assert sub.copy_ratio == 0
        assert sub.options["excluded_sources"] == {"a.txt": "not_original"}
        report = submissions.update_report_options(
            s,
            submission_id=sub_id,
            actor=office,
            restore=["a.txt"],
            min_match_chars=500,
        )
        assert report.matches[0].excluded == "below_minimum"
        report = submissions.update_report_options(
            s, submission_id=sub_id, actor=office, min_match_chars=10
        )
        assert report.figures.copy_ratio > 0.4
        student = make_user(s, Role.STUDENT)
        with pytest.raises(PermissionDenied):
            submissions.update_report_options(
                s, submission_id=sub_id, actor=student, min_match_chars=1
            )


def test_too_large_file_is_refused_with_its_name(connection, settings, tmp_path):
    factory = isolated_factory(connection, settings, tmp_path / "d", max_upload_mb=1)
    _, _, (big,) = _upload(factory, [("huge.pdf", b"%PDF-1.4\n" + b"0" * (2 << 20))])
    sub = _sub(factory, big)
    assert sub.state == SubmissionState.FAILED and sub.reason_code == "too_large"
    assert "huge.pdf" in sub.reason_message and "1 MB" in sub.reason_message
    assert sub.stored_file_id is None


def test_identical_files_in_one_batch_are_reported_as_peers(factory):
    text = (
        "本研究"
        + "通过对三所高校研究生的问卷调查，分析了学术规范教育的实际效果与存在的问题。"
        * 3
    )
    _, _, ids = _upload(
        factory,
        [("a.txt", text.encode()), ("b.txt", text.encode())],
        compare_peers=True,
    )
    a, b = (_sub(factory, i) for i in ids)
    assert [m["source"] for m in a.report["matches"]] == [f"submission:{b.id}"]
    assert a.copy_ratio == 1.0, (a.state, a.reason_message)
    assert b.copy_ratio == 1.0, (b.state, b.reason_message, b.warnings)


def test_peer_index_is_dropped_when_the_batch_is_finished(factory):
    settings = factory.kw["info"]["settings"]
    text = (
        "我们通过问卷调查分析了学术规范教育的实际效果，并讨论了存在的问题与改进方向。"
        * 2
    )
    _, batch_id, _ = _upload(
        factory,
        [("a.txt", text.encode()), ("b.txt", text.encode())],
        compare_peers=True,
    )
    assert not (settings.data_dir / "peer-index" / f"batch-{batch_id}").exists()


def test_batch_export_rows_and_workbook_are_audited(factory):
    _corpus(factory, **{"a.txt": (SOURCE_A, "", None)})
    office_id, batch_id, (copied_id, bad_id) = _upload(
        factory, [("=cmd.txt", THESIS.encode()), ("notes.xls", b"x")]
    )
    with factory() as s:
        office = s.get(User, office_id)
        rows = export.batch_rows(submissions.get_batch(s, batch_id, actor=office))
        assert [row[0] for row in rows] == ["=cmd.txt", "notes.xls"]  # by similarity
        assert all(len(row) == len(export.COLUMNS) for row in rows)
        assert rows[0][6] == "完成" and rows[1][6] == "失败" and rows[1][8] == "—"
        name, data = export.batch_xlsx(s, batch_id=batch_id, actor=office)
        assert name == f"batch-{batch_id}.xlsx" and data[:2] == b"PK"
        (entry,) = audit.list_entries(s, action="export_batch", entity_id=str(batch_id))
        assert entry.after == {"format": "xlsx", "rows": 2}


def test_open_report_writes_each_reading_to_the_audit_chain(factory):
    _corpus(factory, **{"a.txt": (SOURCE_A, "", None)})
    office_id, _, (sub_id,) = _upload(factory, [("t.txt", THESIS.encode())])
    with factory() as s:
        office = s.get(User, office_id)
        sub, report, text = submissions.open_report(
            s, submission_id=sub_id, actor=office
        )
        assert report.report_number == sub.report_number and text == THESIS
        submissions.open_report(
            s,
            submission_id=sub_id,
            actor=office,
            action="download_report",
            file_format="pdf",
        )
        entries = audit.list_entries(
            s, entity_type="submissions", entity_id=str(sub_id)
        )
        assert [(e.action, e.after) for e in entries[:2]] == [
            (
                "download_report",
                {"report_number": sub.report_number, "format": "pdf"},
            ),
            ("view_report", {"report_number": sub.report_number}),
        ]
