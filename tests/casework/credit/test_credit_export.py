"""Provincial export: 双公示 fields, incremental, resumable after an interruption, schema."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest

from archive.kernel import clock
from casework.credit import export as export_mod
from casework.credit import jobs, services
from casework.credit.export import FIELDS, SCHEMA_PATH
from tests.casework.credit.factories_credit import (
    credit_admin,
    make_subject,
    sanction_input,
)


def _at(day: date) -> None:
    clock.freeze(datetime(day.year, day.month, day.day, 4, tzinfo=UTC))


def _ingest(session, person, case_id, code="S06", **kw):
    return services.ingest_final_decision(
        session,
        actor="casework",
        case_id=case_id,
        entries=[
            sanction_input(person, code, decision_number=f"校〔2026〕{case_id}号", **kw)
        ],
    )[0]


def _check_against_schema(doc: dict) -> None:
    """A small structural check of the document against our JSON Schema's record shape."""
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    record = schema["$defs"]["record"]
    for key in schema["required"]:
        assert key in doc
    for row in doc["records"]:
        assert set(row) == set(record["required"]) == set(record["properties"])
        assert row["CF_XDR_LB"] in record["properties"]["CF_XDR_LB"]["enum"]
        assert row["ZT"] in record["properties"]["ZT"]["enum"]


def test_fields_match_the_schema():
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    assert [k for k, _ in FIELDS] == schema["$defs"]["record"]["required"]


def test_incremental_json_export_and_repair_carried(session, tmp_path):
    _at(date(2026, 2, 1))
    admin = credit_admin(session)
    person, user = make_subject(session)
    record = _ingest(session, person, 1)
    _ingest(session, person, 2, "S12", ends_on=date(2027, 1, 9))  # not for the province
    first = services.export_changes(session, actor=admin, fmt="json", out_dir=tmp_path)
    assert first is not None and first.row_count == 1
    doc = json.loads((tmp_path / first.file_name).read_text(encoding="utf-8"))
    _check_against_schema(doc)
    row = doc["records"][0]
    assert row["CF_WSH"] == "校〔2026〕1号" and row["ZT"] == "有效"
    assert (
        row["CF_XDR_ZJHM"] == "410102200001011234" and row["CF_GSJZQ"] == "2029-01-09"
    )
    assert (tmp_path / "shuanggongshi.schema.json").exists()
    assert (
        services.export_changes(session, actor=admin, fmt="json", out_dir=tmp_path)
        is None
    )

    _at(date(2027, 2, 1))
    application = services.apply_for_repair(
        session,
        actor=user,
        record_id=record.id,
        statement="已整改",
        has_met_obligations=True,
        sign_repair_commitment=True,
    )
    services.decide_repair(
        session, actor=admin, repair_id=application.id, approve=True, reason="准予修复"
    )
    second = services.export_changes(session, actor=admin, fmt="csv", out_dir=tmp_path)
    assert second is not None and second.from_seq == first.to_seq
    rows = services.read_rows(tmp_path / second.file_name)
    assert [(r["BDBH"], r["ZT"]) for r in rows] == [(str(record.id), "已修复")]
    assert "信用修复" in rows[0]["BZ"]


def test_interrupted_export_resumes_without_duplicates_or_gaps(
    session, tmp_path, monkeypatch
):
    _at(date(2026, 2, 1))
    admin = credit_admin(session)
    people = [make_subject(session)[0] for _ in range(3)]
    ids = [_ingest(session, p, 10 + i).id for i, p in enumerate(people)]

    real = export_mod.export_row
    calls = {"n": 0}

    def failing(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 2:
            raise OSError("disk full")
        return real(*args, **kwargs)

    monkeypatch.setattr(export_mod, "export_row", failing)
    with session.begin_nested(), pytest.raises(OSError):
        services.export_changes(session, actor=admin, fmt="csv", out_dir=tmp_path)
    monkeypatch.setattr(export_mod, "export_row", real)
    assert services.last_export(session) is None
    assert not (tmp_path / "shuanggongshi-000001.csv").exists()

    more = make_subject(session)[0]
    ids.append(_ingest(session, more, 20).id)
    done = services.export_changes(session, actor=admin, fmt="csv", out_dir=tmp_path)
    assert done is not None and done.number == 1 and done.from_seq == 0
    rows = services.read_rows(tmp_path / done.file_name)
    assert sorted(int(r["BDBH"]) for r in rows) == sorted(ids)
    assert len({r["BDBH"] for r in rows}) == len(rows)
    assert (
        services.export_changes(session, actor=admin, fmt="csv", out_dir=tmp_path)
        is None
    )


def test_expired_entry_is_exported_as_expired(session, tmp_path):
    _at(date(2026, 2, 1))
    admin = credit_admin(session)
    person, _user = make_subject(session)
    record = _ingest(session, person, 30, ends_on=date(2027, 1, 9))
    assert services.export_changes(session, actor=admin, fmt="csv", out_dir=tmp_path)
    _at(date(2029, 2, 1))

    jobs.end_disclosures_and_measures(session, clock.today())
    later = services.export_changes(session, actor=admin, fmt="csv", out_dir=tmp_path)
    assert later is not None
    rows = services.read_rows(tmp_path / later.file_name)
    assert [(r["BDBH"], r["ZT"]) for r in rows] == [(str(record.id), "已到期")]
