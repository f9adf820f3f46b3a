"""The one clock every service reads, so tests (and demos) can move time on purpose."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

_offset = timedelta(0)
_frozen: datetime | None = None


def now() -> datetime:
    """The current UTC time, shifted or frozen when a test asked for it."""
    if _frozen is not None:
        return _frozen
    return datetime.now(UTC) + _offset


def today() -> date:
    """Today's date in China Standard Time, the date the rules count in."""
    return (now() + timedelta(hours=8)).date()


def freeze(at: datetime | None) -> None:
    """Stop the clock at `at` (UTC-aware), or let it run again with None."""
    global _frozen
    if at is not None and at.tzinfo is None:
        raise ValueError("freeze() needs an aware datetime")
    _frozen = at


def advance(delta: timedelta) -> None:
    """Move time forward (a frozen clock moves too)."""
    global _offset, _frozen
    if _frozen is not None:
        _frozen = _frozen + delta
    else:
        _offset += delta


def reset() -> None:
    """Back to real time."""
    global _offset, _frozen
    _offset = timedelta(0)
    _frozen = None
