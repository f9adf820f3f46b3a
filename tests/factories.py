"""Plain functions that add objects for tests and flush."""

from __future__ import annotations

import itertools
from typing import Any

from sqlalchemy.orm import Session

from archive.kernel import accounts
from archive.kernel.accounts import Role, User

PASSWORD = "password-123"
_counter = itertools.count(1)


def make_user(session: Session, *roles: Role, **overrides: Any) -> User:
    """A user with the given roles and the shared test password."""
    n = next(_counter)
    fields: dict[str, Any] = {
        "username": f"user{n}",
        "password": PASSWORD,
        "display_name": f"测试用户{n}",
        "roles": set(roles),
    }
    fields.update(overrides)
    return accounts.create_user(session, **fields)
