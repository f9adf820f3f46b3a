"""Commitments: templates, versions kept by signers, signing, broken commitments."""

from __future__ import annotations

import pytest

from archive.kernel.errors import Conflict, PermissionDenied
from casework.credit import services
from casework.credit.models import Occasion
from tests.casework.credit.factories_credit import credit_admin, make_subject


def test_default_templates_for_every_occasion(session):
    templates = services.list_templates(session)
    assert {t.occasion for t in templates} == set(Occasion)
    assert all(t.current.number == 1 for t in templates)


def test_edit_after_signing_keeps_the_signed_version(session):
    admin = credit_admin(session)
    person, user = make_subject(session)
    template = services.template_for(session, Occasion.EXAM)
    v1 = template.current
    signature = services.sign_commitment(
        session, actor=user, version_id=v1.id, context="2026 春季期末考试"
    )
    v2 = services.save_template_version(
        session,
        actor=admin,
        template_id=template.id,
        title=v1.title,
        body=v1.body + "\n五、新增条款。",
    )
    assert v2.number == 2 and template.current.id == v2.id
    assert signature.version.id == v1.id and "新增条款" not in signature.version.body
    assert signature.signed_by_id == user.id and signature.signed_at is not None
    with pytest.raises(services.StaleTemplate):
        services.sign_commitment(session, actor=user, version_id=v1.id)
    same = services.save_template_version(
        session, actor=admin, template_id=template.id, title=v2.title, body=v2.body
    )
    assert same.id == v2.id


def test_only_admins_edit_and_only_linked_accounts_sign(session):
    _person, user = make_subject(session)
    template = services.template_for(session, Occasion.AWARD)
    with pytest.raises(PermissionDenied):
        services.save_template_version(
            session, actor=user, template_id=template.id, title="x", body="y"
        )
    admin = credit_admin(session)
    with pytest.raises(PermissionDenied):
        services.sign_commitment(session, actor=admin, version_id=template.current.id)


def test_broken_commitment_becomes_a_record_pointing_at_it(session):
    admin = credit_admin(session)
    person, user = make_subject(session)
    template = services.template_for(session, Occasion.STUDENT_AID)
    signature = services.sign_commitment(
        session, actor=user, version_id=template.current.id
    )
    record = services.record_broken_commitment(
        session, actor=admin, signature_id=signature.id, reason="虚报家庭经济情况"
    )
    assert record.signature_id == signature.id and record.title.startswith(
        "违背信用承诺"
    )
    grade = services.current_grade(session, person_id=person.id)
    assert grade.score == 100 - 15 - 5 and grade.grade == "B"
    with pytest.raises(Conflict):
        services.record_broken_commitment(
            session, actor=admin, signature_id=signature.id, reason="again"
        )
