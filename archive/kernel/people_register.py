"""The people register: students, staff and units imported from the university's systems.

A credit check asks about a 工号/学号; when the register holds every number, a number with no
credit file is a person with no dishonesty record, and a number it does not hold is a typo.
Exports come as CSV or XLSX with Chinese headers that vary between systems (学号, 工号,
职工号, 人员编号; 学院, 院系, 所在单位; 身份证号, 证件号码 …), so headers are matched by alias.

Every row is checked first; problems are named by line ("第 5 行：…"). A dry run answers
what would be created, updated or left as it is, and changes nothing. A number already in
the register is updated in place (a repeated import never duplicates anyone). Rows with
problems are skipped; the good ones are imported. Every change goes to the audit chain
(row by row, automatically) and the import itself is one audit event with its figures.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from archive.kernel import audit
from archive.kernel.accounts import Permission, User, require
from archive.kernel.errors import InvalidInput
from archive.kernel.people import Person, PersonKind, mask_id_number
from archive.kernel.sheets import read_rows

MAX_ROWS = 100_000

# field -> header aliases (compared without spaces, brackets or "*", case-insensitive).
COLUMNS: dict[str, tuple[str, ...]] = {
    "student_no": ("学号", "学生学号", "学籍号", "studentid", "studentno"),
    "staff_no": (
        "工号",
        "职工号",
        "教工号",
        "人员编号",
        "人事编号",
        "staffid",
        "staffno",
    ),
    "number": ("学工号", "编号", "工号/学号", "学号/工号", "universityid"),
    "unit_code": ("单位代码", "单位编码", "院系代码", "部门代码", "unitcode"),
    "name": ("姓名", "名称", "单位名称", "部门名称", "name"),
    "unit": (
        "学院",
        "院系",
        "所在学院",
        "所在院系",
        "所在单位",
        "单位",
        "部门",
        "所属单位",
        "所属学院",
        "二级单位",
        "unit",
        "department",
        "school",
    ),
    "id_number": (
        "身份证号",
        "身份证号码",
        "身份证件号",
        "证件号码",
        "证件号",
        "公民身份号码",
        "idnumber",
    ),
    "kind": ("类别", "人员类别", "身份", "人员类型", "类型", "kind", "type"),
    "title": ("职称", "职务", "专业技术职务", "title"),
    "credit_code": ("统一社会信用代码", "信用代码", "creditcode"),
}
_ALIASES = {alias: key for key, names in COLUMNS.items() for alias in names}
_HEADER_NOISE = re.compile(r"[\s*＊:：()（）\[\]【】_\-]")

KIND_WORDS: dict[str, PersonKind] = {
    "学生": PersonKind.STUDENT,
    "本科生": PersonKind.STUDENT,
    "研究生": PersonKind.STUDENT,
    "硕士生": PersonKind.STUDENT,
    "硕士研究生": PersonKind.STUDENT,
    "博士生": PersonKind.STUDENT,
    "博士研究生": PersonKind.STUDENT,
    "留学生": PersonKind.STUDENT,
    "student": PersonKind.STUDENT,
    "教师": PersonKind.TEACHER,
    "专任教师": PersonKind.TEACHER,
    "教学科研人员": PersonKind.TEACHER,
    "博士后": PersonKind.TEACHER,
    "teacher": PersonKind.TEACHER,
    "职工": PersonKind.STAFF,
    "教职工": PersonKind.STAFF,
    "管理人员": PersonKind.STAFF,
    "教辅人员": PersonKind.STAFF,
    "工勤人员": PersonKind.STAFF,
    "staff": PersonKind.STAFF,
    "单位": PersonKind.UNIT,
    "院系": PersonKind.UNIT,
    "部门": PersonKind.UNIT,
    "unit": PersonKind.UNIT,
}
_ACADEMIC_TITLES = ("教授", "讲师", "研究员", "助教", "副教授", "博士后", "导师")
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_NUMBER = re.compile(r"^[A-Za-z0-9][A-Za-z0-9\-_.]{1,31}$")


@dataclass(frozen=True)
class RegisterRow:
    """One person or unit as the sheet gives it, normalised."""

    line: int
    kind: PersonKind
    university_id: str
    name: str
    unit: str | None
    title: str | None
    id_number: str | None
    credit_code: str | None

    @property
    def masked_id_number(self) -> str:
        """The ID number as previews show it."""
        return mask_id_number(self.id_number)


@dataclass(frozen=True)
class RowOutcome:
    """What the import does (or, in a dry run, would do) with one row."""

    row: RegisterRow
    action: str  # "create" / "update" / "unchanged"
    changed: tuple[str, ...] = ()


@dataclass(frozen=True)
class LineProblem:
    """A row that cannot be imported, by its line in the file (the header is line 1)."""

    line: int
    message: str

    def __str__(self) -> str:
        return f"第 {self.line} 行：{self.message}"


@dataclass
class RegisterReport:
    """The outcome of one import or dry run."""

    filename: str
    is_dry_run: bool
    outcomes: list[RowOutcome] = field(default_factory=list)
    problems: list[LineProblem] = field(default_factory=list)

    def count(self, action: str) -> int:
        """How many rows are created, updated or unchanged."""
        return sum(1 for o in self.outcomes if o.action == action)

    @property
    def figures(self) -> dict[str, int]:
        """The totals, for messages and the audit entry."""
        return {
            "created": self.count("create"),
            "updated": self.count("update"),
            "unchanged": self.count("unchanged"),
            "errors": len(self.problems),
            "rows": len(self.outcomes) + len(self.problems),
        }


def may_import(actor: User | None) -> bool:
    """Administrators, the discipline office and the credit office keep the register."""
    return actor is not None and actor.can(Permission.PEOPLE_REGISTER)


def import_register(
    session: Session,
    *,
    actor: User,
    data: bytes,
    filename: str,
    kind: PersonKind | None = None,
    dry_run: bool = False,
) -> RegisterReport:
    """Import (or preview) a register export; `kind` is the default for rows without a
    类别 column (a 学号 column alone means students, a 工号 column staff)."""
    require(actor, Permission.PEOPLE_REGISTER)
    rows, problems = parse_register(data, filename, kind=kind)
    report = RegisterReport(filename=filename, is_dry_run=dry_run, problems=problems)
    existing = _existing(session, [r.university_id for r in rows])
    for row in rows:
        person = existing.get(row.university_id)
        if person is None:
            report.outcomes.append(RowOutcome(row, "create"))
            if not dry_run:
                existing[row.university_id] = _create(session, row)
            continue
        changed = _changes(person, row)
        report.outcomes.append(
            RowOutcome(row, "update" if changed else "unchanged", changed)
        )
        if changed and not dry_run:
            for key in changed:
                setattr(person, key, getattr(row, key))
    if not dry_run:
        session.flush()
        audit.record_event(
            session,
            action="people_import",
            entity_type="people",
            entity_id="-",
            detail={"file_name": filename, **report.figures},
        )
    return report


def parse_register(
    data: bytes, filename: str, *, kind: PersonKind | None = None
) -> tuple[list[RegisterRow], list[LineProblem]]:
    """The good rows and the problems of a sheet; a file with no usable header raises."""
    raw = read_rows(data, filename)
    header_at, keys = _header(raw, filename)
    rows: list[RegisterRow] = []
    problems: list[LineProblem] = []
    seen: dict[str, int] = {}
    for line, cells in enumerate(raw[header_at + 1 :], start=header_at + 2):
        if not any(_cell(c) for c in cells):
            continue
        if len(rows) + len(problems) >= MAX_ROWS:
            raise InvalidInput(f"一次最多导入 {MAX_ROWS} 行 (too many rows)")
        values = {k: cells[i] for i, k in enumerate(keys) if k and i < len(cells)}
        row, problem = _row(line, values, keys, kind)
        if problem is None and row is not None and row.university_id in seen:
            problem = (
                f"工号/学号 {row.university_id} 与第 {seen[row.university_id]} 行重复"
            )
        if problem is not None or row is None:
            problems.append(LineProblem(line, problem or "无法读取"))
            continue
        seen[row.university_id] = line
        rows.append(row)
    return rows, problems


def _header(raw: list[list[Any]], filename: str) -> tuple[int, list[str | None]]:
    """The header row (exports often put a title line or two above it) and its fields."""
    for index, cells in enumerate(raw[:10]):
        keys = [_ALIASES.get(_HEADER_NOISE.sub("", _cell(c)).lower()) for c in cells]
        has_number = {"student_no", "staff_no", "number", "unit_code"} & set(keys)
        if has_number and "name" in keys:
            return index, keys
    first = "、".join(_cell(c) for c in raw[0]) if raw else ""
    raise InvalidInput(
        f"找不到表头：{filename} 须有“学号/工号”和“姓名”列（第一行：{first}）"
        " (no header with a number and a name column)",
        filename=filename,
    )


def _cell(value: Any) -> str:
    """A cell as text: NFKC (full-width digits), numbers without ".0", dates as ISO."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime | date):
        return value.isoformat()[:10]
    text = unicodedata.normalize("NFKC", str(value))
    return text.replace("\u200b", "").replace("\ufeff", "").strip()


def _row(
    line: int,
    values: dict[str, Any],
    keys: list[str | None],
    default: PersonKind | None,
) -> tuple[RegisterRow | None, str | None]:
    text = {k: _cell(v) for k, v in values.items()}
    number = (
        text.get("student_no")
        or text.get("staff_no")
        or text.get("number")
        or text.get("unit_code")
        or ""
    )
    name = text.get("name", "")
    if not number:
        return None, "缺少工号/学号"
    if not _NUMBER.match(number):
        return None, f"工号/学号格式有误：{number}"
    if not name:
        return None, "缺少姓名"
    kind, problem = _kind(text, keys, default)
    if problem:
        return None, problem
    id_number = text.get("id_number", "").upper() or None
    if id_number and not is_valid_id_number(id_number):
        return (
            None,
            f"身份证号无效：{mask_id_number(id_number)}（校验位不符或长度不对）",
        )
    return RegisterRow(
        line=line,
        kind=kind,
        university_id=number,
        name=name[:128],
        unit=(text.get("unit") or None),
        title=(text.get("title") or None),
        id_number=id_number,
        credit_code=(text.get("credit_code") or None),
    ), None


def _kind(
    text: dict[str, str], keys: list[str | None], default: PersonKind | None
) -> tuple[PersonKind, str | None]:
    """The row's kind: its 类别 cell, else the default, else what the columns say."""
    word = text.get("kind", "")
    if word:
        kind = KIND_WORDS.get(word.lower())
        if kind is None:
            return PersonKind.STAFF, f"无法识别的人员类别：{word}"
        return kind, None
    if default is not None:
        return default, None
    if "student_no" in keys and text.get("student_no"):
        return PersonKind.STUDENT, None
    if "unit_code" in keys and not ({"student_no", "staff_no", "number"} & set(keys)):
        return PersonKind.UNIT, None
    if any(t in (text.get("title") or "") for t in _ACADEMIC_TITLES):
        return PersonKind.TEACHER, None
    return PersonKind.STAFF, None


def is_valid_id_number(value: str) -> bool:
    """A mainland resident ID number: 18 characters with a valid GB 11643 check digit."""
    if len(value) != 18 or not value[:17].isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(value[:17], _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11] == value[17]


def _existing(session: Session, numbers: list[str]) -> dict[str, Person]:
    found: dict[str, Person] = {}
    for start in range(0, len(numbers), 500):
        chunk = numbers[start : start + 500]
        for person in session.scalars(
            select(Person).where(Person.university_id.in_(chunk))
        ):
            assert person.university_id is not None
            found[person.university_id] = person
    return found


_SYNCED = ("kind", "name", "unit", "title", "id_number", "credit_code")


def _changes(person: Person, row: RegisterRow) -> tuple[str, ...]:
    """The fields the sheet changes; an empty cell never erases what the register holds."""
    changed = []
    for key in _SYNCED:
        new = getattr(row, key)
        if new is None:
            continue
        if getattr(person, key) != new:
            changed.append(key)
    return tuple(changed)


def _create(session: Session, row: RegisterRow) -> Person:
    person = Person(
        kind=row.kind,
        name=row.name,
        university_id=row.university_id,
        unit=row.unit,
        title=row.title,
        id_number=row.id_number,
        credit_code=row.credit_code,
    )
    session.add(person)
    return person


def register_counts(session: Session) -> dict[PersonKind, int]:
    """How many people of each kind the register holds."""
    rows = session.execute(
        select(Person.kind, func.count()).group_by(Person.kind)
    ).all()
    return {PersonKind(kind): n for kind, n in rows}
