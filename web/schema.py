"""Every model module of every package, loaded together: the whole schema in one metadata.

The web layer is the one place allowed to import all packages, so the list of model
modules lives here, as plain imports; a package that gains models adds its module here.
Tests, `chengxin db revision` and schema checks build on `load_models()`.
"""

from __future__ import annotations

from sqlalchemy import MetaData

import archive.corpus.models
import archive.kernel.accounts
import archive.kernel.audit
import archive.kernel.calendar
import archive.kernel.files
import archive.kernel.people
import archive.kernel.scheduler
import archive.records.models
import archive.search.models
import archive.submissions.models
import casework.credit.models
import casework.models
from archive.kernel.db import Base

MODEL_MODULES = (
    archive.kernel.accounts,
    archive.kernel.audit,
    archive.kernel.calendar,
    archive.kernel.scheduler,
    archive.kernel.people,
    archive.kernel.files,
    archive.records.models,
    archive.search.models,
    archive.corpus.models,
    archive.submissions.models,
    casework.models,
    casework.credit.models,
)


def load_models() -> MetaData:
    """The shared metadata, with every model module above imported."""
    return Base.metadata
