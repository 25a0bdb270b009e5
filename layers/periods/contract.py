"""What a store offers reporting periods: ``PeriodStore``."""

from __future__ import annotations

from typing import Protocol

from layers.periods.rules import Period, PeriodDraft, Revision


class PeriodStore(Protocol):
    """Reporting periods and their revisions (``store.periods``)."""

    def periods(self, include_drafts: bool = False) -> list[Period]:
        """Periods at their latest revision, oldest end date first.

        Args:
            include_drafts: also the drafts (admins' pages); otherwise published only.
        """
        ...

    def get(self, period_id: str, revision: int | None = None) -> Period:
        """One period, at its latest revision or at ``revision``.

        Raises:
            PeriodNotFound: no such period or revision.
        """
        ...

    def latest(self) -> Period | None:
        """The published period with the latest end date; None if none is."""
        ...

    def save_draft(
        self, draft: PeriodDraft, user: str, base_revision: int | None = None
    ) -> Period:
        """Create a draft or replace a draft's values, in one transaction.

        Args:
            draft: the checked figures.
            user: who saves it.
            base_revision: the revision the editor read; None to create a new
                period (refused as stale if one with that id exists).

        Raises:
            PeriodPublished: that period is published (correct it instead).
            StalePeriod: the draft changed since ``base_revision`` (or exists).
        """
        ...

    def publish(self, period_id: str, user: str) -> Period:
        """Publish a draft as it stands.

        Raises:
            PeriodNotFound, PeriodPublished.
        """
        ...

    def correct(
        self,
        draft: PeriodDraft,
        reason: str,
        user: str,
        base_revision: int,
    ) -> Period:
        """A new revision of a published period, with a reason; earlier kept.

        Raises:
            PeriodNotFound, PeriodNotPublished, StalePeriod;
            ValueError: an empty reason.
        """
        ...

    def history(self, period_id: str) -> list[Revision]:
        """Every revision of a period, first first.

        Raises:
            PeriodNotFound.
        """
        ...

    def delete_draft(self, period_id: str, user: str) -> None:
        """Remove a draft (never a published period).

        Raises:
            PeriodNotFound, PeriodPublished.
        """
        ...
