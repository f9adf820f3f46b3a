"""The access matrix as data: for every route of the app, who may use it and where it points.

Each cell is (endpoint, method) → the URLs to request (with the world's ids filled in) and a
rule saying which actors are allowed. The rules restate `ROLE_PERMISSIONS` and the object
rules of ../shared/domain-rules.md (a respondent never sees his own case from the staff side,
even when he holds a staff role; a recused member leaves the panel; the tipster sees only his
tip; a credit file is its subject's and the credit office's), independently of the code.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from archive.kernel.accounts import ROLE_PERMISSIONS, Permission
from tests.web.access_world import Actor

P = Permission
Rule = Callable[[Actor], bool]


def can(actor: Actor, *permissions: Permission) -> bool:
    """Whether one of the actor's roles holds one of the permissions (the role table)."""
    return any(p in ROLE_PERMISSIONS[r] for r in actor.roles for p in permissions)


def anyone(_actor: Actor) -> bool:
    """Public: no sign-in."""
    return True


def signed_in(actor: Actor) -> bool:
    """Any account."""
    return actor.user is not None


def perm(*permissions: Permission) -> Rule:
    """Holders of any one of the permissions."""
    return lambda actor: can(actor, *permissions)


def is_respondent(actor: Actor) -> bool:
    """A respondent of the world's cases (with or without a staff role)."""
    return actor.relation in ("respondent", "staff_respondent")


STAFF = (P.CASE_VIEW, P.CASE_INTAKE, P.CASE_INVESTIGATE, P.CASE_DECIDE)


def case_staff(*permissions: Permission) -> Rule:
    """Staff with the permission who are neither a respondent of the case nor recused
    from it (both get 404: 教育部令第40号 Art 19, and a respondent learns nothing more)."""
    need = permissions or STAFF
    return lambda actor: (
        can(actor, *need) and not is_respondent(actor) and actor.relation != "recused"
    )


case_worker = case_staff


def other_case_staff(actor: Actor) -> bool:
    """Staff on the archived case, which the recused member has no relation with."""
    return can(actor, *STAFF) and not is_respondent(actor)


def panel_lead(actor: Actor) -> bool:
    """Steps the panel lead takes: the draft report, moving the investigation on."""
    return actor.relation == "panel"


def own_case(actor: Actor) -> bool:
    """The respondent's own pages of his case."""
    return is_respondent(actor)


def student_respondent(actor: Actor) -> bool:
    """The respondent the world's letter and credit file belong to."""
    return actor.relation == "respondent"


def archive_case_file(actor: Actor) -> bool:
    """Case files: the discipline office and investigators, never a respondent (#14 item 1)."""
    return can(actor, P.ARCHIVE_CASE_FILES) and not is_respondent(actor)


def reminder_owner(actor: Actor) -> bool:
    """An inbox item is its addressee's."""
    return actor.relation == "panel"


def tipster(actor: Actor) -> bool:
    """The tip's follow-up page is the tipster's alone."""
    return actor.relation == "tipster"


def reporter_viewer(actor: Actor) -> bool:
    """Case staff who may see who reported (the tip's thread files are the reporter's)."""
    return can(actor, *STAFF) and can(actor, P.CASE_VIEW_REPORTER)


def nobody(_actor: Actor) -> bool:
    """Sealed with no role exempt: no one until the seal ends."""
    return False


def manages_research(actor: Actor) -> bool:
    """Managing a research record needs seeing research records too (ARCHIVE_RESEARCH)."""
    return can(actor, P.ARCHIVE_MANAGE) and can(actor, P.ARCHIVE_RESEARCH)


def has_credit_subject(actor: Actor) -> bool:
    """Accounts linked to a person of the register (the world's respondents)."""
    return is_respondent(actor)


@dataclass(frozen=True)
class Cell:
    """One route and method: the URLs asked (ids from the world) and who is allowed.

    `version` names the world id a change form sends as the case version; `answers_all`
    marks public forms whose refusal (a wrong password, a sign-out) is their normal answer.
    """

    urls: tuple[str, ...]
    allowed: Rule
    version: str = "case_version"
    answers_all: bool = False


def cell(rule: Rule, *urls: str, version: str = "case_version") -> Cell:
    """A cell."""
    return Cell(tuple(urls), rule, version)


def public_form(*urls: str) -> Cell:
    """A public form: every caller gets an answer (never a 5xx)."""
    return Cell(tuple(urls), anyone, answers_all=True)


CASE_TABS = tuple(
    f"/cases/{{case}}?tab={tab}"
    for tab in (
        "summary",
        "allegation",
        "evidence",
        "reporter",
        "notes",
        "panel",
        "timeline",
        "documents",
    )
)

MATRIX: dict[tuple[str, str], Cell] = {
    # The shell.
    ("home.index", "GET"): cell(signed_in, "/"),
    ("auth.login", "GET"): cell(anyone, "/login"),
    ("auth.login", "POST"): public_form("/login"),
    ("auth.logout", "POST"): public_form("/logout"),
    ("auth.change_password", "GET"): cell(signed_in, "/account/password"),
    ("auth.change_password", "POST"): cell(signed_in, "/account/password"),
    ("auth.tokens", "GET"): cell(signed_in, "/account/tokens"),
    ("auth.tokens", "POST"): cell(signed_in, "/account/tokens"),
    ("i18n.set_language", "GET"): cell(anyone, "/lang/en"),
    ("static", "GET"): cell(anyone, "/static/app.css"),
    ("api.health", "GET"): cell(anyone, "/api/health"),
    ("api.csrf_token", "GET"): cell(anyone, "/api/csrf"),
    ("api.me", "GET"): cell(signed_in, "/api/me"),
    ("api.openapi", "GET"): cell(anyone, "/api/openapi.json"),
    ("admin.users", "GET"): cell(perm(P.MANAGE_USERS), "/admin/users"),
    ("admin.users", "POST"): cell(perm(P.MANAGE_USERS), "/admin/users"),
    ("admin.edit_user", "GET"): cell(perm(P.MANAGE_USERS), "/admin/users/{case_user}"),
    ("admin.edit_user", "POST"): cell(perm(P.MANAGE_USERS), "/admin/users/{case_user}"),
    ("audit.index", "GET"): cell(perm(P.VIEW_AUDIT), "/audit/", "/audit/?q=封存"),
    ("audit.verify_json", "GET"): cell(perm(P.VIEW_AUDIT), "/audit/verify.json"),
    # Screening.
    ("screening.batches", "GET"): cell(
        perm(P.SCREEN_SUBMIT, P.SCREEN_VIEW), "/screening/"
    ),
    ("screening.create_batch", "POST"): cell(
        perm(P.SCREEN_SUBMIT), "/screening/batches"
    ),
    ("screening.batch", "GET"): cell(
        perm(P.SCREEN_SUBMIT, P.SCREEN_VIEW), "/screening/batches/{batch}"
    ),
    ("screening.batch_export", "GET"): cell(
        perm(P.SCREEN_SUBMIT, P.SCREEN_VIEW), "/screening/batches/{batch}/export.xlsx"
    ),
    ("screening.report", "GET"): cell(
        perm(P.SCREEN_SUBMIT, P.SCREEN_VIEW), "/screening/submissions/{submission}"
    ),
    ("screening.report_full", "GET"): cell(
        perm(P.SCREEN_SUBMIT, P.SCREEN_VIEW),
        "/screening/submissions/{submission}/report.html",
    ),
    ("screening.report_pdf", "GET"): cell(
        perm(P.SCREEN_SUBMIT, P.SCREEN_VIEW),
        "/screening/submissions/{submission}/report.pdf",
    ),
    ("screening.update_options", "POST"): cell(
        perm(P.SCREEN_SUBMIT), "/screening/submissions/{submission}/options"
    ),
    ("screening.rescreen", "POST"): cell(
        perm(P.SCREEN_SUBMIT), "/screening/submissions/{submission}/rescreen"
    ),
    ("screening.archive_submission", "POST"): cell(
        manages_research, "/screening/submissions/{submission}/archive"
    ),
    ("screening.corpus", "GET"): cell(perm(P.CORPUS_MANAGE), "/screening/corpus"),
    ("screening.corpus_add", "POST"): cell(perm(P.CORPUS_MANAGE), "/screening/corpus"),
    ("screening.corpus_remove", "POST"): cell(
        perm(P.CORPUS_MANAGE), "/screening/corpus/remove"
    ),
    ("screening_api.api_create_batch", "POST"): cell(
        perm(P.SCREEN_SUBMIT), "/api/screening/batches"
    ),
    ("screening_api.api_batch", "GET"): cell(
        perm(P.SCREEN_SUBMIT, P.SCREEN_VIEW), "/api/screening/batches/{batch}"
    ),
    ("screening_api.api_add_files", "POST"): cell(
        perm(P.SCREEN_SUBMIT), "/api/screening/batches/{batch}/files"
    ),
    ("screening_api.api_refused", "POST"): cell(
        perm(P.SCREEN_SUBMIT), "/api/screening/batches/{batch}/refused"
    ),
    ("screening_api.api_submission", "GET"): cell(
        perm(P.SCREEN_SUBMIT, P.SCREEN_VIEW), "/api/screening/submissions/{submission}"
    ),
    ("screening_api.api_report", "GET"): cell(
        perm(P.SCREEN_SUBMIT, P.SCREEN_VIEW),
        "/api/screening/submissions/{submission}/report",
    ),
    ("screening_api.api_options", "POST"): cell(
        perm(P.SCREEN_SUBMIT), "/api/screening/submissions/{submission}/options"
    ),
    # Cases: the staff side.
    ("cases.board", "GET"): cell(perm(*STAFF), "/cases/", "/cases/?view=list"),
    ("cases.intake", "GET"): cell(perm(P.CASE_INTAKE), "/cases/new"),
    ("cases.intake", "POST"): cell(perm(P.CASE_INTAKE), "/cases/new"),
    ("cases.from_screening", "POST"): cell(
        perm(P.CASE_INTAKE), "/cases/from-screening/{submission}"
    ),
    ("cases.show", "GET"): cell(case_staff(), *CASE_TABS),
    ("cases.do_transition", "POST"): cell(panel_lead, "/cases/{case}/transition"),
    ("cases.add_respondent", "POST"): cell(
        case_worker(P.CASE_INTAKE), "/cases/{case}/respondents"
    ),
    ("cases.assign", "POST"): cell(case_worker(P.CASE_INTAKE), "/cases/{case}/panel"),
    ("cases.unassign", "POST"): cell(
        case_worker(P.CASE_INTAKE), "/cases/{case}/panel/remove"
    ),
    # The form names another user (member3): flagging someone else is the intake office's.
    ("cases.declare", "POST"): cell(
        case_staff(P.CASE_INTAKE), "/cases/{case}/conflicts"
    ),
    ("cases.add_evidence", "POST"): cell(
        case_worker(P.CASE_INTAKE, P.CASE_INVESTIGATE), "/cases/{case}/evidence"
    ),
    ("cases.add_draft", "POST"): cell(panel_lead, "/cases/{case}/draft"),
    ("cases.add_interview", "POST"): cell(
        case_worker(P.CASE_INVESTIGATE), "/cases/{case}/interviews"
    ),
    ("cases.post_message", "POST"): cell(case_worker(), "/cases/{case}/messages"),
    ("cases.record_statement", "POST"): cell(
        case_worker(P.CASE_INTAKE, P.CASE_INVESTIGATE), "/cases/{case}/statements"
    ),
    # The expert register is the university's, not the case's: the intake office adds.
    ("cases.add_expert", "POST"): cell(perm(P.CASE_INTAKE), "/cases/{case}/experts"),
    ("cases.message_file", "GET"): cell(
        reporter_viewer, "/cases/messages/{tip_message}/file"
    ),
    ("cases.record_finding", "POST"): cell(
        case_worker(P.CASE_DECIDE), "/cases/{case}/findings"
    ),
    ("cases.propose_sanction", "POST"): cell(
        case_worker(P.CASE_DECIDE), "/cases/{case}/sanctions"
    ),
    ("cases.withdraw_sanction", "POST"): cell(
        case_worker(P.CASE_DECIDE),
        "/cases/{archived_case}/sanctions/{sanction}/withdraw",
    ),
    ("cases.extend", "POST"): cell(case_worker(P.CASE_DECIDE), "/cases/{case}/extend"),
    ("cases.download_evidence", "GET"): cell(
        case_staff(), "/cases/evidence/{evidence}/download"
    ),
    ("cases.verify_evidence", "POST"): cell(
        case_staff(), "/cases/evidence/{evidence}/verify"
    ),
    ("cases.download_scan", "GET"): cell(
        case_staff(), "/cases/interviews/{interview}/scan"
    ),
    ("cases.download_document", "GET"): cell(
        lambda a: other_case_staff(a) or student_respondent(a),
        "/cases/documents/{document}",
    ),
    ("cases.reports", "GET"): cell(perm(P.CASE_REPORTS), "/cases/reports"),
    ("cases.annual_csv", "GET"): cell(
        perm(P.CASE_REPORTS), "/cases/reports/annual.csv"
    ),
    ("cases.holidays", "GET"): cell(perm(P.CASE_ADMIN), "/cases/holidays"),
    ("cases.holidays", "POST"): cell(perm(P.CASE_ADMIN), "/cases/holidays"),
    ("cases.inbox_read", "POST"): cell(reminder_owner, "/cases/inbox/{reminder}/read"),
    # Cases: the respondent's side.
    ("cases.mine", "GET"): cell(perm(P.SELF_SERVICE), "/cases/mine"),
    ("cases.mine_case", "GET"): cell(own_case, "/cases/mine/{case}"),
    ("cases.mine_draft", "GET"): cell(own_case, "/cases/mine/{archived_case}/draft"),
    ("cases.mine_comment", "POST"): cell(own_case, "/cases/mine/{case}/comment"),
    ("cases.mine_waive", "POST"): cell(own_case, "/cases/mine/{case}/waive"),
    ("cases.mine_appeal", "POST"): cell(own_case, "/cases/mine/{case}/appeal"),
    # Cases: the API.
    ("cases_api.api_list", "GET"): cell(perm(*STAFF), "/api/cases"),
    ("cases_api.api_create", "POST"): cell(perm(P.CASE_INTAKE), "/api/cases"),
    ("cases_api.api_show", "GET"): cell(case_staff(), "/api/cases/{case}"),
    ("cases_api.api_events", "GET"): cell(case_staff(), "/api/cases/{case}/events"),
    ("cases_api.api_documents", "GET"): cell(
        other_case_staff, "/api/cases/{archived_case}/documents"
    ),
    ("cases_api.api_transition", "POST"): cell(
        panel_lead, "/api/cases/{case}/transitions"
    ),
    ("cases_api.api_evidence", "POST"): cell(
        case_worker(P.CASE_INTAKE, P.CASE_INVESTIGATE), "/api/cases/{case}/evidence"
    ),
    ("cases_api.api_respondent", "POST"): cell(
        case_worker(P.CASE_INTAKE), "/api/cases/{case}/respondents"
    ),
    ("cases_api.api_panel", "POST"): cell(
        case_worker(P.CASE_INTAKE), "/api/cases/{case}/panel"
    ),
    ("cases_api.api_conflict", "POST"): cell(
        case_staff(P.CASE_INTAKE), "/api/cases/{case}/conflicts"
    ),
    ("cases_api.api_message", "POST"): cell(
        case_worker(), "/api/cases/{case}/messages"
    ),
    ("cases_api.api_draft", "POST"): cell(panel_lead, "/api/cases/{case}/draft"),
    ("cases_api.api_finding", "POST"): cell(
        case_worker(P.CASE_DECIDE), "/api/cases/{case}/findings"
    ),
    ("cases_api.api_sanction", "POST"): cell(
        case_worker(P.CASE_DECIDE), "/api/cases/{case}/sanctions"
    ),
    ("cases_api.api_extension", "POST"): cell(
        case_worker(P.CASE_DECIDE), "/api/cases/{case}/extensions"
    ),
    ("cases_api.api_mine", "GET"): cell(perm(P.SELF_SERVICE), "/api/cases/mine"),
    ("cases_api.api_comment", "POST"): cell(
        own_case, "/api/cases/mine/{case}/comments"
    ),
    # Tips.
    ("tips.new", "GET"): cell(anyone, "/tips/new"),
    ("tips.new", "POST"): cell(anyone, "/tips/new"),
    ("tips.follow", "GET"): cell(anyone, "/tips/follow"),
    ("tips.follow", "POST"): public_form("/tips/follow"),
    ("tips.case", "GET"): cell(tipster, "/tips/case"),
    ("tips.case", "POST"): cell(tipster, "/tips/case"),
    ("tips.logout", "POST"): public_form("/tips/logout"),
    ("tips.case_file", "GET"): cell(tipster, "/tips/case/files/{tip_message}"),
    ("letters_public.verify_letter", "GET"): cell(anyone, "/public/verify/letter"),
    ("report_verify.verify", "GET"): cell(anyone, "/public/report-verify"),
    ("people.index", "GET"): cell(perm(P.PEOPLE_REGISTER), "/people/"),
    ("people.import_upload", "POST"): cell(perm(P.PEOPLE_REGISTER), "/people/import"),
    ("screening.report_fulltext", "GET"): cell(
        perm(P.SCREEN_SUBMIT, P.SCREEN_VIEW),
        "/screening/submissions/{submission}/fulltext",
    ),
    # Credit.
    ("credit.index", "GET"): cell(perm(P.CREDIT_VIEW), "/credit/"),
    ("credit.check_page", "GET"): cell(
        perm(P.CREDIT_CHECK, P.CREDIT_VIEW),
        "/credit/check?person={university_id}&action=admission",
    ),
    ("credit.file", "GET"): cell(
        perm(P.CREDIT_VIEW),
        "/credit/people/{person}",
        "/credit/people/{person}?tab=dishonesty",
        "/credit/people/{person}?tab=repairs",
    ),
    ("credit.report", "GET"): cell(
        perm(P.CREDIT_VIEW),
        "/credit/people/{person}/report.html",
        "/credit/people/{person}/report.pdf",
    ),
    ("credit.add_honour", "POST"): cell(
        perm(P.CREDIT_MANAGE), "/credit/people/{person}/honours"
    ),
    ("credit.correct", "POST"): cell(
        perm(P.CREDIT_MANAGE), "/credit/records/{credit_record}/correct"
    ),
    ("credit.broken", "POST"): cell(
        perm(P.CREDIT_MANAGE), "/credit/signatures/{signature}/broken"
    ),
    ("credit.sanctions", "GET"): cell(
        perm(P.CREDIT_VIEW, P.CREDIT_MANAGE), "/credit/sanctions"
    ),
    ("credit.repairs", "GET"): cell(perm(P.CREDIT_MANAGE), "/credit/repairs"),
    ("credit.decide", "POST"): cell(
        perm(P.CREDIT_MANAGE), "/credit/repairs/{repair}/decide"
    ),
    ("credit.repair_proof", "GET"): cell(
        perm(P.CREDIT_MANAGE), "/credit/repairs/{repair}/proof"
    ),
    ("credit.commitments", "GET"): cell(perm(P.CREDIT_MANAGE), "/credit/commitments"),
    ("credit.commitment_edit", "GET"): cell(
        perm(P.CREDIT_MANAGE), "/credit/commitments/{template}"
    ),
    ("credit.commitment_edit", "POST"): cell(
        perm(P.CREDIT_MANAGE), "/credit/commitments/{template}"
    ),
    ("credit.rules", "GET"): cell(
        perm(P.CREDIT_VIEW, P.CREDIT_MANAGE), "/credit/rules"
    ),
    ("credit.rule_edit", "GET"): cell(
        perm(P.CREDIT_MANAGE), "/credit/rules/{rule_kind}"
    ),
    ("credit.rule_edit", "POST"): cell(
        perm(P.CREDIT_MANAGE), "/credit/rules/{rule_kind}"
    ),
    ("credit.exports", "GET"): cell(perm(P.CREDIT_EXPORT), "/credit/exports"),
    ("credit.exports", "POST"): cell(perm(P.CREDIT_EXPORT), "/credit/exports"),
    ("credit.export_download", "GET"): cell(
        perm(P.CREDIT_EXPORT), "/credit/exports/{export}/download"
    ),
    ("credit_api.api_check", "GET"): cell(
        perm(P.CREDIT_CHECK, P.CREDIT_VIEW),
        "/api/credit/check?person={university_id}&action=admission",
    ),
    ("credit_api.api_file", "GET"): cell(
        perm(P.CREDIT_VIEW), "/api/credit/people/{university_id}"
    ),
    ("credit_api.api_sanctions", "GET"): cell(
        perm(P.CREDIT_VIEW, P.CREDIT_MANAGE), "/api/credit/sanctions"
    ),
    ("credit_public.sanctions", "GET"): cell(anyone, "/public/sanctions"),
    ("credit_public.verify", "GET"): cell(
        anyone, "/public/verify?number={report_number}&code={report_code}"
    ),
    # The subject's own pages.
    ("me.index", "GET"): cell(perm(P.SELF_SERVICE), "/me/"),
    ("me.sign", "POST"): cell(
        perm(P.SELF_SERVICE), "/me/commitments/{commitment_version}/sign"
    ),
    ("me.repair", "GET"): cell(
        student_respondent, "/me/records/{credit_record}/repair"
    ),
    ("me.repair", "POST"): cell(
        student_respondent, "/me/records/{credit_record}/repair"
    ),
    ("me.report", "GET"): cell(has_credit_subject, "/me/report.html", "/me/report.pdf"),
    # The archive.
    ("archive.index", "GET"): cell(signed_in, "/archive/"),
    ("archive.search", "GET"): cell(
        perm(P.ARCHIVE_SEARCH), "/archive/search?q=档案", "/archive/search?q=封存"
    ),
    ("archive_api.api_search", "GET"): cell(
        perm(P.ARCHIVE_SEARCH),
        "/api/archive/search?q=档案",
        "/api/archive/search?q=封存",
    ),
    ("archive.records", "GET"): cell(perm(P.ARCHIVE_MANAGE), "/archive/records"),
    ("archive.records", "POST"): cell(perm(P.ARCHIVE_MANAGE), "/archive/records"),
    ("archive.import_upload", "POST"): cell(
        perm(P.ARCHIVE_MANAGE), "/archive/records/import"
    ),
    ("archive.record", "GET"): cell(
        perm(P.ARCHIVE_RESEARCH), "/archive/records/{record}"
    ),
    ("archive.download", "GET"): cell(
        perm(P.ARCHIVE_RESEARCH), "/archive/records/{record}/files/{record_file}"
    ),
    ("archive.record_access", "POST"): cell(
        manages_research, "/archive/records/{record}/access"
    ),
    ("archive.record_files", "POST"): cell(
        manages_research, "/archive/records/{record}/files"
    ),
    ("archive.disposal", "GET"): cell(
        perm(P.ARCHIVE_MANAGE, P.ARCHIVE_APPROVE_DISPOSAL), "/archive/disposal"
    ),
    ("archive.disposal_request", "POST"): cell(
        manages_research, "/archive/disposal/request"
    ),
    ("archive.disposal_decide", "POST"): cell(
        perm(P.ARCHIVE_APPROVE_DISPOSAL), "/archive/disposal/{disposal}/decide"
    ),
}

# The same routes asked about other objects: a case file (the respondent's archived case),
# a sealed record, the archived case, and the anonymous tip (no respondent yet: any staff
# may see it, and only CASE_VIEW_REPORTER holders the tipster's contact). Keyed like MATRIX with a suffix naming the object.
OBJECT_CELLS: dict[tuple[str, str, str], Cell] = {
    ("archive.record", "GET", "case-file"): cell(
        archive_case_file, "/archive/records/{case_file}"
    ),
    ("archive.download", "GET", "case-file"): cell(
        archive_case_file, "/archive/records/{case_file}/files/{case_file_file}"
    ),
    ("archive.record_access", "POST", "case-file"): cell(
        archive_case_file, "/archive/records/{case_file}/access"
    ),
    ("archive.record_files", "POST", "case-file"): cell(
        archive_case_file, "/archive/records/{case_file}/files"
    ),
    ("archive.record", "GET", "sealed"): cell(
        nobody, "/archive/records/{sealed_record}"
    ),
    ("cases.show", "GET", "archived-case"): cell(
        other_case_staff,
        "/cases/{archived_case}",
        "/cases/{archived_case}?tab=documents",
    ),
    ("cases.show", "GET", "tip-case"): cell(
        perm(*STAFF), *(url.replace("{case}", "{tip_case}") for url in CASE_TABS)
    ),
    ("cases_api.api_show", "GET", "tip-case"): cell(
        perm(*STAFF), "/api/cases/{tip_case}", "/api/cases/{tip_case}/events"
    ),
    ("cases.mine_case", "GET", "archived-case"): cell(
        own_case, "/cases/mine/{archived_case}"
    ),
}
