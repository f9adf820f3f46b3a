"""The screening contract end to end: `chengxin corpus add`, `screen`, `pan`, fresh data dir."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

from screening.extract import extract
from tests.archive.factories_screening import COPIED, SOURCE_A, SOURCE_B
from tests.cli_runs import REPO, run_cli
from tests.screening.makefiles import write_docx, write_reportlab_pdf


def _corpus_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    (folder / "law").mkdir(parents=True)
    (folder / "law" / "a.txt").write_text(SOURCE_A, encoding="utf-8")
    (folder / "b.txt").write_text(SOURCE_B, encoding="utf-8")
    return folder


def test_corpus_add_screen_json_offsets_and_exit_status(tmp_path):
    data = tmp_path / "data"
    added = run_cli(data, "corpus", "add", str(_corpus_folder(tmp_path)))
    assert added.returncode == 0, added.stderr
    assert "2 added" in added.stdout
    listed = run_cli(data, "corpus", "list", "--json")
    ids = {json.loads(line)["id"] for line in listed.stdout.splitlines()}
    assert ids == {"law/a.txt", "b.txt"}

    thesis_text = (
        "第一章 引言\n本文讨论高校的学术治理问题。"
        + COPIED
        + "后文给出我们自己的调查数据与分析。\n"
    )
    theses = tmp_path / "in"
    theses.mkdir()
    (theses / "thesis.txt").write_text(thesis_text, encoding="utf-8")
    out = tmp_path / "out"
    result = run_cli(
        data,
        "screen",
        str(theses / "thesis.txt"),
        "--format",
        "json",
        "--out",
        str(out),
    )
    assert result.returncode == 0, result.stderr
    report = json.loads((out / "thesis.json").read_text(encoding="utf-8"))
    counted = [m for m in report["matches"] if m["excluded"] is None]
    assert len(counted) == 1
    match = counted[0]
    assert match["source"] == "law/a.txt"
    assert thesis_text[match["offset"] : match["offset"] + match["length"]] == COPIED
    start = match["source_offset"]
    assert SOURCE_A[start : start + match["source_length"]] == COPIED
    assert 0 < match["score"] <= 1
    assert set(match) >= {
        "source",
        "offset",
        "length",
        "source_offset",
        "source_length",
        "score",
        "excluded",
    }

    # excluded sources stay listed with the reason
    result = run_cli(
        data,
        "screen",
        str(theses),
        "--out",
        str(tmp_path / "out2"),
        "--exclude-source",
        "law/a.txt",
        "--format",
        "html",
        "--format",
        "json",
    )
    assert result.returncode == 0, result.stderr
    again = json.loads((tmp_path / "out2" / "thesis.json").read_text(encoding="utf-8"))
    assert [m["excluded"] for m in again["matches"]] == ["excluded_source"]
    assert again["figures"]["copy_ratio"] == 0
    assert "文本复制检测报告单" in (tmp_path / "out2" / "thesis.html").read_text(
        encoding="utf-8"
    )

    # remove from the corpus: the index follows without a rebuild
    removed = run_cli(data, "corpus", "remove", "law/a.txt")
    assert removed.returncode == 0, removed.stderr
    result = run_cli(
        data, "screen", str(theses / "thesis.txt"), "--out", str(tmp_path / "out3")
    )
    gone = json.loads((tmp_path / "out3" / "thesis.json").read_text(encoding="utf-8"))
    assert gone["matches"] == []


def test_peers_switch_and_bad_file_exit_status(tmp_path):
    data = tmp_path / "data"
    shared = "我们认为，高校应当把学术诚信教育纳入研究生培养的全过程，从入学教育到论文答辩，每一个环节都要有明确的要求和相应的检查。"
    folder = tmp_path / "batch"
    folder.mkdir()
    (folder / "one.txt").write_text(
        "第一部分。" + shared + "这是第一位同学自己的结论。", encoding="utf-8"
    )
    (folder / "two.txt").write_text(
        "引言部分。" + shared + "第二位同学另有不同的看法。", encoding="utf-8"
    )
    out = tmp_path / "out"
    plain = run_cli(data, "screen", str(folder), "--out", str(out))
    assert plain.returncode == 0, plain.stderr
    assert json.loads((out / "one.json").read_text("utf-8"))["matches"] == []
    peers = run_cli(data, "screen", str(folder), "--peers", "--out", str(out))
    assert peers.returncode == 0, peers.stderr
    one = json.loads((out / "one.json").read_text("utf-8"))
    assert {m["source"] for m in one["matches"]} == {"two.txt"}

    (folder / "broken.txt").write_bytes(bytes(range(256)) * 20)
    mixed = run_cli(data, "screen", str(folder), "--out", str(tmp_path / "out2"))
    assert mixed.returncode == 1
    assert "broken.txt" in mixed.stderr
    assert (tmp_path / "out2" / "one.json").exists() and (
        tmp_path / "out2" / "two.json"
    ).exists()
    assert not (tmp_path / "out2" / "broken.json").exists()


def test_pdf_report(tmp_path):
    data = tmp_path / "data"
    run_cli(data, "corpus", "add", str(_corpus_folder(tmp_path)))
    thesis = tmp_path / "论文.txt"
    thesis.write_text("摘要。" + COPIED, encoding="utf-8")
    result = run_cli(
        data, "screen", str(thesis), "--format", "pdf", "--out", str(tmp_path / "out")
    )
    assert result.returncode == 0, result.stderr
    pdf = tmp_path / "out" / "论文.pdf"
    assert pdf.read_bytes().startswith(b"%PDF")
    text = extract(
        pdf
    ).text  # Chinese comes back out: the CJK font is embedded and mapped
    assert "总文字复制比" in text and "科研诚信制度" in text
    if shutil.which("pdffonts"):
        fonts = subprocess.run(
            ["pdffonts", str(pdf)], capture_output=True, text=True
        ).stdout
        cjk = [
            ln
            for ln in fonts.splitlines()
            if "CJK" in ln or "WenQuanYi" in ln or "Zen" in ln
        ]
        assert cjk and all(ln.split()[-5] == "yes" for ln in cjk)


def test_pan_in_and_out(tmp_path):
    src, susp, out = tmp_path / "src", tmp_path / "susp", tmp_path / "out"
    src.mkdir()
    susp.mkdir()
    (src / "source-document00001.txt").write_text(SOURCE_A, encoding="utf-8")
    (susp / "suspicious-document00001.txt").write_text(
        "开头。" + COPIED + "结尾的话。", encoding="utf-8"
    )
    pairs = tmp_path / "pairs"
    pairs.write_text(
        "suspicious-document00001.txt source-document00001.txt\n", encoding="utf-8"
    )
    result = run_cli(
        tmp_path / "data", "pan", str(pairs), str(src), str(susp), str(out)
    )
    assert result.returncode == 0, result.stderr
    xml = (out / "suspicious-document00001-source-document00001.xml").read_text("utf-8")
    assert 'name="detected-plagiarism"' in xml and 'this_offset="3"' in xml


def test_demo_loads_the_corpus_and_the_theses_show_each_kind_of_reuse(tmp_path):
    data = tmp_path / "data"
    demo = run_cli(data, "demo", "--password", "demo-pass-123")
    assert demo.returncode == 0, demo.stderr
    assert "demo corpus: 18 documents" in demo.stdout
    assert "demo screening: batch" in demo.stdout
    theses = REPO / "web" / "demo_corpus" / "theses"
    result = run_cli(data, "screen", str(theses), "--out", str(tmp_path / "out"))
    assert result.returncode == 0, result.stderr
    reports = {
        p.stem.split("_")[1]: json.loads(p.read_text("utf-8"))
        for p in (tmp_path / "out").glob("*.json")
    }
    verbatim, tricks = reports["张明"], reports["李华"]
    by_source = {m["source"]: m["excluded"] for m in verbatim["matches"]}
    assert by_source["edu-research-integrity.txt"] is None
    assert by_source["law-personal-information.txt"] == "quotation"
    assert by_source["edu-graduate-norms-survey.txt"] == "own_work"
    fig = verbatim["figures"]
    assert (
        fig["copy_ratio"]
        > fig["copy_ratio_without_quotes"]
        > fig["copy_ratio_without_own"]
        > 0
    )
    # traditional characters, zero-width characters, broken lines, swapped punctuation
    text = (
        theses / next(p.name for p in theses.iterdir() if "李华" in p.name)
    ).read_text("utf-8")
    cs = [m for m in tricks["matches"] if m["source"] == "cs-text-reuse-detection.txt"]
    covered = "".join(text[m["offset"] : m["offset"] + m["length"]] for m in cs)
    assert (
        "傳統的整篇相似度" in covered
        and "\u200b" in covered
        and "统一中英文标点" in covered
    )
    assert any(m["source"] == "en-ml-reproducibility.txt" for m in tricks["matches"])


def test_docx_corpus_and_pdf_thesis(tmp_path):
    data = tmp_path / "data"
    folder = tmp_path / "corpus"
    folder.mkdir()
    write_docx(folder / "制度研究.docx", [("h1", "科研诚信制度研究"), ("p", SOURCE_A)])
    added = run_cli(data, "corpus", "add", str(folder))
    assert added.returncode == 0, added.stderr
    pdf = write_reportlab_pdf(
        tmp_path / "thesis.pdf",
        [["第一章 绪论", "本章介绍研究背景。" + COPIED + "后面是作者自己的内容。"]],
    )
    out = tmp_path / "out"
    result = run_cli(data, "screen", str(pdf), "--out", str(out))
    assert result.returncode == 0, result.stderr
    report = json.loads((out / "thesis.json").read_text("utf-8"))
    text = extract(pdf).text
    match = next(m for m in report["matches"] if m["excluded"] is None)
    assert match["source"] == "制度研究.docx"
    assert COPIED[:20] in text[match["offset"] : match["offset"] + match["length"]]
    assert report["document"]["length"] == len(text)


def test_two_files_of_one_name_in_different_folders_get_two_reports(tmp_path):
    data = tmp_path / "data"
    assert run_cli(data, "corpus", "add", str(_corpus_folder(tmp_path))).returncode == 0
    for folder, extra in (("a", "甲"), ("b", "乙")):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "thesis.txt").write_text(
            f"第一章 引言\n{extra}同学的论文。" + COPIED, encoding="utf-8"
        )
    out = tmp_path / "out"
    result = run_cli(
        data,
        "screen",
        str(tmp_path / "a" / "thesis.txt"),
        str(tmp_path / "b" / "thesis.txt"),
        "--out",
        str(out),
    )
    assert result.returncode == 0, result.stderr
    reports = sorted(p.relative_to(out).as_posix() for p in out.rglob("*.json"))
    assert reports == ["a/thesis.json", "b/thesis.json"], reports
    assert "2 screened" in result.stderr and "shares its report name" in result.stderr
    bodies = {(out / r).read_text(encoding="utf-8") for r in reports}
    assert len(bodies) == 2
