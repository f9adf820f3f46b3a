"""Search statements are built once per shape (access scope, day, filters, sort, page)
and run with each query's words: the access rules, filters and data still decide every
hit, count and facet, and no reader ever runs another reader's statement."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from archive.kernel import clock
from archive.kernel.accounts import Role, UserRole
from archive.records.models import PersonRef, RecordExclusion
from archive.search import matching
from archive.search.matching import SearchFilters
from archive.search.query import search
from tests.archive.factories_archive import (
    discipline_office,
    make_case_file,
    make_record,
    research_office,
)

ALLOY = "高熵合金"
NER = "命名实体识别"


@pytest.fixture
def archive(session):
    matching.forget_statements()
    office = research_office(session)
    jiwei = discipline_office(session)
    alloy = make_record(
        session,
        office,
        title="高熵合金的相稳定性研究",
        description="研究了高熵合金在高温下的相稳定性。",
        people=[PersonRef("张伟", "负责人")],
        unit="材料学院",
        record_type="project",
    )
    ner = make_record(
        session,
        office,
        title="面向中文古籍的命名实体识别方法",
        description="提出一种古籍命名实体识别方法。",
        people=[PersonRef("王芳", "作者")],
        unit="计算机学院",
    )
    sealed = make_record(
        session,
        office,
        title="高熵合金制备工艺（保密）",
        description="高熵合金制备工艺的技术资料。",
        unit="材料学院",
        access_level="sealed",
        sealed_until=clock.today() + timedelta(days=30),
        access_roles=["discipline_office"],
        access_reason="专利申请前保密",
    )
    case = make_case_file(session, None, title="关于高熵合金论文数据造假的举报案")
    yield {
        "office": office,
        "jiwei": jiwei,
        "alloy": alloy,
        "ner": ner,
        "sealed": sealed,
        "case": case,
    }
    clock.reset()


def _ids(result) -> set[int]:  # type: ignore[no-untyped-def]
    return {h.record.id for h in result.hits}


def test_one_built_statement_serves_a_reader_s_every_query(session, archive):
    office = archive["office"]
    hot = search(session, actor=office, query="高温")
    kept = len(matching._statements)
    ner = search(session, actor=office, query=NER)
    assert len(matching._statements) == kept == 2  # the page and the facets
    assert _ids(hot) == {archive["alloy"].id} and hot.total == 1
    # lone characters are matched as exact strings, bound the same way
    assert _ids(search(session, actor=office, query=ALLOY)) == {archive["alloy"].id}
    assert _ids(search(session, actor=office, query="熵 古")) == set()
    assert _ids(ner) == {archive["ner"].id}
    assert [v.value for v in ner.facets["unit"]] == ["计算机学院"]
    assert search(session, actor=office, query="不存在的词语").total == 0


def test_readers_and_filters_never_share_a_statement(session, archive):
    office, jiwei = archive["office"], archive["jiwei"]
    assert _ids(search(session, actor=office, query=ALLOY)) == {archive["alloy"].id}
    seen = _ids(search(session, actor=jiwei, query=ALLOY))
    assert seen == {archive["alloy"].id, archive["sealed"].id, archive["case"].id}
    assert _ids(search(session, actor=office, query=ALLOY)) == {archive["alloy"].id}
    only_ner = search(
        session, actor=office, query="", filters=SearchFilters(unit="计算机学院")
    )
    assert _ids(only_ner) == {archive["ner"].id}
    assert len({k[:3] for k in matching._statements}) >= 3


def test_a_change_of_roles_is_a_new_scope(session, archive):
    office = archive["office"]
    assert archive["sealed"].id not in _ids(search(session, actor=office, query=ALLOY))
    office.role_rows.append(UserRole(role=Role.DISCIPLINE_OFFICE))
    session.flush()
    found = _ids(search(session, actor=office, query=ALLOY))
    assert {archive["sealed"].id, archive["case"].id} <= found


def test_a_new_day_is_a_new_statement_and_a_seal_that_ended_opens(session, archive):
    office = archive["office"]
    assert archive["sealed"].id not in _ids(search(session, actor=office, query=ALLOY))
    clock.freeze(datetime.now(UTC) + timedelta(days=31))
    assert archive["sealed"].id in _ids(search(session, actor=office, query=ALLOY))


def test_data_still_decides_a_recusal_with_the_same_statement(session, archive):
    jiwei = archive["jiwei"]
    assert archive["case"].id in _ids(search(session, actor=jiwei, query=ALLOY))
    kept = len(matching._statements)
    session.add(RecordExclusion(record_id=archive["case"].id, user_id=jiwei.id))
    session.flush()
    result = search(session, actor=jiwei, query=ALLOY)
    assert archive["case"].id not in _ids(result)
    assert sum(v.count for v in result.facets["type"]) == result.total == 2
    assert len(matching._statements) == kept


def test_kept_statements_are_bounded(session, archive, monkeypatch):
    monkeypatch.setattr(matching, "MAX_STATEMENTS", 2)
    for unit in ("材料学院", "计算机学院", "土木学院"):
        search(session, actor=archive["office"], filters=SearchFilters(unit=unit))
    assert len(matching._statements) == 2
