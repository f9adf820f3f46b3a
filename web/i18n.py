"""Simplified Chinese first, English selectable.

Templates and code are written in Chinese (the users' language), so Chinese needs no
catalogue and can never fall back to something else. English comes from per-area catalogues
`web/translations/en/*.po`, merged and compiled into the data directory at start-up (one file
per area keeps engineers out of each other's way).
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import tempfile
from pathlib import Path
from typing import Any

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import Blueprint, Flask, g, has_request_context, redirect, request, session
from flask_babel import get_locale, get_translations
from flask_babel import gettext as _
from jinja2 import pass_eval_context
from jinja2.nodes import EvalContext
from markupsafe import Markup, escape

from web.extensions import babel

log = logging.getLogger(__name__)
SOURCE_DIR = Path(__file__).resolve().parent / "translations"
LANGUAGES = {"zh": "中文", "en": "English"}
bp = Blueprint("i18n", __name__)


def _catalog_sources() -> list[tuple[str, list[Path]]]:
    """(language, its .po files) for every language directory, sorted."""
    if not SOURCE_DIR.is_dir():
        return []
    return [
        (lang.name, sorted(lang.glob("*.po")))
        for lang in sorted(p for p in SOURCE_DIR.iterdir() if p.is_dir())
    ]


def _sources_digest(sources: list[tuple[str, list[Path]]]) -> str:
    """A short hash of every catalogue's name and bytes: one compiled copy per version."""
    digest = hashlib.sha256()
    for lang, paths in sources:
        for path in paths:
            digest.update(f"{lang}/{path.name}\0".encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def compile_catalogs(target: Path) -> Path:
    """Merge every `<lang>/*.po` into `<target>/<digest>/<lang>/LC_MESSAGES/messages.mo`.

    Safe with many processes starting at once (gunicorn -w 4): a version already compiled is
    reused, and each process writes its own temporary file and renames it into place, so no
    process ever reads or renames another's half-written file. Returns the directory to give
    Flask-Babel.
    """
    sources = _catalog_sources()
    out_dir = target / _sources_digest(sources)
    for lang, paths in sources:
        out = out_dir / lang / "LC_MESSAGES"
        final = out / "messages.mo"
        if final.exists():
            continue
        merged = Catalog(locale=lang)
        for po_path in paths:
            with po_path.open("rb") as fh:
                for message in read_po(fh, locale=lang):
                    if message.id and message.string:
                        merged[message.id] = message
        out.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=out, prefix=".messages-", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as fh:
                write_mo(fh, merged)
            os.replace(tmp, final)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
    return out_dir


def _compiled_translations(data_dir: Path) -> Path:
    """Compile into the data directory; if it cannot be written (a full disk), into a
    private temporary directory, so the site still starts and can say what is wrong."""
    try:
        return compile_catalogs(data_dir / "translations")
    except OSError as exc:
        log.warning(
            "cannot write translations under %s (%s): using a temp dir", data_dir, exc
        )
        return compile_catalogs(Path(tempfile.mkdtemp(prefix="chengxin-translations-")))


def select_locale() -> str:
    """The language chosen in this browser session, else Chinese."""
    lang = session.get("lang")
    return lang if lang in LANGUAGES else "zh"


def current_language() -> str:
    """ "zh" or "en", for templates and PDF renderers."""
    return "en" if str(get_locale() or "zh").startswith("en") else "zh"


# Domain errors read "中文说明 (English explanation)" so that logs and the JSON API carry
# both; a page shows the half in the reader's language.
_BILINGUAL = re.compile(
    r"^(?P<zh>.*?[^\x00-\x7f].*?)[\s。.]*[(（](?P<en>[A-Za-z][^()（）]*)[)）]\s*[。.]?$",
    re.S,
)


def in_language(message: str | None) -> str:
    """The half of a bilingual message in the reader's language (the whole when one-sided)."""
    text = str(message or "")
    match = _BILINGUAL.match(text)
    if match is None:
        return _(text) if text else text
    if current_language() == "en":
        en = match.group("en").strip()
        return en[:1].upper() + en[1:]
    return match.group("zh").strip()


def numbered(text: str | None) -> str:
    """A stored sentence with one number ("自受理之日起 6 个月") in the reader's language:
    the catalogue holds it with the number as %(n)s."""
    text = str(text or "")
    numbers = re.findall(r"\d+", text)
    if len(numbers) != 1:
        return _(text) if text else text
    return _(re.sub(r"\d+", "%(n)s", text), n=numbers[0])


@bp.route("/lang/<code>")
def set_language(code: str):  # type: ignore[no-untyped-def]
    """Switch language and go back where the user was."""
    if code in LANGUAGES:
        session["lang"] = code
    target = request.referrer or "/"
    if not target.startswith(request.host_url):
        target = "/"
    return redirect(target)


def init_app(app: Flask, data_dir: Path) -> None:
    """Compile catalogues and wire Flask-Babel with our locale selector."""
    translations = _compiled_translations(data_dir)
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(translations)
    app.config["BABEL_DEFAULT_LOCALE"] = "zh"
    app.config["BABEL_DEFAULT_TIMEZONE"] = "Asia/Shanghai"
    babel.init_app(app, locale_selector=select_locale)
    app.jinja_env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=_gettext, ngettext=_ngettext, newstyle=True
    )


def _as_text(eval_ctx: EvalContext, text: str) -> str | Markup:
    """A translation is text, never markup: Jinja's i18n marks `_(...)` safe, so a
    `_(value)` over user data (a unit named `<meta …>`) would land raw without this."""
    return escape(text) if eval_ctx.autoescape else text


def _translations() -> Any:
    """The request's catalogue, looked up once per request: a results page asks for a
    hundred or more strings, and Flask-Babel's lookup is most of each one's cost."""
    if not has_request_context():
        return get_translations()
    found = g.get("translations")
    if found is None:
        found = g.translations = get_translations()
    return found


@pass_eval_context
def _gettext(eval_ctx: EvalContext, message: str) -> str | Markup:
    """`_()` in templates: the translation, escaped."""
    return _as_text(eval_ctx, _translations().ugettext(message))


@pass_eval_context
def _ngettext(
    eval_ctx: EvalContext, singular: str, plural: str, n: int
) -> str | Markup:
    """`ngettext()` in templates: the translation, escaped."""
    return _as_text(eval_ctx, _translations().ungettext(singular, plural, n))
