"""Credit commitments (信用承诺): templates per occasion, versions, signatures, breaches.

A template's text is versioned: saving makes a new version, and a signature points at
the version the person saw (with a SHA-256 of its text), so later edits never change what
anyone signed. A commitment found broken becomes a dishonesty record pointing at it.
"""

from __future__ import annotations

import hashlib
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from archive.kernel import clock
from archive.kernel.accounts import Permission, User, require
from archive.kernel.errors import Conflict, InvalidInput, PermissionDenied
from archive.kernel.people import Person
from casework.catalogue import CreditClass
from casework.credit.errors import TemplateNotFound
from casework.credit.evaluation import recompute_grade
from casework.credit.files import add_record, get_subject, subject_of_user
from casework.credit.models import (
    OCCASION_LABELS,
    CommitmentSignature,
    CommitmentTemplate,
    CommitmentVersion,
    CreditRecord,
    Occasion,
    RecordKind,
)


class StaleTemplate(Conflict):
    """The template changed since the page was loaded: sign the current version."""


_COMMON = (
    "本人郑重承诺：\n"
    "一、所提交的材料和信息真实、准确、完整，不存在虚构、伪造、篡改、隐瞒等情况；\n"
    "二、严格遵守国家法律法规和学校有关规定，恪守科研诚信和学术规范；\n"
    "三、如有违反，自愿接受学校依规依纪作出的处理，并记入个人信用档案；\n"
    "四、同意学校对承诺履行情况进行核查。"
)
DEFAULT_TEMPLATES: dict[Occasion, tuple[str, str]] = {
    Occasion.EXAM: (
        "考试诚信承诺书",
        "本人自愿参加考试，承诺遵守考场纪律，独立完成考试，不作弊、不替考。\n"
        + _COMMON,
    ),
    Occasion.ADMISSION: (
        "招生诚信承诺书",
        "本人承诺报考及录取所提交的全部材料真实有效。\n" + _COMMON,
    ),
    Occasion.PROJECT_APPLICATION: (
        "科研项目申报诚信承诺书",
        "本人承诺项目申报书内容真实，无抄袭剽窃、重复申报，经费依规使用。\n" + _COMMON,
    ),
    Occasion.TITLE_EVALUATION: (
        "职称评定诚信承诺书",
        "本人承诺申报职称所提交的业绩成果、论文著作均为本人真实取得。\n" + _COMMON,
    ),
    Occasion.STUDENT_AID: (
        "学生资助诚信承诺书",
        "本人承诺家庭经济情况等申请信息真实，资助资金按规定使用。\n" + _COMMON,
    ),
    Occasion.PERFORMANCE_REVIEW: (
        "绩效考核诚信承诺书",
        "本人承诺考核所报工作量和成果真实准确。\n" + _COMMON,
    ),
    Occasion.AWARD: (
        "评优评先诚信承诺书",
        "本人承诺评优评先申报材料真实，不弄虚作假。\n" + _COMMON,
    ),
    Occasion.DATA_REPORTING: (
        "数据统计诚信承诺书",
        "本人承诺所填报的统计数据真实、准确、完整、及时。\n" + _COMMON,
    ),
    Occasion.CREDIT_REPAIR: (
        "信用修复承诺书",
        "本人已认识到失信行为的错误，已纠正失信行为、履行相关义务。\n"
        "本人承诺今后严格遵守科研诚信和学术规范，不再发生失信行为；如再次失信，"
        "自愿接受从重处理，并同意本承诺书公开。",
    ),
}


def text_digest(title: str, body: str) -> str:
    """SHA-256 of the text a signer saw."""
    return hashlib.sha256(f"{title}\n{body}".encode()).hexdigest()


def ensure_templates(session: Session) -> None:
    """Create the default template of every occasion that has none."""
    have = set(session.scalars(select(CommitmentTemplate.occasion)))
    for occasion, (title, body) in DEFAULT_TEMPLATES.items():
        if occasion in have:
            continue
        template = CommitmentTemplate(occasion=occasion)
        session.add(template)
        session.flush()
        session.add(
            CommitmentVersion(template_id=template.id, number=1, title=title, body=body)
        )
    session.flush()


def list_templates(session: Session) -> list[CommitmentTemplate]:
    """Every template in occasion order, with its versions."""
    ensure_templates(session)
    order = {o: i for i, o in enumerate(Occasion)}
    rows = list(session.scalars(select(CommitmentTemplate)))
    for row in rows:
        session.refresh(row, ["versions"])
    return sorted(rows, key=lambda t: order[t.occasion])


def get_template(session: Session, template_id: int) -> CommitmentTemplate:
    """A template by id, or `TemplateNotFound`."""
    template = session.get(CommitmentTemplate, template_id)
    if template is None:
        raise TemplateNotFound(f"承诺书模板不存在：{template_id}")
    return template


def template_for(session: Session, occasion: Occasion) -> CommitmentTemplate:
    """The template of an occasion (made from the defaults on first use)."""
    ensure_templates(session)
    template = session.scalars(
        select(CommitmentTemplate).where(CommitmentTemplate.occasion == occasion)
    ).one()
    return template


def get_version(session: Session, version_id: int) -> CommitmentVersion:
    """A template version by id, or `TemplateNotFound`."""
    version = session.get(CommitmentVersion, version_id)
    if version is None:
        raise TemplateNotFound(f"承诺书版本不存在：{version_id}")
    return version


def save_template_version(
    session: Session, *, actor: User, template_id: int, title: str, body: str
) -> CommitmentVersion:
    """Save an edited text as the next version (signatures keep the version they signed)."""
    require(actor, Permission.CREDIT_MANAGE)
    template = get_template(session, template_id)
    title, body = title.strip(), body.strip()
    if not title or not body:
        raise InvalidInput("标题和正文不能为空 (title and text required)")
    current = template.current
    if current.title == title and current.body == body:
        return current
    version = CommitmentVersion(
        template_id=template.id,
        number=current.number + 1,
        title=title,
        body=body,
        created_by_id=actor.id,
    )
    session.add(version)
    session.flush()
    session.refresh(template, ["versions"])
    return version


def sign_commitment(
    session: Session, *, actor: User, version_id: int, context: str = ""
) -> CommitmentSignature:
    """The actor signs the current version of a template as their own credit subject."""
    require(actor, Permission.SELF_SERVICE)
    person = subject_of_user(session, actor)
    if person is None:
        raise PermissionDenied(
            "您的账户未关联信用主体，无法签署承诺书 (account not linked to a person)"
        )
    version = get_version(session, version_id)
    session.refresh(version.template, ["versions"])
    if version.template.current.id != version.id:
        raise StaleTemplate(
            "承诺书已更新，请阅读最新版本后再签署 (the template changed; sign the current version)",
            current_version_id=version.template.current.id,
        )
    signature = CommitmentSignature(
        person_id=person.id,
        version_id=version.id,
        context=context.strip()[:255],
        text_sha256=text_digest(version.title, version.body),
        signed_by_id=actor.id,
    )
    session.add(signature)
    session.flush()
    return signature


def list_signatures(session: Session, *, person_id: int) -> list[CommitmentSignature]:
    """A subject's signatures, newest first."""
    return list(
        session.scalars(
            select(CommitmentSignature)
            .where(CommitmentSignature.person_id == person_id)
            .order_by(CommitmentSignature.id.desc())
        )
    )


def find_signature(
    session: Session, *, person_id: int, occasion: Occasion, since: Any = None
) -> CommitmentSignature | None:
    """The subject's newest signature for an occasion (signed at or after `since`)."""
    q = (
        select(CommitmentSignature)
        .join(CommitmentVersion, CommitmentSignature.version_id == CommitmentVersion.id)
        .join(
            CommitmentTemplate, CommitmentVersion.template_id == CommitmentTemplate.id
        )
        .where(
            CommitmentSignature.person_id == person_id,
            CommitmentTemplate.occasion == occasion,
        )
    )
    if since is not None:
        q = q.where(CommitmentSignature.signed_at >= since)
    return session.scalars(q.order_by(CommitmentSignature.id.desc())).first()


def record_broken_commitment(
    session: Session,
    *,
    actor: User,
    signature_id: int,
    reason: str,
    credit_class: CreditClass = CreditClass.GENERAL,
    decided_on: date | None = None,
    deciding_unit: str = "",
    decision_number: str = "",
    case_number: str | None = None,
) -> CreditRecord:
    """A commitment found broken (e.g. by a case) becomes a dishonesty record pointing at it."""
    require(actor, Permission.CREDIT_MANAGE)
    signature = session.get(CommitmentSignature, signature_id)
    if signature is None:
        raise TemplateNotFound(f"承诺书签署记录不存在：{signature_id}")
    if not reason.strip():
        raise InvalidInput("请写明违背承诺的事实 (facts required)")
    key = f"broken:{signature_id}"
    existing = session.scalars(
        select(CreditRecord).where(CreditRecord.dedup_key == key)
    ).first()
    if existing is not None:
        raise Conflict(
            "该承诺书已记录为违背承诺 (already recorded)", record_id=existing.id
        )
    person: Person = get_subject(session, signature.person_id)
    day = decided_on or clock.today()
    record = add_record(
        session,
        actor=actor,
        person_id=person.id,
        kind=RecordKind.DISHONESTY,
        title=f"违背信用承诺：{signature.version.title}",
        credit_class=credit_class,
        reason=reason.strip(),
        basis=f"{OCCASION_LABELS[signature.version.template.occasion]}信用承诺（第{signature.version.number}版）",
        source="commitment",
        case_number=case_number,
        decision_number=decision_number or None,
        deciding_unit=deciding_unit or None,
        decided_on=day,
        starts_on=day,
        signature_id=signature.id,
        dedup_key=key,
    )
    recompute_grade(session, person_id=person.id)
    return record
