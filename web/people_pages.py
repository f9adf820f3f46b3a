"""The people register page: import an export (preview first), see what the register holds.

A preview keeps the uploaded file in the data directory under a random token, so the
office confirms exactly the file it previewed without choosing it again.
"""

from __future__ import annotations

import re
import secrets
import time
from pathlib import Path
from typing import Any

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _

from archive.kernel.accounts import Permission
from archive.kernel.errors import InvalidInput
from archive.kernel.people import (
    PERSON_KIND_LABELS,
    PersonKind,
    id_number_for,
    search_people,
)
from archive.kernel.people_register import import_register, register_counts
from web.auth import permission_required, signed_in_user
from web.db import get_session

bp = Blueprint("people", __name__, url_prefix="/people")
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
KIND_CHOICES = (
    ("", "按表格列判断"),
    ("student", "学生"),
    ("teacher", "教师"),
    ("staff", "职工"),
    ("unit", "单位"),
)


STAGED_SECONDS = 24 * 3600


def _staging() -> Path:
    """The folder of previewed uploads; previews never confirmed are removed after a day
    (they hold ID numbers)."""
    folder = current_app.extensions["chengxin"].settings.data_dir / "people-imports"
    folder.mkdir(parents=True, exist_ok=True)
    cutoff = time.time() - STAGED_SECONDS
    for old in folder.iterdir():
        if old.is_file() and old.stat().st_mtime < cutoff:
            old.unlink(missing_ok=True)
    return folder


def _staged(token: str) -> Path | None:
    if not _TOKEN.match(token):
        return None
    matches = list(_staging().glob(f"{token}.*"))
    return matches[0] if matches else None


@bp.route("/")
@permission_required(Permission.PEOPLE_REGISTER)
def index() -> Any:
    """The register's figures, a search, and the import form."""
    db = get_session()
    user = signed_in_user()
    query = request.args.get("q", "").strip()
    people = search_people(db, query, limit=50) if query else []
    return render_template(
        "people/index.html",
        counts=register_counts(db),
        kind_labels=PERSON_KIND_LABELS,
        kinds=list(PersonKind),
        query=query,
        people=[(p, id_number_for(None, p)) for p in people],
        kind_choices=KIND_CHOICES,
        user=user,
    )


@bp.route("/import", methods=["POST"])
@permission_required(Permission.PEOPLE_REGISTER)
def import_upload() -> Any:
    """Preview an upload (stored under a token), or import a previewed file."""
    db = get_session()
    kind_code = request.form.get("kind", "")
    kind = PersonKind(kind_code) if kind_code in {k.value for k in PersonKind} else None
    token = request.form.get("token", "")
    if token:
        path = _staged(token)
        if path is None:
            flash(_("预览已过期，请重新选择文件"), "error")
            return redirect(url_for("people.index"))
        name = request.form.get("filename", path.name)
        data = path.read_bytes()
        dry_run = False
    else:
        upload = request.files.get("sheet")
        if upload is None or not upload.filename:
            flash(_("请选择 CSV 或 Excel 表格"), "error")
            return redirect(url_for("people.index"))
        name = Path(upload.filename.replace("\\", "/")).name
        data = upload.read()
        dry_run = True
    try:
        report = import_register(
            db,
            actor=signed_in_user(),
            data=data,
            filename=name,
            kind=kind,
            dry_run=dry_run,
        )
    except InvalidInput as exc:
        db.rollback()
        flash(exc.message, "error")
        return redirect(url_for("people.index"))
    if dry_run:
        token = secrets.token_urlsafe(18)
        suffix = Path(name).suffix.lower() if Path(name).suffix else ".csv"
        (_staging() / f"{token}{suffix[:8]}").write_bytes(data)
    elif path is not None:
        path.unlink(missing_ok=True)
    return render_template(
        "people/import.html",
        report=report,
        token=token if dry_run else "",
        kind=kind_code,
        kind_labels=PERSON_KIND_LABELS,
    )
