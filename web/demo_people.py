"""Demo data for credit: a people register, and a credit record that needs a manual repair.

`chengxin demo` loads a small register (web/demo_data/people_register.csv, through the
same import the register page uses), links the demo teacher and student accounts to their
register entries, and gives the teacher (孙老师, `jiaoshi`) a 一般 dishonesty record that
started five months ago. A 一般 record may be repaired after three months, but only by the
credit office's decision: the teacher applies under 我的诚信, and the credit administrator
(`xinyong`) approves or refuses it under 信用修复 — the manual approval path.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from archive.kernel import accounts, clock
from archive.kernel.db import session_scope
from archive.kernel.people import find_person_by_university_id
from archive.kernel.people_register import import_register
from archive.kernel.runtime import Runtime
from casework.catalogue import CreditClass, MisconductType
from casework.credit.contract import SanctionInput
from casework.credit.sanction_list import ingest_final_decision

REGISTER = Path(__file__).resolve().parent / "demo_data" / "people_register.csv"
ACCOUNT_LINKS = {"jiaoshi": "T2019008", "xuesheng": "2023010101"}
REPAIR_TEACHER = "T2019008"
DEMO_ADMIN = "admin"


def load_people_demo(rt: Runtime) -> str:
    """Register, account links and the teacher's repairable record; safe to run again."""
    with session_scope(rt.session_factory, actor="demo") as session:
        admin = accounts.find_user_by_username(session, DEMO_ADMIN)
        if admin is None:
            return "demo people: no demo administrator, skipped"
        session.info["actor"] = admin
        report = import_register(
            session, actor=admin, data=REGISTER.read_bytes(), filename=REGISTER.name
        )
        for username, number in ACCOUNT_LINKS.items():
            user = accounts.find_user_by_username(session, username)
            person = find_person_by_university_id(session, number)
            if user is not None and person is not None and person.user_id is None:
                person.user_id = user.id
        teacher = find_person_by_university_id(session, REPAIR_TEACHER)
        assert teacher is not None
        starts = clock.today() - timedelta(days=150)
        ingest_final_decision(
            session,
            actor="demo",
            case_id=None,
            entries=[
                SanctionInput(
                    person_id=teacher.id,
                    code="S03",
                    starts_on=starts,
                    ends_on=None,
                    is_public=False,
                    report_to_province=False,
                    credit_class=CreditClass.GENERAL,
                    decision_number="校科〔2026〕12号",
                    reason="项目结题材料中原始实验记录不完整，责令限期整改",
                    basis="《高等学校预防与处理学术不端行为办法》第二十九条",
                    decided_on=starts,
                    deciding_unit="科研处",
                    misconduct_type=MisconductType.OTHER.value,
                    case_number="DEMO-2026-0001",
                )
            ],
        )
        created = report.count("create")
    return (
        f"demo people: {created} new in the people register; 孙老师 (jiaoshi) may apply to "
        "repair a 一般 record under 我的诚信, and xinyong decides it under 信用修复"
    )
