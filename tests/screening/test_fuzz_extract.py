"""Hostile files: mutated PDFs, DOCX and texts end in a result or a clean refusal within a
time and memory limit (a fixed budget here; `python -m benchmarks.fuzz --minutes N` by hand).

Inputs are read by `benchmarks.fuzz_child` in its own process with a capped address space,
so a memory blow-up, a native crash or a hang fails the test with the input named instead
of taking pytest down. Every file under tests/fixtures/fuzz/ (inputs that once failed, and
hostile files written by hand) is replayed on every run.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from benchmarks.fuzz import Reader, Verdict, mutate, save_failure, seeds
from screening.normalize import normalize

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "fuzz"
#: The CI budget: examples per kind (each well under a second to read).
EXAMPLES = 300
CI_TIME_LIMIT = 20.0


@pytest.fixture(scope="module")
def reader() -> Iterator[Reader]:
    """One limited reader process for the module, restarted after any failure."""
    r = Reader(time_limit=CI_TIME_LIMIT)
    yield r
    r.close()


def _check(reader: Reader, name: str, data: bytes) -> Verdict:
    verdict = reader.judge(name, data)
    if verdict.failed:
        kept = save_failure(FIXTURES, name, data)
        pytest.fail(
            f"{name} mutated: {verdict.verdict} after {verdict.seconds:.1f} s "
            f"(kept as {kept.relative_to(FIXTURES.parents[1])}):\n{verdict.detail}"
        )
    return verdict


@pytest.mark.parametrize("kind", ["pdf", "docx", "txt"])
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(rng=st.randoms(use_true_random=False), pick=st.integers(0, 63))
def test_mutated_files_end_in_a_result_or_a_clean_refusal(
    kind: str, reader: Reader, rng: random.Random, pick: int
) -> None:
    names = sorted(n for n in seeds() if n.endswith(f".{kind}"))
    name = names[pick % len(names)]
    _check(reader, name, mutate(rng, name, seeds()[name]))


def test_the_seeds_themselves_are_read(reader: Reader) -> None:
    """Unmutated seeds are read, except Big5, which text extraction refuses by design
    (screening/extract/text.py: save as UTF-8)."""
    for name, data in seeds().items():
        expected = "refused" if "big5" in name else "result"
        assert reader.judge(name, data).verdict == expected, name


@pytest.mark.parametrize(
    "path",
    sorted(p for p in FIXTURES.glob("*") if p.suffix != ".md"),
    ids=lambda p: p.name,
)
def test_kept_hostile_files_still_end_cleanly(path: Path, reader: Reader) -> None:
    verdict = reader.judge(f"kept{path.suffix}", path.read_bytes())
    assert not verdict.failed, f"{path.name}: {verdict.verdict}\n{verdict.detail}"


# Normalisation alone, in-process (pure and bounded): any Unicode text, surrogates and
# private-use characters included, keeps the offset map's invariants.
@settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None)
@given(text=st.text(alphabet=st.characters(exclude_categories=()), max_size=2000))
def test_normalisation_of_any_text_keeps_its_offset_map(text: str) -> None:
    normalized = normalize(text)
    mapping = normalized.to_original
    assert len(mapping) == len(normalized.text) + 1
    assert mapping[-1] == len(text) == normalized.original_length
    assert all(0 <= a < b for a, b in zip(mapping[:-1], mapping[1:], strict=False))
    lo, hi = normalized.span_to_original(0, len(normalized.text))
    assert 0 <= lo <= hi <= len(text)


def test_the_harness_names_a_hang_and_recovers() -> None:
    """A reader that does not answer in time is named and replaced (not waited on)."""
    impatient = Reader(time_limit=0.0001)
    try:
        name = "seed.pdf"
        assert impatient.judge(name, seeds()[name]).verdict == "timeout"
        impatient.time_limit = CI_TIME_LIMIT
        assert impatient.judge(name, seeds()[name]).verdict == "result"
    finally:
        impatient.close()
