"""Plain functions that add objects for tests and flush: one place for every package's tests."""

from __future__ import annotations

import itertools
from functools import cache
from typing import Any

from sqlalchemy.orm import Session
from werkzeug.security import generate_password_hash

from archive.kernel.accounts import Role, User, UserRole

PASSWORD = "password-123"
_counter = itertools.count(1)


@cache
def _password_hash(password: str) -> str:
    """Each test password is hashed once a run: scrypt takes tens of milliseconds a call."""
    return generate_password_hash(password)


def make_user(session: Session, *roles: Role, **overrides: Any) -> User:
    """A user with the given roles and the shared test password; skips `create_user`'s password
    rules, which `test_accounts` checks through `create_user` itself."""
    n = next(_counter)
    password = str(overrides.pop("password", PASSWORD))
    user = User(
        username=str(overrides.pop("username", f"user{n}")),
        display_name=str(overrides.pop("display_name", f"测试用户{n}")),
        password_hash=_password_hash(password),
        **overrides,
    )
    user.role_rows = [UserRole(role=Role(r)) for r in sorted(set(roles))]
    session.add(user)
    session.flush()
    return user
