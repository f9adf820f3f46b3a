"""Every public rendering of the sanction list masks the subject inside free text too: the
公示 page, the provincial export's 事由/依据, and the report verification."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from archive.kernel import clock
from archive.kernel.people import PersonKind, create_person, mask_in_text
from casework.credit import services
from tests.casework.credit.factories_credit import (
    credit_admin,
    make_subject,
    sanction_input,
)

LEAKY = (
    "王建华在2026年3月发表的论文中伪造实验数据（学号2024000123，身份证410102198001011234，"
    "电话13812345678），建华本人承认。"
)


def _ingest(session, person):  # type: ignore[no-untyped-def]
    clock.freeze(datetime(2026, 2, 1, 4, tzinfo=UTC))
    return services.ingest_final_decision(
        session,
        actor="casework",
        case_id=77,
        entries=[
            sanction_input(
                person,
                reason=LEAKY,
                basis="王建华违反《高等学校预防与处理学术不端行为办法》第二十七条",
            )
        ],
    )[0]


def _leaks(text: str) -> list[str]:
    return [
        s
        for s in ("王建华", "建华", "2024000123", "410102198001011234", "13812345678")
        if s in text
    ]


def test_mask_in_text_hides_name_given_name_and_numbers(session):
    person = create_person(
        session,
        kind=PersonKind.TEACHER,
        name="王建华",
        university_id="2024000123",
        id_number="410102198001011234",
    )
    masked = mask_in_text(LEAKY, person)
    assert _leaks(masked) == [] and "王**在2026年3月" in masked
    unit = create_person(session, kind=PersonKind.UNIT, name="王建华课题组")
    assert mask_in_text("王建华课题组数据造假", unit) == "王建华课题组数据造假"


def test_public_page_and_export_and_verification_do_not_leak(client, session, tmp_path):
    person, _user = make_subject(
        session,
        kind=PersonKind.TEACHER,
        name="王建华",
        university_id="2024000123",
        id_number="410102198001011234",
    )
    admin = credit_admin(session)
    _ingest(session, person)
    session.commit()
    page = client.get("/public/sanctions").get_data(as_text=True)
    assert "王**" in page and _leaks(page) == []
    export = services.export_changes(session, actor=admin, fmt="json", out_dir=tmp_path)
    assert export is not None
    row = json.loads((tmp_path / export.file_name).read_text(encoding="utf-8"))[
        "records"
    ][0]
    assert _leaks(row["CF_SY"] + row["CF_YJ"] + row["CF_NR"] + row["BZ"]) == []
    assert row["CF_XDR_MC"] == "王建华"  # the name field itself: the province masks it
    report = services.issue_report(session, actor=admin, person_id=person.id)
    session.commit()
    verified = client.get(
        f"/public/verify?number={report.number}&code={report.verification_code}"
    ).get_data(as_text=True)
    assert "王**" in verified and _leaks(verified) == []
