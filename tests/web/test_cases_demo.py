"""The demo holds enough people to start an investigation: a newcomer signs in as the
office, forms a mixed panel of demo investigators, committee members and outside experts,
and the committee opens the investigation, without an administrator creating anyone."""

from __future__ import annotations

from archive.kernel import accounts
from archive.kernel.db import make_engine, make_session_factory
from archive.kernel.settings import Settings
from casework.models import CaseSource, CaseState
from casework.services import experts, intake, panel, workflow
from tests.cli_runs import run_cli


def test_demo_people_form_a_mixed_panel_and_open_an_investigation(tmp_path):
    data = tmp_path / "data"
    demo = run_cli(data, "demo", "--password", "demo-pass-123")
    assert demo.returncode == 0, demo.stderr
    assert "outside experts" in demo.stdout and "diaocha2" in demo.stdout
    settings = Settings(env="test", data_dir=data, secret_key="k").checked()
    engine = make_engine(settings)
    try:
        with make_session_factory(engine, settings)() as s:
            office = accounts.find_user_by_username(s, "diaocha")
            committee = accounts.find_user_by_username(s, "weiyuan")
            member = accounts.find_user_by_username(s, "weiyuan2")
            s.info["actor"] = office
            expert = experts.list_experts(s)[0]
            case = intake.open_case(
                s,
                actor=office,
                title="演示案件",
                allegation="论文第三章与他人论文大段重合，未注明出处。",
                source=CaseSource.INITIATIVE,
            )
            intake.add_respondent(
                s,
                actor=office,
                case_id=case.id,
                expected_version=None,
                kind="student",
                name="演示学生",
                unit="外国语学院",
            )
            for to, reason in (
                (CaseState.SCREENING, None),
                (CaseState.ACCEPTED, "受理"),
            ):
                workflow.transition(
                    s,
                    actor=office,
                    case_id=case.id,
                    to=to,
                    expected_version=None,
                    reason=reason,
                )
            lead = accounts.find_user_by_username(s, "diaocha2")
            for kwargs in (
                {"user_id": lead.id, "is_lead": True},
                {"user_id": member.id},
                {"expert_id": expert.person_id},
            ):
                panel.assign_member(
                    s, actor=office, case_id=case.id, expected_version=None, **kwargs
                )
            workflow.transition(
                s,
                actor=committee,
                case_id=case.id,
                to=CaseState.INVESTIGATING,
                expected_version=None,
                reason="启动正式调查",
            )
            assert case.state is CaseState.INVESTIGATING
            s.rollback()
    finally:
        engine.dispose()
