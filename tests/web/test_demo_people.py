"""`chengxin demo`'s credit data: the people register, and a 一般 record whose repair the
credit office decides by hand (the manual approval path is reachable in the demo)."""

from __future__ import annotations

from archive.kernel.accounts import Role, find_user_by_username
from archive.kernel.db import make_engine, make_session_factory
from archive.kernel.people import find_person_by_university_id
from archive.kernel.runtime import Runtime
from archive.kernel.settings import Settings
from casework.credit import services
from casework.credit.files import list_records
from casework.credit.models import RepairStatus
from tests.cli_runs import cli_database
from tests.factories import make_user
from web.demo_people import load_people_demo


def _accounts(session):
    make_user(session, Role.ADMINISTRATOR, Role.AUDITOR, username="admin")
    make_user(session, Role.TEACHER, username="jiaoshi", display_name="教师 孙老师")
    make_user(session, Role.CREDIT_ADMIN, username="xinyong")


def test_demo_teacher_applies_and_the_credit_office_decides(tmp_path):
    env, _ = cli_database(tmp_path, _accounts)
    settings = Settings(
        env="test",
        data_dir=tmp_path / "data",
        database_url=env["CHENGXIN_DATABASE_URL"],
        secret_key="k",
    ).checked()
    engine = make_engine(settings)
    rt = Runtime(settings, engine, make_session_factory(engine, settings))
    assert "9 new" in load_people_demo(rt)
    assert "0 new" in load_people_demo(rt)  # a second demo run adds nobody twice
    with rt.session_factory() as session:
        teacher_user = services.subject_of_user(session, _user(session, "jiaoshi"))
        assert teacher_user is not None and teacher_user.name == "孙老师"
        [record] = list_records(session, teacher_user.id)
        session.info["actor"] = _user(session, "jiaoshi")
        application = services.apply_for_repair(
            session,
            actor=_user(session, "jiaoshi"),
            record_id=record.id,
            statement="已补齐原始实验记录并通过复核",
            has_met_obligations=True,
            sign_repair_commitment=True,
        )
        assert application.status is RepairStatus.SUBMITTED  # waits for a person
        decided = services.decide_repair(
            session,
            actor=_user(session, "xinyong"),
            repair_id=application.id,
            approve=True,
            reason="整改到位，同意修复",
        )
        assert decided.status is RepairStatus.APPROVED
        assert find_person_by_university_id(session, "2024020202") is not None
        session.rollback()
    engine.dispose()


def _user(session, username):
    return find_user_by_username(session, username)
