"""CI's PostgreSQL pass runs only the tests that reach the database: none may slip out of it."""

from __future__ import annotations

import re
from pathlib import Path

from tests.conftest import DATABASE_FIXTURES

TESTS = Path(__file__).resolve().parent
# Code that reads the database URL itself, not through the `settings` fixture.
OWN_URL = re.compile(
    r'(?<!CHENGXIN_)TEST_DATABASE_URL\b|environ\.get\("CHENGXIN_TEST_DATABASE_URL"'
    r"|from tests\.archive\.backup\.databases import"
)
MARKED = re.compile(r"pytest\.mark\.(database|postgres)\b")


def test_modules_reading_the_database_url_themselves_are_marked() -> None:
    """A test module that builds its own database from the URL must say so, or the
    PostgreSQL pass (CHENGXIN_TEST_SCOPE=database) would drop it."""
    unmarked = []
    for path in sorted(TESTS.rglob("test_*.py")):
        source = path.read_text(encoding="utf-8")
        reads_url = path.name != "test_ci_scope.py" and OWN_URL.search(source)
        if reads_url and not MARKED.search(source):
            unmarked.append(str(path.relative_to(TESTS)))
    assert unmarked == []


def test_the_database_fixtures_exist() -> None:
    """The fixtures the scope keys on are the ones the suite defines."""
    conftests = (TESTS / "conftest.py").read_text() + (
        TESTS / "e2e/conftest.py"
    ).read_text()
    for name in DATABASE_FIXTURES:
        assert f"def {name}(" in conftests
