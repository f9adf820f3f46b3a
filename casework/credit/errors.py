"""Credit's exact errors; each subclasses a category of `archive.kernel.errors`."""

from __future__ import annotations

from archive.kernel.errors import Conflict, InvalidInput, NotFound


class RecordImmutable(Conflict):
    """A credit record, event, signature, grade or export row cannot be changed or removed."""


class CreditRecordNotFound(NotFound):
    """No such credit record (or the actor may not see it)."""


class TemplateNotFound(NotFound):
    """No such commitment template or version."""


class RuleSetNotFound(NotFound):
    """No such evaluation rule set."""


class InvalidRules(InvalidInput):
    """Evaluation rules that are not valid JSON or miss a required key."""


class RepairNotFound(NotFound):
    """No such repair application."""


class RepairTooEarly(Conflict):
    """The minimum period has not passed; `details["possible_on"]` is the first possible day."""


class RecordNotRepairable(Conflict):
    """The record cannot be repaired (catalogue, lifetime ban, or not a dishonesty record)."""


class RepairAlreadyApplied(Conflict):
    """The record already has an open or approved repair application."""


class RepairConditionsNotMet(InvalidInput):
    """Obligations not met or no repair commitment signed."""


class RepairAlreadyDecided(Conflict):
    """The application was already approved or refused."""


class ReportNotFound(NotFound):
    """No credit report with this number and verification code."""


class UnknownAction(InvalidInput):
    """The supervision check was asked about an action it does not know."""


class SubjectNotFound(NotFound):
    """No credit subject with this id or 工号/学号."""


class NumberNotInRegister(NotFound):
    """A 工号/学号 the people register does not hold: most likely a typo, so it is not
    answered as a clean record."""
