"""Accounts: users, their roles, API tokens, and the permission check services call.

A user may hold several roles; what a role may do is the `ROLE_PERMISSIONS` table below,
so that reading one table answers "who may do what". Per-object rules (a respondent never
sees the tipster, a sealed record) live in the services of each area on top of this.
"""

from __future__ import annotations

import enum
import functools
import hashlib
import secrets
from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint, select
from sqlalchemy.orm import Mapped, Session, joinedload, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from archive.kernel.db import Base, enum_column, utcnow
from archive.kernel.errors import Conflict, InvalidInput, NotFound, PermissionDenied

MIN_PASSWORD_LENGTH = 8


class Role(enum.StrEnum):
    """The roles of the university's integrity work."""

    ADMINISTRATOR = "administrator"
    RESEARCH_OFFICE = "research_office"
    INVESTIGATOR = "investigator"
    COMMITTEE_MEMBER = "committee_member"
    CREDIT_ADMIN = "credit_admin"
    DISCIPLINE_OFFICE = "discipline_office"
    AUDITOR = "auditor"
    TEACHER = "teacher"
    STUDENT = "student"


ROLE_LABELS: dict[Role, tuple[str, str]] = {
    Role.ADMINISTRATOR: ("系统管理员", "Administrator"),
    Role.RESEARCH_OFFICE: ("科研处", "Research office"),
    Role.INVESTIGATOR: ("调查人员", "Investigator"),
    Role.COMMITTEE_MEMBER: ("学术委员会委员", "Committee member"),
    Role.CREDIT_ADMIN: ("信用管理员", "Credit administrator"),
    Role.DISCIPLINE_OFFICE: ("纪委", "Discipline office"),
    Role.AUDITOR: ("审计员", "Auditor"),
    Role.TEACHER: ("教师", "Teacher"),
    Role.STUDENT: ("学生", "Student"),
}


class Permission(enum.StrEnum):
    """Things a role may do; services check one of these before acting."""

    MANAGE_USERS = "manage_users"
    VIEW_AUDIT = "view_audit"
    SCREEN_SUBMIT = "screen_submit"
    SCREEN_VIEW = "screen_view"
    CORPUS_MANAGE = "corpus_manage"
    CASE_INTAKE = "case_intake"
    CASE_VIEW = "case_view"
    CASE_INVESTIGATE = "case_investigate"
    CASE_DECIDE = "case_decide"
    CASE_VIEW_REPORTER = "case_view_reporter"
    CASE_ADMIN = "case_admin"
    CASE_REPORTS = "case_reports"
    CREDIT_VIEW = "credit_view"
    CREDIT_MANAGE = "credit_manage"
    CREDIT_EXPORT = "credit_export"
    CREDIT_CHECK = "credit_check"
    ARCHIVE_SEARCH = "archive_search"
    ARCHIVE_CASE_FILES = "archive_case_files"
    ARCHIVE_RESEARCH = "archive_research"
    ARCHIVE_MANAGE = "archive_manage"
    ARCHIVE_APPROVE_DISPOSAL = "archive_approve_disposal"
    VIEW_ID_NUMBERS = "view_id_numbers"
    PEOPLE_REGISTER = "people_register"
    SELF_SERVICE = "self_service"


P = Permission
ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.ADMINISTRATOR: frozenset(
        {
            P.MANAGE_USERS,
            P.PEOPLE_REGISTER,
            P.CASE_ADMIN,
            P.CORPUS_MANAGE,
            P.ARCHIVE_MANAGE,
            P.SELF_SERVICE,
        }
    ),
    Role.RESEARCH_OFFICE: frozenset(
        {
            P.SCREEN_SUBMIT,
            P.SCREEN_VIEW,
            P.CORPUS_MANAGE,
            P.CASE_INTAKE,
            P.CREDIT_CHECK,
            P.ARCHIVE_SEARCH,
            P.ARCHIVE_RESEARCH,
            P.ARCHIVE_MANAGE,
            P.SELF_SERVICE,
        }
    ),
    Role.INVESTIGATOR: frozenset(
        {
            P.SCREEN_VIEW,
            P.CASE_INTAKE,
            P.CASE_VIEW,
            P.CASE_INVESTIGATE,
            P.CASE_VIEW_REPORTER,
            P.CASE_REPORTS,
            P.VIEW_ID_NUMBERS,
            P.ARCHIVE_SEARCH,
            P.ARCHIVE_CASE_FILES,
            P.SELF_SERVICE,
        }
    ),
    Role.COMMITTEE_MEMBER: frozenset(
        {P.CASE_VIEW, P.CASE_DECIDE, P.CASE_REPORTS, P.SCREEN_VIEW, P.SELF_SERVICE}
    ),
    Role.CREDIT_ADMIN: frozenset(
        {
            P.CREDIT_VIEW,
            P.CREDIT_MANAGE,
            P.CREDIT_EXPORT,
            P.CREDIT_CHECK,
            P.VIEW_ID_NUMBERS,
            P.PEOPLE_REGISTER,
            P.CASE_REPORTS,
            P.SELF_SERVICE,
        }
    ),
    Role.DISCIPLINE_OFFICE: frozenset(
        {
            P.ARCHIVE_SEARCH,
            P.ARCHIVE_CASE_FILES,
            P.ARCHIVE_RESEARCH,
            P.ARCHIVE_APPROVE_DISPOSAL,
            P.PEOPLE_REGISTER,
            P.CASE_VIEW,
            P.CASE_VIEW_REPORTER,
            P.CASE_REPORTS,
            P.CREDIT_VIEW,
            P.VIEW_ID_NUMBERS,
            P.SELF_SERVICE,
        }
    ),
    Role.AUDITOR: frozenset({P.VIEW_AUDIT, P.CASE_REPORTS, P.SELF_SERVICE}),
    Role.TEACHER: frozenset({P.SELF_SERVICE}),
    Role.STUDENT: frozenset({P.SELF_SERVICE}),
}


class User(Base):
    """A person who signs in: staff of the offices, teachers, students."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(128))
    password_hash: Mapped[str] = mapped_column(String(255), info={"audit": "redact"})
    university_id: Mapped[str | None] = mapped_column(String(32), index=True)
    unit: Mapped[str | None] = mapped_column(String(128))
    email: Mapped[str | None] = mapped_column(String(255))
    is_active: Mapped[bool] = mapped_column(default=True)
    session_version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None]

    role_rows: Mapped[list[UserRole]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin"
    )

    @property
    def roles(self) -> frozenset[Role]:
        """The roles this user holds."""
        return frozenset(r.role for r in self.role_rows)

    @property
    def permissions(self) -> frozenset[Permission]:
        """Everything the user's roles allow."""
        perms: set[Permission] = set()
        for role in self.roles:
            perms |= ROLE_PERMISSIONS[role]
        return frozenset(perms)

    def has_role(self, role: Role) -> bool:
        """True when the user holds `role`."""
        return role in self.roles

    def can(self, permission: Permission) -> bool:
        """True when an active user's roles grant `permission`."""
        return self.is_active and permission in self.permissions

    def __repr__(self) -> str:
        return f"<User {self.id} {self.username}>"


class UserRole(Base):
    """One role held by one user."""

    __tablename__ = "user_roles"
    __table_args__ = (UniqueConstraint("user_id", "role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    role: Mapped[Role] = mapped_column(enum_column(Role))
    user: Mapped[User] = relationship(back_populates="role_rows")


class ApiToken(Base):
    """A per-user bearer token for the JSON API; only its SHA-256 is stored."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(128))
    token_hash: Mapped[str] = mapped_column(
        String(64), unique=True, info={"audit": "redact"}
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]
    user: Mapped[User] = relationship(lazy="joined")


class UserNotFound(NotFound):
    """No such user."""


class InvalidCredentials(InvalidInput):
    """Username or password wrong; deliberately does not say which."""


class UsernameTaken(Conflict):
    """Another account already has this username."""


class WeakPassword(InvalidInput):
    """The new password does not meet the minimum rules."""


# A hash of a random password, checked when the username is unknown so that a wrong
# username costs the same time as a wrong password (no user enumeration by timing).
@functools.cache
def _dummy_hash() -> str:
    """A hash no password matches, made on first use (scrypt costs ~0.1 s at start-up)."""
    return generate_password_hash(secrets.token_hex(16))


def spend_password_check(password: str) -> None:
    """Take as long as a real password check, so a missing account cannot be timed."""
    check_password_hash(_dummy_hash(), password)


def require(actor: User | None, permission: Permission) -> User:
    """Raise `PermissionDenied` unless `actor` is an active user holding `permission`."""
    if actor is None or not actor.can(permission):
        raise PermissionDenied(
            "您无权执行此操作 (permission denied)", permission=permission.value
        )
    return actor


def _check_password_rules(password: str) -> None:
    """Minimum length, and not only digits: the university's baseline."""
    if len(password) < MIN_PASSWORD_LENGTH or password.isdigit():
        raise WeakPassword(
            f"密码至少 {MIN_PASSWORD_LENGTH} 位且不能全为数字 "
            f"(at least {MIN_PASSWORD_LENGTH} characters, not only digits)"
        )


def create_user(
    session: Session,
    *,
    username: str,
    password: str,
    display_name: str,
    roles: set[Role] | frozenset[Role] | list[Role] = frozenset(),
    university_id: str | None = None,
    unit: str | None = None,
    email: str | None = None,
) -> User:
    """Add an account with a hashed password and the given roles."""
    username = username.strip()
    if not username:
        raise InvalidInput("用户名不能为空 (username required)")
    if find_user_by_username(session, username) is not None:
        raise UsernameTaken(f"用户名已存在：{username}", username=username)
    _check_password_rules(password)
    user = User(
        username=username,
        display_name=display_name.strip() or username,
        password_hash=generate_password_hash(password),
        university_id=university_id,
        unit=unit,
        email=email,
    )
    user.role_rows = [UserRole(role=Role(r)) for r in sorted(set(roles))]
    session.add(user)
    session.flush()
    return user


def get_user(session: Session, user_id: int) -> User:
    """The user with this id, or `UserNotFound`."""
    # The roles in the same statement: every signed-in page asks for them.
    user = session.get(User, user_id, options=[joinedload(User.role_rows)])
    if user is None:
        raise UserNotFound(f"用户不存在：{user_id}", user_id=user_id)
    return user


def find_user_by_username(session: Session, username: str) -> User | None:
    """The user with this username, if any."""
    return session.scalars(
        select(User).where(User.username == username.strip())
    ).first()


def list_users(session: Session) -> list[User]:
    """All users, by username."""
    return list(session.scalars(select(User).order_by(User.username)))


def authenticate(session: Session, *, username: str, password: str) -> User:
    """The active user with these credentials, or `InvalidCredentials` (same message always)."""
    user = find_user_by_username(session, username)
    if user is None or not user.is_active:
        spend_password_check(password)
        raise InvalidCredentials("用户名或密码错误 (wrong username or password)")
    if not check_password_hash(user.password_hash, password):
        raise InvalidCredentials("用户名或密码错误 (wrong username or password)")
    user.last_login_at = utcnow()
    return user


def change_password(
    session: Session, *, user: User, old_password: str, new_password: str
) -> None:
    """Replace the password after checking the old one; other sessions are signed out."""
    if not check_password_hash(user.password_hash, old_password):
        raise InvalidCredentials("原密码错误 (current password is wrong)")
    set_password(session, user=user, new_password=new_password)


def set_password(session: Session, *, user: User, new_password: str) -> None:
    """Set a new password (administrator reset or change), end other sessions and revoke the
    account's API tokens: a password change is what a user does after a suspected leak."""
    _check_password_rules(new_password)
    user.password_hash = generate_password_hash(new_password)
    user.session_version += 1
    now = utcnow()
    for token in session.scalars(
        select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
    ):
        token.revoked_at = now
    session.flush()


def set_roles(session: Session, *, actor: User, user_id: int, roles: set[Role]) -> User:
    """Give a user exactly these roles; only administrators may, and not to lock themselves out."""
    require(actor, Permission.MANAGE_USERS)
    user = get_user(session, user_id)
    if user.id == actor.id and Role.ADMINISTRATOR not in roles:
        raise Conflict(
            "不能移除自己的管理员角色 (cannot remove your own administrator role)"
        )
    current = {r.role: r for r in user.role_rows}
    for role in set(current) - roles:
        user.role_rows.remove(current[role])
    for role in roles - set(current):
        user.role_rows.append(UserRole(role=role))
    session.flush()
    return user


def set_active(session: Session, *, actor: User, user_id: int, is_active: bool) -> User:
    """Enable or disable an account (disabled accounts cannot sign in or use tokens)."""
    require(actor, Permission.MANAGE_USERS)
    user = get_user(session, user_id)
    if user.id == actor.id and not is_active:
        raise Conflict("不能停用自己的账户 (cannot disable your own account)")
    user.is_active = is_active
    user.session_version += 1
    session.flush()
    return user


def _token_digest(token: str) -> str:
    """SHA-256 of a token: enough for random 256-bit secrets, and what we store."""
    return hashlib.sha256(token.encode()).hexdigest()


def issue_api_token(session: Session, *, user: User, name: str) -> tuple[str, ApiToken]:
    """Create a token for `user`; the plain token is returned once and never stored."""
    plain = "cx_" + secrets.token_urlsafe(32)
    token = ApiToken(
        user_id=user.id, name=name.strip() or "api", token_hash=_token_digest(plain)
    )
    session.add(token)
    session.flush()
    return plain, token


def authenticate_token(session: Session, plain: str) -> User | None:
    """The active user a live token belongs to, or None."""
    # One statement: the token, its user and the user's roles (every API request asks).
    token = (
        session.scalars(
            select(ApiToken)
            .where(ApiToken.token_hash == _token_digest(plain))
            .options(joinedload(ApiToken.user).joinedload(User.role_rows))
        )
        .unique()
        .first()
    )
    if token is None or token.revoked_at is not None or not token.user.is_active:
        return None
    return token.user


def list_api_tokens(session: Session, *, user: User) -> list[ApiToken]:
    """A user's tokens, newest first."""
    return list(
        session.scalars(
            select(ApiToken)
            .where(ApiToken.user_id == user.id)
            .order_by(ApiToken.id.desc())
        )
    )


def revoke_api_token(session: Session, *, user: User, token_id: int) -> None:
    """Revoke one of the user's own tokens (administrators may revoke any)."""
    token = session.get(ApiToken, token_id)
    if token is None or (
        token.user_id != user.id and not user.can(Permission.MANAGE_USERS)
    ):
        raise NotFound("令牌不存在 (no such token)", token_id=token_id)
    token.revoked_at = utcnow()
    session.flush()
