"""Every model module of every package, loaded together for migrations and checks.

Alembic must see the whole schema; the web layer is the one place allowed to import all
packages, so the list lives here. Add a module when a package gains models.
"""

from __future__ import annotations

import importlib
import importlib.util

from sqlalchemy import MetaData

from archive.db import Base

MODEL_MODULES = (
    "archive.accounts",
    "archive.audit",
    "archive.scheduler",
    "archive.people",
    "archive.files",
    "archive.records",
    "archive.corpus",
    "archive.submissions",
    "casework.models",
    "casework.credit.models",
)


def module_exists(name: str) -> bool:
    """True when `name` can be imported (its parent packages exist and it is there)."""
    try:
        return importlib.util.find_spec(name) is not None
    except ModuleNotFoundError:
        return False


def load_models() -> MetaData:
    """Import every model module that exists and return the shared metadata."""
    for name in MODEL_MODULES:
        if module_exists(name):
            importlib.import_module(name)
    return Base.metadata
