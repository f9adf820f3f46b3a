"""The navigation bar: what each role sees, in one table."""

from __future__ import annotations

from dataclasses import dataclass

from flask import url_for
from flask_babel import gettext as _

from archive.kernel.accounts import Permission, User


@dataclass(frozen=True)
class NavItem:
    """One link: endpoint, Chinese label (the msgid), and the permissions that show it."""

    endpoint: str
    label: str
    permissions: tuple[Permission, ...]


P = Permission
NAV: tuple[NavItem, ...] = (
    NavItem("home.index", "工作台", ()),
    NavItem("screening.batches", "查重检测", (P.SCREEN_SUBMIT, P.SCREEN_VIEW)),
    NavItem("screening.corpus", "比对库", (P.CORPUS_MANAGE,)),
    NavItem("cases.board", "案件看板", (P.CASE_VIEW,)),
    NavItem("cases.intake", "受理登记", (P.CASE_INTAKE,)),
    NavItem("cases.reports", "统计报表", (P.CASE_REPORTS,)),
    NavItem("credit.index", "信用档案", (P.CREDIT_VIEW,)),
    NavItem("credit.sanctions", "失信惩戒名单", (P.CREDIT_MANAGE,)),
    NavItem("credit.repairs", "信用修复", (P.CREDIT_MANAGE,)),
    NavItem("archive.search", "档案检索", (P.ARCHIVE_SEARCH,)),
    NavItem("archive.records", "科研档案", (P.ARCHIVE_MANAGE,)),
    NavItem("me.index", "我的诚信", (P.SELF_SERVICE,)),
    NavItem("admin.users", "用户管理", (P.MANAGE_USERS,)),
    NavItem("people.index", "人员名册", (P.PEOPLE_REGISTER,)),
    NavItem("audit.index", "审计日志", (P.VIEW_AUDIT,)),
)


def items_for(user: User | None) -> list[tuple[str, str, str]]:
    """(endpoint, url, translated label) of the links this user may follow."""
    if user is None:
        return []
    out = []
    for item in NAV:
        if item.permissions and not any(user.can(p) for p in item.permissions):
            continue
        out.append((item.endpoint, url_for(item.endpoint), _(item.label)))
    return out
