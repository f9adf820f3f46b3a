"""The JSON API's OpenAPI 3 description, served at /api/openapi.json.

Paths and methods come from the app's own routes (every rule under /api/), so the
description cannot name a route that does not exist; what each operation takes and answers
is written here, per endpoint, and a test fails when an API route has no entry (or an entry
no route). Schemathesis reads this description to scan the running API.
"""

from __future__ import annotations

import re
from typing import Any

from flask import Flask

JSON = "application/json"
OBJ: dict[str, Any] = {"type": "object"}
INT = {"type": "integer"}
#: Row ids are 32-bit on PostgreSQL; larger ones are out of range, not "not found".
ID = {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}
STR = {"type": "string"}
BOOL = {"type": "boolean"}
ERROR = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message"],
            "properties": {"code": STR, "message": STR, "details": OBJ},
        }
    },
}
#: Statuses every operation may answer besides its success: refusals by category
#: (web/errors.py), an oversized body, the rate limit.
ERROR_STATUSES = ("400", "401", "403", "404", "409", "413", "422", "429", "503")


def _obj(required: tuple[str, ...] = (), **props: Any) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "object", "properties": props}
    if required:
        schema["required"] = list(required)
    return schema


def _multipart(**props: Any) -> dict[str, Any]:
    return {"content": {"multipart/form-data": {"schema": _obj(**props)}}}


def _json_body(schema: dict[str, Any]) -> dict[str, Any]:
    return {"required": True, "content": {JSON: {"schema": schema}}}


def _query(*names: str, required: tuple[str, ...] = ()) -> list[dict[str, Any]]:
    types = {"page": INT, "per_page": INT}
    return [
        {
            "name": n,
            "in": "query",
            "required": n in required,
            "schema": types.get(n, STR),
        }
        for n in names
    ]


VERSIONED = {"expected_version": ID}
FILE = {"type": "string", "format": "binary"}
CASE = _obj(
    ("id", "number", "state", "version"), id=INT, number=STR, state=STR, version=INT
)

#: endpoint → (success status, success schema, extra operation fields).
OPERATIONS: dict[str, tuple[str, dict[str, Any], dict[str, Any]]] = {
    "api.health": (
        "200",
        _obj(("database",), database=STR, queue=STR),
        {"security": []},
    ),
    "api.csrf_token": ("200", _obj(("csrf_token",), csrf_token=STR), {"security": []}),
    "api.me": (
        "200",
        _obj(
            ("username", "roles", "permissions"),
            id=INT,
            username=STR,
            display_name=STR,
            roles={"type": "array", "items": STR},
            permissions={"type": "array", "items": STR},
        ),
        {},
    ),
    "cases_api.api_list": ("200", OBJ, {"parameters": _query("state", "q")}),
    "cases_api.api_create": (
        "201",
        CASE,
        {
            "requestBody": _json_body(
                _obj(
                    ("title", "allegation"),
                    title=STR,
                    allegation=STR,
                    source=STR,
                    reporter=OBJ,
                    respondents={"type": "array", "items": OBJ},
                )
            )
        },
    ),
    "cases_api.api_show": ("200", CASE, {}),
    "cases_api.api_events": ("200", OBJ, {}),
    "cases_api.api_documents": ("200", OBJ, {}),
    "cases_api.api_mine": (
        "200",
        _obj(("cases",), cases={"type": "array", "items": OBJ}),
        {},
    ),
    "cases_api.api_transition": (
        "200",
        _obj(("id", "state", "version"), id=INT, state=STR, version=INT),  # or CASE
        {
            "requestBody": _json_body(
                _obj(("to", "expected_version"), to=STR, reason=STR, **VERSIONED)
            )
        },
    ),
    "cases_api.api_evidence": (
        "201",
        _obj(("id", "sha256"), id=INT, sha256=STR, title=STR),
        {"requestBody": _multipart(file=FILE, title=STR, expected_version=STR)},
    ),
    "cases_api.api_draft": (
        "201",
        _obj(("id", "sha256"), id=INT, sha256=STR),
        {"requestBody": _multipart(file=FILE, expected_version=STR)},
    ),
    "cases_api.api_respondent": (
        "201",
        CASE,
        {
            "requestBody": _json_body(
                _obj(
                    ("expected_version", "name"),
                    name=STR,
                    kind=STR,
                    university_id=STR,
                    unit=STR,
                    role_note=STR,
                    **VERSIONED,
                )
            )
        },
    ),
    "cases_api.api_panel": (
        "201",
        CASE,
        {
            "requestBody": _json_body(
                _obj(
                    ("expected_version", "user_id"),
                    user_id=ID,
                    is_lead=BOOL,
                    **VERSIONED,
                )
            )
        },
    ),
    "cases_api.api_conflict": (
        "201",
        CASE,
        {
            "requestBody": _json_body(
                _obj(
                    ("expected_version",),
                    user_id=ID,
                    relation=STR,
                    person_id=ID,
                    note=STR,
                    **VERSIONED,
                )
            )
        },
    ),
    "cases_api.api_message": (
        "201",
        _obj(("id", "thread"), id=INT, thread=STR),
        {
            "requestBody": _json_body(
                _obj(
                    ("expected_version", "body"),
                    thread=STR,
                    body=STR,
                    is_question=BOOL,
                    **VERSIONED,
                )
            )
        },
    ),
    "cases_api.api_finding": (
        "201",
        CASE,
        {
            "requestBody": _json_body(
                _obj(
                    ("expected_version", "party_id", "finding"),
                    party_id=ID,
                    finding=STR,
                    misconduct_type=STR,
                    facts=STR,
                    is_serious=BOOL,
                    **VERSIONED,
                )
            )
        },
    ),
    "cases_api.api_sanction": (
        "201",
        _obj(
            ("id", "code"),
            id=INT,
            code=STR,
            months={"type": "integer", "nullable": True},
        ),
        {
            "requestBody": _json_body(
                _obj(
                    ("expected_version", "party_id", "code"),
                    party_id=ID,
                    code=STR,
                    months=INT,
                    note=STR,
                    **VERSIONED,
                )
            )
        },
    ),
    "cases_api.api_extension": (
        "201",
        _obj(("new_due_on",), new_due_on=STR),
        {
            "requestBody": _json_body(
                _obj(
                    ("expected_version", "new_due_on", "reason"),
                    new_due_on={"type": "string", "format": "date"},
                    reason=STR,
                    **VERSIONED,
                )
            )
        },
    ),
    "cases_api.api_comment": (
        "201",
        OBJ,
        {
            "requestBody": _json_body(
                _obj(("expected_version", "body"), body=STR, **VERSIONED)
            )
        },
    ),
    "screening_api.api_create_batch": (
        "201",
        _obj(("id",), id=INT),
        {
            "requestBody": _json_body(
                _obj(name=STR, compare_peers=BOOL, min_match_chars=INT)
            )
        },
    ),
    "screening_api.api_batch": ("200", _obj(("id",), id=INT), {}),
    "screening_api.api_add_files": (
        "201",
        _obj(("submissions",), submissions={"type": "array", "items": OBJ}),
        {"requestBody": _multipart(files={"type": "array", "items": FILE}, file=FILE)},
    ),
    "screening_api.api_refused": (
        "201",
        _obj(("submissions",), submissions={"type": "array", "items": OBJ}),
        {"requestBody": _json_body(_obj(("name",), name=STR, size=INT, reason=STR))},
    ),
    "screening_api.api_submission": ("200", _obj(("id",), id=INT), {}),
    "screening_api.api_report": ("200", OBJ, {}),
    "screening_api.api_options": (
        "200",
        OBJ,
        {
            "requestBody": _json_body(
                _obj(
                    exclude=OBJ,
                    restore={"type": "array", "items": STR},
                    restore_all=BOOL,
                    min_match_chars=INT,
                )
            )
        },
    ),
    "credit_api.api_check": (
        "200",
        _obj(("person", "allowed"), person=STR, allowed=BOOL),
        {"parameters": _query("person", "action", "on", required=("person", "action"))},
    ),
    "credit_api.api_file": ("200", OBJ, {}),
    "credit_api.api_sanctions": ("200", OBJ, {"parameters": _query("state")}),
    "archive_api.api_search": (
        "200",
        OBJ,
        {
            "parameters": _query(
                "q", "within", "sort", "page", "per_page", "type", "unit", "year"
            )
        },
    ),
    "api.openapi": ("200", OBJ, {"security": []}),
}

_PARAM = re.compile(r"<(?:(\w+):)?(\w+)>")


def _path_of(rule: str) -> tuple[str, list[dict[str, Any]]]:
    """/api/cases/<int:case_id> → /api/cases/{case_id} and its path parameters."""
    params = [
        {
            "name": name,
            "in": "path",
            "required": True,
            "schema": ID if conv == "int" else STR,
        }
        for conv, name in _PARAM.findall(rule)
    ]
    return _PARAM.sub(lambda m: "{" + m.group(2) + "}", rule), params


def _operation(endpoint: str, doc: str, params: list[dict[str, Any]]) -> dict[str, Any]:
    status, schema, extra = OPERATIONS[endpoint]
    responses: dict[str, Any] = {
        status: {"description": "success", "content": {JSON: {"schema": schema}}}
    }
    for code in ERROR_STATUSES:
        responses[code] = {
            "description": "refused",
            "content": {JSON: {"schema": ERROR}},
        }
    op: dict[str, Any] = {
        "operationId": endpoint.replace(".", "_"),
        "summary": (doc or endpoint).strip().split("\n")[0][:120],
        "responses": responses,
    }
    op.update({k: v for k, v in extra.items() if k != "parameters"})
    all_params = params + extra.get("parameters", [])
    if all_params:
        op["parameters"] = all_params
    return op


def api_rules(app: Flask) -> list[tuple[str, str, str]]:
    """(rule, method, endpoint) of every JSON API route."""
    return sorted(
        (rule.rule, method, rule.endpoint)
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/")
        for method in sorted(rule.methods or ())
        if method not in ("HEAD", "OPTIONS")
    )


def build_spec(app: Flask) -> dict[str, Any]:
    """The OpenAPI 3.0 document of this app's JSON API."""
    paths: dict[str, dict[str, Any]] = {}
    for rule, method, endpoint in api_rules(app):
        path, params = _path_of(rule)
        doc = app.view_functions[endpoint].__doc__ or ""
        paths.setdefault(path, {})[method.lower()] = _operation(endpoint, doc, params)
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "诚信 chengxin API",
            "version": "1",
            "description": "Screening, cases, credit and archive. Authenticate with an API "
            "token (`chengxin users token` or /account/tokens) as a bearer token.",
        },
        "components": {
            "securitySchemes": {"token": {"type": "http", "scheme": "bearer"}}
        },
        "security": [{"token": []}],
        "paths": paths,
    }
