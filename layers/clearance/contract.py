"""What a store offers the clearance tracker: ``ClearanceStore``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any, NamedTuple, Protocol

from layers.clearance.rules import AuditRecord, Clearance


class Edit(NamedTuple):
    """One parcel's change within ``update_many`` (the arguments of ``update``)."""

    parcel_id: str
    base_version: int
    changes: dict[str, Any]
    reason: str = ""


class ClearanceStore(Protocol):
    """Clearance records and their audit trail (``store.clearance``)."""

    def records(self, park_id: str | None = None) -> list[Clearance]:
        """Every tracked parcel's record (of one park), by parcel id."""
        ...

    def record(self, parcel_id: str) -> Clearance:
        """One parcel's record.

        Raises:
            ParcelNotTracked: the parcel has no record.
        """
        ...

    def history(
        self, parcel_id: str | None = None, park_id: str | None = None
    ) -> list[AuditRecord]:
        """Accepted changes (of one parcel or park), oldest first.

        Raises:
            ParcelNotTracked: ``parcel_id`` is given and has no record.
        """
        ...

    def at(self, when: dt.datetime) -> list[Clearance]:
        """Every tracked parcel as it stood at ``when`` (an aware datetime)."""
        ...

    def update(
        self,
        parcel_id: str,
        base_version: int,
        changes: dict[str, Any],
        user: str,
        reason: str = "",
    ) -> tuple[Clearance, AuditRecord | None]:
        """Apply one change as one transaction and append its audit record.

        Args:
            parcel_id: the parcel.
            base_version: the version the change was made from.
            changes: new values of some of ``layers.clearance.rules.EDITABLE``.
            user: who makes it (kept in the audit record).
            reason: why; required for a skipped or backward stage.

        Returns:
            The record after the change and its audit record, or (current, None)
            when the change changes nothing.

        Raises:
            ParcelNotTracked: no such parcel under clearance.
            StaleEdit: ``base_version`` is not the current version; nothing written.
            EditRejected: a value breaks a rule; names the field.
            StoreUnavailable: the store stayed locked (a long build).
        """
        ...

    def update_many(
        self, edits: Sequence[Edit], user: str
    ) -> list[tuple[Clearance, AuditRecord | None]]:
        """Apply every edit in one transaction, each audited as ``update`` does.

        All or nothing: the first edit that ``update`` would refuse refuses them
        all. Two edits of one parcel are applied in order, so the second must be
        based on the version the first makes.

        Returns:
            Per edit, in order, what ``update`` returns.

        Raises:
            ParcelNotTracked, StaleEdit, EditRejected: as ``update``; nothing is
                written.
            StoreUnavailable: the store stayed locked (a long build).
        """
        ...
