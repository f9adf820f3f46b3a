"""Invariants of the evaluation and the date arithmetic (property tests)."""

from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from archive.kernel.calendar import add_months
from casework.catalogue import CreditClass
from casework.credit.evaluation import DEFAULT_RULES, compute
from casework.credit.models import CreditRecord, EvaluationKind, RecordKind

ON = date(2026, 6, 1)
RULES = DEFAULT_RULES[EvaluationKind.STUDENT_INTEGRITY]
classes = st.sampled_from(list(CreditClass))


def _record(n: int, credit_class: CreditClass, *, is_ban: bool = False) -> CreditRecord:
    record = CreditRecord(
        id=n,
        kind=RecordKind.DISHONESTY,
        title=f"r{n}",
        credit_class=credit_class,
        decided_on=date(2026, 1, 1),
        starts_on=date(2026, 1, 1),
        ends_on=date(2027, 1, 1),
        is_permanent=False,
        is_public=False,
        is_ban=is_ban,
    )
    record.events = []
    return record


GRADE_ORDER = "ABCD"


@given(st.lists(classes, max_size=6), classes)
def test_one_more_record_never_improves_the_grade(existing, extra):
    records = [_record(i + 1, c) for i, c in enumerate(existing)]
    score, grade, _ = compute(records, RULES, ON)
    more, worse, lines = compute([*records, _record(99, extra)], RULES, ON)
    assert more <= score and GRADE_ORDER.index(worse) >= GRADE_ORDER.index(grade)
    assert (
        sum(line["delta"] for line in lines) == more - RULES["base_score"] or more == 0
    )


@given(st.lists(classes, max_size=6))
def test_a_ban_in_force_always_means_d(existing):
    records = [_record(i + 1, c) for i, c in enumerate(existing)]
    _score, grade, _ = compute(
        [*records, _record(99, CreditClass.SERIOUS, is_ban=True)], RULES, ON
    )
    assert grade == "D"


@given(
    st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 1, 1)), st.integers(0, 60)
)
def test_add_months_stays_in_range(day, months):
    later = add_months(day, months)
    assert later >= day
    assert (later.year - day.year) * 12 + later.month - day.month == months
    assert later.day <= day.day
