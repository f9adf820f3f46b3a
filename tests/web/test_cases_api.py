"""One case end to end through the JSON API with bearer tokens, as each role."""

from __future__ import annotations

import io

from archive.kernel import accounts
from tests.casework.factories_casework import make_cast


def _tokens(session, cast):  # type: ignore[no-untyped-def]
    out = {}
    for key in ("office", "lead", "member2", "member3", "committee", "respondent_user"):
        user = getattr(cast, key)
        out[key] = accounts.issue_api_token(session, user=user, name="t")[0]
    return out


def test_a_case_end_to_end_through_the_api(client, session):
    # Long on purpose: a case from intake to its final decision, each call depending on
    # the version and state the one before it left, as an API client would go.
    cast = make_cast(session)
    tok = _tokens(session, cast)

    def call(who, method, url, **kw):  # type: ignore[no-untyped-def]
        r = client.open(
            url, method=method, headers={"Authorization": f"Bearer {tok[who]}"}, **kw
        )
        return r

    def version(case_id):  # type: ignore[no-untyped-def]
        return call("office", "GET", f"/api/cases/{case_id}").get_json()["version"]

    def move(who, case_id, to, reason="依规定办理"):  # type: ignore[no-untyped-def]
        v = version(case_id)
        r = call(
            who,
            "POST",
            f"/api/cases/{case_id}/transitions",
            json={"to": to, "reason": reason, "expected_version": v},
        )
        assert r.status_code == 200, r.get_json()
        assert r.get_json()["state"] == to
        return r.get_json()

    r = call(
        "office",
        "POST",
        "/api/cases",
        json={
            "title": "API 案件",
            "allegation": "论文抄袭",
            "source": "named",
            "reporter": {"name": "实名举报人", "contact": "1"},
            "respondents": [
                {
                    "kind": "student",
                    "name": cast.respondent.name,
                    "university_id": cast.respondent.university_id,
                }
            ],
        },
    )
    assert r.status_code == 201, r.get_json()
    case = r.get_json()
    cid = case["id"]
    assert case["reporter"]["name"] == "实名举报人"
    assert case["deadline"]["label"] == "当日登记"
    party_id = case["respondents"][0]["party_id"]

    # A disallowed move is refused with the current state named; a stale version too.
    r = call(
        "office",
        "POST",
        f"/api/cases/{cid}/transitions",
        json={"to": "final", "expected_version": case["version"]},
    )
    assert (
        r.status_code == 409
        and r.get_json()["error"]["details"]["current_state"] == "received"
    )
    move("office", cid, "screening")
    r = call(
        "office",
        "POST",
        f"/api/cases/{cid}/transitions",
        json={"to": "accepted", "reason": "x", "expected_version": case["version"]},
    )
    assert r.status_code == 409 and "已被他人修改" in r.get_json()["error"]["message"]
    move("office", cid, "accepted", "事实具体，予以受理")
    for key, lead in (("lead", True), ("member2", False), ("member3", False)):
        r = call(
            "office",
            "POST",
            f"/api/cases/{cid}/panel",
            json={
                "user_id": getattr(cast, key).id,
                "is_lead": lead,
                "expected_version": version(cid),
            },
        )
        assert r.status_code == 201, r.get_json()
    move("committee", cid, "investigating", "启动调查")
    r = call(
        "lead",
        "POST",
        f"/api/cases/{cid}/evidence",
        data={
            "file": (io.BytesIO(b"%PDF-1.4 e"), "e.pdf"),
            "title": "证据",
            "expected_version": str(version(cid)),
        },
        content_type="multipart/form-data",
    )
    assert r.status_code == 201 and len(r.get_json()["sha256"]) == 64
    r = call(
        "lead",
        "POST",
        f"/api/cases/{cid}/draft",
        data={
            "file": (io.BytesIO(b"%PDF-1.4 d"), "d.pdf"),
            "expected_version": str(version(cid)),
        },
        content_type="multipart/form-data",
    )
    assert r.status_code == 201
    move("lead", cid, "report_draft")
    move("lead", cid, "respondent_comment")
    # The comment cannot be skipped: the API says so, in words, and refuses the move.
    seen = call("lead", "GET", f"/api/cases/{cid}").get_json()
    assert seen["allowed_transitions"] == []
    assert [w["to"] for w in seen["waiting_transitions"]] == ["determination"]
    assert "尚未陈述申辩" in seen["waiting_transitions"][0]["why"]
    refused = call(
        "lead",
        "POST",
        f"/api/cases/{cid}/transitions",
        json={"to": "determination", "expected_version": version(cid)},
    )
    assert refused.status_code == 409 and "尚未陈述申辩" in str(refused.get_json())
    mine = call("respondent_user", "GET", "/api/cases/mine").get_json()["cases"]
    assert [c["id"] for c in mine] == [cid] and "reporter" not in str(mine)
    r = call(
        "respondent_user",
        "POST",
        f"/api/cases/mine/{cid}/comments",
        json={"body": "我有异议", "expected_version": mine[0]["version"]},
    )
    assert r.status_code == 201
    move("lead", cid, "determination")
    r = call(
        "committee",
        "POST",
        f"/api/cases/{cid}/findings",
        json={
            "party_id": party_id,
            "finding": "misconduct",
            "misconduct_type": "plagiarism",
            "facts": "抄袭",
            "expected_version": version(cid),
        },
    )
    assert r.status_code == 201, r.get_json()
    r = call(
        "committee",
        "POST",
        f"/api/cases/{cid}/sanctions",
        json={
            "party_id": party_id,
            "code": "S12",
            "level": "警告",
            "months": 6,
            "expected_version": version(cid),
        },
    )
    assert r.status_code == 201 and r.get_json()["months"] == 6
    move("committee", cid, "decided", "表决通过")
    move("office", cid, "notified")
    move("office", cid, "appeal_window")
    mine = call("respondent_user", "GET", "/api/cases/mine").get_json()["cases"][0]
    assert mine["appeal_due_on"] and mine["letters"]
    r = call(
        "respondent_user",
        "POST",
        f"/api/cases/{cid}/transitions",
        json={
            "to": "appeal",
            "reason": "请求复核",
            "expected_version": mine["version"],
        },
    )
    assert r.status_code == 200 and r.get_json()["state"] == "appeal"
    assert "reporter" not in r.get_json()
    move("committee", cid, "review", "受理")
    move("committee", cid, "final", "维持")
    move("office", cid, "sanctions_active")
    archived = move("office", cid, "archived")
    assert archived["archive_status"] == "done" and archived["credit_handoff"] == "done"
    docs = call("office", "GET", f"/api/cases/{cid}/documents").get_json()
    assert docs["documents"][0]["kind"] == "decision_letter"
    assert [a["outcome"] for a in docs["appeals"]] == ["upheld"]
    assert {s["status"] for s in docs["sanctions"]} == {"handed_off"}
    events = call("office", "GET", f"/api/cases/{cid}/events").get_json()["events"]
    assert [e["to"] for e in events if e["kind"] == "transition"][-1] == "archived"
    # The respondent cannot read the staff API of their own case.
    assert call("respondent_user", "GET", f"/api/cases/{cid}").status_code == 403
