"""Accounts: passwords, roles, permissions and tokens."""

from __future__ import annotations

import pytest

from archive.kernel import accounts
from archive.kernel.accounts import Permission, Role
from archive.kernel.errors import Conflict, InvalidInput, PermissionDenied
from tests.factories import PASSWORD, make_user


def test_passwords_are_hashed_and_checked(session):
    user = make_user(session, Role.STUDENT, username="li")
    assert PASSWORD not in user.password_hash
    assert accounts.authenticate(session, username="li", password=PASSWORD) is user
    with pytest.raises(accounts.InvalidCredentials):
        accounts.authenticate(session, username="li", password="wrong-password")
    with pytest.raises(accounts.InvalidCredentials):
        accounts.authenticate(session, username="nobody", password=PASSWORD)


def test_usernames_are_unique_and_passwords_have_a_minimum(session):
    def create(username: str, password: str = PASSWORD) -> None:
        accounts.create_user(
            session, username=username, password=password, display_name=username
        )

    create("wang")
    with pytest.raises(Conflict):
        create("wang")
    with pytest.raises(InvalidInput):
        create("short", "1234567")
    with pytest.raises(InvalidInput):
        create("digits", "123456789")


def test_permissions_follow_roles_and_disabled_users_have_none(session):
    admin = make_user(session, Role.ADMINISTRATOR)
    student = make_user(session, Role.STUDENT)
    assert accounts.require(admin, Permission.MANAGE_USERS) is admin
    with pytest.raises(PermissionDenied):
        accounts.require(student, Permission.MANAGE_USERS)
    with pytest.raises(PermissionDenied):
        accounts.require(None, Permission.SELF_SERVICE)
    accounts.set_active(session, actor=admin, user_id=student.id, is_active=False)
    assert not student.can(Permission.SELF_SERVICE)


def test_set_roles_needs_an_administrator_who_keeps_their_own_role(session):
    admin = make_user(session, Role.ADMINISTRATOR)
    user = make_user(session, Role.STUDENT)
    accounts.set_roles(
        session, actor=admin, user_id=user.id, roles={Role.TEACHER, Role.INVESTIGATOR}
    )
    assert user.roles == {Role.TEACHER, Role.INVESTIGATOR}
    with pytest.raises(Conflict):
        accounts.set_roles(session, actor=admin, user_id=admin.id, roles={Role.TEACHER})
    with pytest.raises(PermissionDenied):
        accounts.set_roles(session, actor=user, user_id=admin.id, roles=set())


def test_changing_the_password_ends_other_sessions(session):
    user = make_user(session, Role.TEACHER)
    version = user.session_version
    accounts.change_password(
        session, user=user, old_password=PASSWORD, new_password="another-pass-2"
    )
    assert user.session_version == version + 1
    with pytest.raises(accounts.InvalidCredentials):
        accounts.change_password(
            session, user=user, old_password=PASSWORD, new_password="x-pass-12345"
        )


def test_revoked_tokens_stop_working(session):
    user = make_user(session, Role.AUDITOR)
    plain, token = accounts.issue_api_token(session, user=user, name="monitor")
    assert accounts.authenticate_token(session, plain) is user
    accounts.revoke_api_token(session, user=user, token_id=token.id)
    assert accounts.authenticate_token(session, plain) is None
