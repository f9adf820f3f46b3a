"""The comparison corpus: adding, listing, removing, and the persistent index following."""

from __future__ import annotations

import pytest

from archive.corpus import index as corpus_index
from archive.corpus import naming
from archive.corpus import services as corpus
from archive.kernel.accounts import Role
from archive.kernel.errors import PermissionDenied
from screening.index import CorpusIndex
from tests.archive.factories_screening import SOURCE_A, SOURCE_B, isolated_factory
from tests.factories import make_user


@pytest.fixture
def factory(connection, settings, tmp_path):
    return isolated_factory(connection, settings, tmp_path / "data")


def test_add_updates_index_on_commit_only(factory, tmp_path):
    settings = factory.kw["info"]["settings"]
    with factory() as s:
        corpus.add_document(s, doc_id="a.txt", text=SOURCE_A, title="甲")
        assert not (corpus_index.index_dir(settings) / "manifest.json").exists()
        s.commit()
    index = CorpusIndex.load(corpus_index.index_dir(settings))
    assert index.doc_ids() == ["a.txt"]
    with factory() as s:
        corpus.add_document(s, doc_id="b.txt", text=SOURCE_B)
        s.rollback()
    assert CorpusIndex.load(corpus_index.index_dir(settings)).doc_ids() == ["a.txt"]


def test_remove_is_incremental_and_open_index_repairs(factory):
    settings = factory.kw["info"]["settings"]
    with factory() as s:
        corpus.add_document(s, doc_id="a.txt", text=SOURCE_A)
        corpus.add_document(s, doc_id="b.txt", text=SOURCE_B)
        s.commit()
    before = sorted(p.name for p in corpus_index.index_dir(settings).glob("seg-*"))
    with factory() as s:
        corpus.remove_document(s, doc_id="a.txt")
        s.commit()
    index = CorpusIndex.load(corpus_index.index_dir(settings))
    assert index.doc_ids() == ["b.txt"]
    # no rebuild: the old segment is still there, the removal is a tombstone
    assert before[0] in {p.name for p in corpus_index.index_dir(settings).glob("seg-*")}
    # a deleted index is rebuilt from the database
    import shutil

    shutil.rmtree(corpus_index.index_dir(settings))
    with factory() as s:
        assert corpus.open_index(s).doc_ids() == ["b.txt"]


def test_add_paths_ids_are_relative_and_bad_files_are_reported(factory, tmp_path):
    folder = tmp_path / "corp"
    (folder / "sub").mkdir(parents=True)
    (folder / "sub" / "2020001_张三_法学_论文题目.txt").write_text(SOURCE_A, "utf-8")
    (folder / "b.txt").write_text(SOURCE_B, "gb18030")
    (folder / "empty.txt").write_bytes(b"")
    (folder / "ignored.png").write_bytes(b"\x89PNG")
    single = tmp_path / "single.txt"
    single.write_text(SOURCE_B + "另外一句。", "utf-8")
    with factory() as s:
        result = corpus.add_paths(s, paths=[folder, single])
        s.commit()
        assert sorted(result.added) == [
            "b.txt",
            "single.txt",
            "sub/2020001_张三_法学_论文题目.txt",
        ]
        assert result.failed[0][0] == "empty.txt" and "empty" in result.failed[0][1]
        doc = corpus.get_document(s, "sub/2020001_张三_法学_论文题目.txt")
        assert (doc.title, doc.author, doc.author_university_id) == (
            "论文题目",
            "张三",
            "2020001",
        )
        assert doc.author_key == "id:2020001"
        assert corpus.get_document(s, "b.txt").text == SOURCE_B
        assert doc.stored_file is not None
        assert [d.doc_id for d in corpus.list_documents(s, query="张三")] == [
            doc.doc_id
        ]
        assert corpus.corpus_summary(s).count == 3


def test_listing_needs_corpus_permission(factory):
    with factory() as s:
        student = make_user(s, Role.STUDENT)
        with pytest.raises(PermissionDenied):
            corpus.list_documents(s, actor=student)
        office = make_user(s, Role.RESEARCH_OFFICE)
        assert corpus.list_documents(s, actor=office) == []


def test_author_keys_and_file_names():
    assert naming.author_key("张 三") == "name:张三"
    assert naming.author_key("张三", "s2020") == "id:S2020"
    assert naming.author_keys("Li·Ming", "1") == {"id:1", "name:liming"}
    parts = naming.parse_file_name("2021123_李四_计算机_基于_深度学习的研究.pdf")
    assert parts.title == "基于_深度学习的研究" and parts.major == "计算机"
    assert naming.parse_file_name("thesis.pdf").title == "thesis"


def test_sync_skips_listing_ids_until_the_corpus_or_index_changes(factory):
    from sqlalchemy import event

    with factory() as s:
        corpus.add_document(s, doc_id="a.txt", text=SOURCE_A)
        s.commit()
    listings: list[str] = []

    def spy(conn, cursor, statement, params, context, executemany):  # type: ignore[no-untyped-def]
        if "SELECT corpus_documents.doc_id" in statement and "WHERE" not in statement:
            listings.append(statement)

    with factory() as s:
        engine = s.get_bind()
        event.listen(engine, "before_cursor_execute", spy)
        try:
            assert corpus.open_index(s).doc_ids() == ["a.txt"]  # checked in full once
            assert corpus.open_index(s).doc_ids() == ["a.txt"]  # then by fingerprint
            assert len(listings) == 1
            # A document whose index write was lost (another process died after commit):
            corpus.add_document(s, doc_id="b.txt", text=SOURCE_B)
            s.info.pop(corpus_index._PENDING_KEY)
            s.commit()
            assert corpus.open_index(s).doc_ids() == ["a.txt", "b.txt"]
            assert len(listings) == 2
        finally:
            event.remove(engine, "before_cursor_execute", spy)


def test_folders_are_walked_in_name_order_without_hidden_files(tmp_path):
    folder = tmp_path / "in"
    (folder / "b" / ".cache").mkdir(parents=True)
    (folder / "b" / "x.PDF").write_bytes(b"")
    (folder / "b" / ".cache" / "y.txt").write_bytes(b"")
    (folder / ".hidden.txt").write_bytes(b"")
    (folder / "a.docx").write_bytes(b"")
    (folder / "notes.md").write_bytes(b"")
    single = tmp_path / "single.doc"
    single.write_bytes(b"")
    assert list(naming.iter_document_files([folder, single])) == [
        (folder / "a.docx", "a.docx"),
        (folder / "b" / "x.PDF", "b/x.PDF"),
        (single, "single.doc"),
    ]


def test_uploads_are_known_by_file_name_and_refusals_named(factory):
    with factory() as s:
        result = corpus.add_uploads(
            s,
            uploads=[("C:\\docs\\a.txt", SOURCE_A.encode()), ("empty.txt", b"")],
            venue="期刊",
        )
        s.commit()
        assert result.added == ["a.txt"]
        assert [name for name, _message in result.failed] == ["empty.txt"]
        assert corpus.get_document(s, "a.txt").venue == "期刊"
