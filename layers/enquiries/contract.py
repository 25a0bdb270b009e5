"""What a store offers investors' enquiries: ``EnquiryStore``."""

from __future__ import annotations

from typing import Protocol

from layers.enquiries.rules import Enquiry, EnquiryDraft, EnquiryPage, RateLimit


class EnquiryStore(Protocol):
    """Investors' enquiries about parcels (``store.enquiries``)."""

    def add(self, draft: EnquiryDraft, limit: RateLimit | None = None) -> Enquiry:
        """Store one checked enquiry as one transaction, numbered and dated (UTC).

        Args:
            draft: the enquiry (``layers.enquiries.rules.check_enquiry``).
            limit: at most ``limit.count`` enquiries with the draft's ``client``
                within ``limit.window_s`` seconds; None for no limit.

        Returns:
            The stored enquiry.

        Raises:
            TooManyEnquiries: the client used its allowance; nothing written.
            StoreUnavailable: the store stayed locked (a long build).
        """
        ...

    def page(self, limit: int = 50, offset: int = 0) -> EnquiryPage:
        """Stored enquiries, newest first, one page, and how many in all.

        Raises:
            ValueError: limit outside 0..MAX_LIMIT or a negative offset.
        """
        ...
