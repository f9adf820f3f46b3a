"""Flask extensions shared by every blueprint (objects only; `create_app` binds them)."""

from __future__ import annotations

from flask_babel import Babel
from flask_wtf.csrf import CSRFProtect

csrf = CSRFProtect()
babel = Babel()
