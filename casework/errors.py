"""Casework's exact errors; each subclasses a category of `archive.kernel.errors`."""

from __future__ import annotations

from typing import Any

from archive.kernel.errors import Conflict, InvalidInput, NotFound, PermissionDenied


class CaseNotFound(NotFound):
    """No such case (or the actor may not know it exists)."""


class InvalidTransition(Conflict):
    """The move is not in the transition table from the case's current state."""


class TransitionBlocked(Conflict):
    """The move is allowed in principle but a precondition is not met yet (panel, findings…)."""


class StaleCase(Conflict):
    """Someone changed the case since the form was loaded (optimistic version check)."""


class ReasonRequired(InvalidInput):
    """This step needs written reasons."""


class NotOnPanel(PermissionDenied):
    """Only a member (or the lead) of the case's investigation panel may do this."""


class RecusalRequired(Conflict):
    """The person has a conflict of interest with a party and cannot be assigned."""


class EvidenceRefused(InvalidInput):
    """An upload of a type the system does not accept, empty, or too large."""


class EvidenceImmutable(Conflict):
    """Attached evidence, events and messages are never changed or removed (supersede them)."""

    @classmethod
    def for_row(cls, obj: Any) -> EvidenceImmutable:
        """The error for a flush that changes or deletes the append-only row `obj`."""
        return cls(
            "已附卷的材料不能修改或删除，只能以新材料替代 "
            "(attached records cannot be changed or removed, only superseded)",
            entity=obj.__tablename__,
            entity_id=getattr(obj, "id", None),
        )


class InvalidSanction(InvalidInput):
    """A sanction not in the catalogue, or not applicable to this kind of respondent."""


class TipAccessDenied(NotFound):
    """Receipt code or password wrong; deliberately says nothing about which, or whether a case exists."""


class LetterNotFound(NotFound):
    """No letter with this number and check code (one answer for either being wrong)."""


class ScreeningUnavailable(InvalidInput):
    """The screening module (archive.submissions.services) is not installed, or the submission has no report."""
