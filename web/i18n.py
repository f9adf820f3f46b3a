"""Simplified Chinese first, English selectable.

Templates and code are written in Chinese (the users' language), so Chinese needs no
catalogue and can never fall back to something else. English comes from per-area catalogues
`web/translations/en/*.po`, merged and compiled into the data directory at start-up (one file
per area keeps engineers out of each other's way).
"""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import Blueprint, Flask, redirect, request, session
from flask_babel import get_locale
from flask_babel import gettext as _

from web.extensions import babel

SOURCE_DIR = Path(__file__).resolve().parent / "translations"
LANGUAGES = {"zh": "中文", "en": "English"}
bp = Blueprint("i18n", __name__)


def compile_catalogs(target: Path) -> Path:
    """Merge every `<lang>/*.po` into `<target>/<lang>/LC_MESSAGES/messages.mo`."""
    lang_dirs = (
        sorted(p for p in SOURCE_DIR.iterdir() if p.is_dir())
        if SOURCE_DIR.is_dir()
        else []
    )
    for lang_dir in lang_dirs:
        merged = Catalog(locale=lang_dir.name)
        for po_path in sorted(lang_dir.glob("*.po")):
            with po_path.open("rb") as fh:
                for message in read_po(fh, locale=lang_dir.name):
                    if message.id and message.string:
                        merged[message.id] = message
        out = target / lang_dir.name / "LC_MESSAGES"
        out.mkdir(parents=True, exist_ok=True)
        tmp = out / "messages.mo.tmp"
        with tmp.open("wb") as fh:
            write_mo(fh, merged)
        tmp.replace(out / "messages.mo")
    return target


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
    translations = compile_catalogs(data_dir / "translations")
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(translations)
    app.config["BABEL_DEFAULT_LOCALE"] = "zh"
    app.config["BABEL_DEFAULT_TIMEZONE"] = "Asia/Shanghai"
    babel.init_app(app, locale_selector=select_locale)
