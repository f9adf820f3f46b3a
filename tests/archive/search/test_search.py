"""Search: Chinese words and phrases, filters, facets, access inside the query, snippets.

The same tests run on SQLite (FTS5) and, with CHENGXIN_TEST_DATABASE_URL, on PostgreSQL.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from archive.kernel import clock
from archive.kernel.files import store_bytes
from archive.records.access import can_view, set_access
from archive.records.models import PersonRef
from archive.search import parsing
from archive.search.indexing import index_record, reindex_all
from archive.search.matching import SearchFilters
from archive.search.models import FileText
from archive.search.query import search
from tests.archive.factories_archive import (
    discipline_office,
    make_case_file,
    make_record,
    research_office,
)

TOPIC = "高熵合金"


@pytest.fixture
def corpus(session):
    user = research_office(session)
    jiwei = discipline_office(session)
    a = make_record(
        session,
        user,
        title="高熵合金的相稳定性与力学性能研究",
        description="研究了CoCrFeNi系高熵合金在高温下的相稳定性。",
        keywords="高熵合金;相稳定性",
        people=[PersonRef("张伟", "负责人")],
        discipline="材料科学与工程",
        unit="材料学院",
        record_type="project",
        date_start=date(2019, 5, 1),
    )
    b = make_record(
        session,
        user,
        title="钢结构节点抗震试验记录",
        description="本实验记录了高熵合金涂层钢节点的滞回曲线。",
        keywords="钢结构;抗震",
        people=[PersonRef("李娜", "记录人")],
        discipline="土木工程",
        unit="土木学院",
        record_type="notebook",
        date_start=date(2023, 9, 1),
    )
    c = make_record(
        session,
        user,
        title="面向中文古籍的命名实体识别方法",
        description="提出一种基于深度学习的古籍命名实体识别方法。",
        keywords="命名实体识别;古籍",
        people=[PersonRef("王芳", "作者")],
        discipline="计算机科学与技术",
        unit="计算机学院",
        date_start=date(2021, 1, 1),
    )
    sealed = make_record(
        session,
        user,
        title="高熵合金新型制备工艺（保密）",
        description="高熵合金制备工艺的专利前技术资料。",
        people=[PersonRef("张伟", "负责人")],
        discipline="材料科学与工程",
        unit="材料学院",
        access_level="sealed",
        sealed_until=clock.today() + timedelta(days=400),
        access_roles=["discipline_office"],
        access_reason="专利申请前保密",
    )
    case = make_case_file(session, None, title="关于高熵合金论文数据造假的举报案")
    return {
        "user": user,
        "jiwei": jiwei,
        "a": a,
        "b": b,
        "c": c,
        "sealed": sealed,
        "case": case,
    }


def ids(result):
    return [h.record.id for h in result.hits]


def test_chinese_words_find_records_and_the_title_ranks_first(session, corpus):
    result = search(session, actor=corpus["user"], query=TOPIC)
    assert ids(result) == [corpus["a"].id, corpus["b"].id]
    assert result.total == 2


def test_a_word_matches_inside_longer_words(session, corpus):
    # 识别 is a sub-word of 命名实体识别 / 实体识别 in the index.
    result = search(session, actor=corpus["user"], query="实体")
    assert corpus["c"].id in ids(result)


def test_all_words_must_match(session, corpus):
    result = search(session, actor=corpus["user"], query="高熵合金 滞回曲线")
    assert ids(result) == [corpus["b"].id]


def test_exact_phrases_in_quotes(session, corpus):
    user = corpus["user"]
    assert ids(search(session, actor=user, query='"高熵合金涂层"')) == [corpus["b"].id]
    assert ids(search(session, actor=user, query="“合金的相稳定性”")) == [
        corpus["a"].id
    ]
    assert search(session, actor=user, query='"稳定性高熵"').total == 0


def test_a_lone_character_is_matched_exactly(session, corpus):
    assert ids(search(session, actor=corpus["user"], query="钢")) == [corpus["b"].id]


LITERAL_TITLE = "检索式样例：高熵合金 AND OR NOT NEAR(高熵 合金) a:b DROP TABLE records"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ('高熵合金"', {"a", "b", "literal"}),
        ("高熵合金 AND", {"literal"}),
        ("OR NOT", {"literal"}),
        ("(高熵", {"a", "b", "literal"}),
        ("高熵*", {"a", "b", "literal"}),
        ("NEAR(高熵 合金)", {"literal"}),
        ("a:b", {"literal"}),
        ("'; DROP TABLE records; --", {"literal"}),
        ("^-+", "everything"),
        ('""', "everything"),
        ("\\", "everything"),
        ("%_%", "everything"),
    ],
)
def test_fts_syntax_characters_are_just_text(session, corpus, query, expected):
    # Operators, quotes, wildcards and SQL are words or punctuation: a record holding the
    # text literally is found, nothing is matched by syntax, and punctuation alone lists
    # every record the user may see (never the sealed one or the case file).
    user = corpus["user"]
    corpus["literal"] = make_record(session, user, title=LITERAL_TITLE)
    result = search(session, actor=user, query=query)
    if expected == "everything":
        assert result.notice
        expected = {"a", "b", "c", "literal"}
    else:
        assert not result.notice
    assert set(ids(result)) == {corpus[k].id for k in expected}
    assert result.total == len(expected)
    assert all(can_view(user, hit.record) for hit in result.hits)
    assert search(session, actor=user, query=TOPIC).total == 3  # the tables are intact


def test_a_query_of_punctuation_only_lists_everything_with_a_notice(session, corpus):
    result = search(session, actor=corpus["user"], query="？！……，。、“”")
    assert result.notice
    assert result.total == 3  # a, b, c: not the sealed record, not the case file


def test_sealed_records_are_not_hits_counts_or_facets_for_roles_that_may_not_see_them(
    session, corpus
):
    research = search(session, actor=corpus["user"], query=TOPIC)
    assert corpus["sealed"].id not in ids(research)
    assert research.total == 2
    assert sum(v.count for v in research.facets["type"]) == 2
    assert all(v.value != "sealed" for v in research.facets["access"])
    jiwei = search(session, actor=corpus["jiwei"], query=TOPIC)
    assert {corpus["sealed"].id, corpus["case"].id} <= set(ids(jiwei))
    assert jiwei.total == 4


def test_case_files_only_for_roles_with_case_file_access(session, corpus):
    research = search(session, actor=corpus["user"], query="数据造假")
    assert research.total == 0
    jiwei = search(session, actor=corpus["jiwei"], query="数据造假")
    assert ids(jiwei) == [corpus["case"].id]


def test_filters_and_facets(session, corpus):
    jiwei = corpus["jiwei"]
    f = SearchFilters
    assert ids(
        search(session, actor=jiwei, query=TOPIC, filters=f(record_type="notebook"))
    ) == [corpus["b"].id]
    assert ids(
        search(session, actor=jiwei, query="", filters=f(unit="计算机学院"))
    ) == [corpus["c"].id]
    assert ids(
        search(session, actor=jiwei, query="", filters=f(discipline="土木工程"))
    ) == [corpus["b"].id]
    assert set(ids(search(session, actor=jiwei, filters=f(person="张伟")))) == {
        corpus["a"].id,
        corpus["sealed"].id,
    }
    assert ids(
        search(session, actor=jiwei, filters=f(year_from=2022, year_to=2023))
    ) == [corpus["b"].id]
    assert ids(search(session, actor=jiwei, filters=f(retention="10y"))) == [
        corpus["b"].id
    ]
    assert ids(search(session, actor=jiwei, filters=f(outcome="misconduct"))) == [
        corpus["case"].id
    ]
    result = search(session, actor=jiwei, query=TOPIC)
    facets = {
        name: {v.value: v.count for v in values}
        for name, values in result.facets.items()
    }
    assert facets["unit"]["材料学院"] == 3
    assert facets["person"]["张伟"] == 2
    assert facets["type"]["case_file"] == 1


def test_sort_by_title_and_date(session, corpus):
    user = corpus["user"]
    by_date = search(session, actor=user, sort="date")
    assert ids(by_date) == [corpus["b"].id, corpus["c"].id, corpus["a"].id]
    by_title = search(session, actor=user, sort="title")
    titles = [h.record.title for h in by_title.hits]
    assert titles == sorted(titles)


def test_paging_keeps_the_total(session, corpus):
    jiwei = corpus["jiwei"]
    first = search(session, actor=jiwei, query=TOPIC, per_page=2)
    second = search(session, actor=jiwei, query=TOPIC, per_page=2, page=2)
    beyond = search(session, actor=jiwei, query=TOPIC, per_page=2, page=9)
    assert first.total == second.total == beyond.total == 4
    assert (first.first, first.last, second.first, second.last) == (1, 2, 3, 4)
    assert not set(ids(first)) & set(ids(second))


def test_snippets_highlight_matches_and_escape_html(session, corpus):
    user = corpus["user"]
    evil = make_record(
        session,
        user,
        title="<script>alert(1)</script>高熵合金",
        description="a < b & 高熵合金 > c",
    )
    result = search(session, actor=user, query=TOPIC)
    hit = next(h for h in result.hits if h.record.id == evil.id)
    assert "<script>" not in hit.title_html and "&lt;script&gt;" in hit.title_html
    assert "<mark>高熵合金</mark>" in hit.title_html
    assert "&lt; b &amp; <mark>高熵合金</mark> &gt;" in hit.snippet_html


def test_file_text_is_searchable_and_unreadable_files_leave_metadata(session, corpus):
    user = corpus["user"]
    text_file = store_bytes(
        session,
        "附件全文：超临界二氧化碳布雷顿循环的热力学分析。".encode(),
        filename="正文.txt",
    )
    image = store_bytes(session, b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, filename="图.png")
    record = make_record(
        session,
        user,
        title="能源动力项目结题报告",
        files=[(text_file, "main"), (image, "attachment")],
    )
    index_record(session, record, extract=True)
    assert ids(search(session, actor=user, query="布雷顿循环")) == [record.id]
    failed = session.get(FileText, image.id)
    assert failed.status == "failed" and failed.reason.startswith("unsupported_type")
    assert ids(search(session, actor=user, query="结题报告")) == [record.id]
    hit = search(session, actor=user, query="布雷顿循环").hits[0]
    assert (
        "<mark>布雷顿</mark>" in hit.snippet_html
        or "<mark>布雷顿循环</mark>" in hit.snippet_html
    )


def test_reindex_rebuilds_the_index(session, corpus):
    count = reindex_all(session)
    assert count >= 5
    assert ids(search(session, actor=corpus["user"], query=TOPIC)) == [
        corpus["a"].id,
        corpus["b"].id,
    ]


def test_disposed_and_changed_records_leave_the_index(session, corpus):
    user = corpus["user"]
    set_access(
        session,
        actor=user,
        record_id=corpus["a"].id,
        level="roles",
        roles=["discipline_office"],
        reason="调查",
    )
    assert corpus["a"].id not in ids(search(session, actor=user, query=TOPIC))
    assert corpus["a"].id in ids(search(session, actor=corpus["jiwei"], query=TOPIC))


def test_parse_query_quotes_every_token():
    parsed = parsing.parse_query('深度学习 "卷积 神经网络" AND (x)')
    fts = parsing.fts5_query(parsed)
    assert "(x)" not in fts and ' AND "and"' in fts
    assert parsed.phrases == ("卷积 神经网络",)


def test_file_texts_are_extracted_after_the_outermost_commit(session, corpus):
    user = corpus["user"]
    blob = store_bytes(
        session, "正文：量子点发光二极管的效率滚降机理。".encode(), filename="qd.txt"
    )
    with session.begin_nested():
        record = make_record(
            session, user, title="量子点器件项目", files=[(blob, "main")]
        )
    assert session.get(FileText, blob.id) is None  # not run on the savepoint's release
    session.commit()
    assert session.get(FileText, blob.id).status == "ok"
    assert ids(search(session, actor=user, query="效率滚降")) == [record.id]
