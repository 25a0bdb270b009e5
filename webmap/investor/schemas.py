"""JSON Schemas of the enquiry form: what it takes and what it answers."""

from __future__ import annotations

from typing import Any

from webmap.core.openapi import JSON
from webmap.core.schemas import enum, every
from webmap.investor.enquiry import HONEYPOT


def schemas() -> dict[str, Any]:
    """The component schemas of the investors' JSON answers."""
    return {"EnquiryReceived": every(status=enum("received"))}


def enquiry_body() -> dict[str, Any]:
    """The Request Body Object of an enquiry: a form or a JSON object."""
    fields = {
        "name": {"type": "string", "minLength": 1, "maxLength": 120},
        "company": {"type": "string", "maxLength": 200},
        "email": {"type": "string", "format": "email", "maxLength": 254},
        "message": {"type": "string", "minLength": 10, "maxLength": 5000},
        HONEYPOT: {
            "type": "string",
            "maxLength": 0,
            "description": "Leave empty: hidden from people, a filled one marks "
            "the post as spam (answered as received, then dropped).",
        },
    }
    schema = {
        "type": "object",
        "required": ["name", "email", "message"],
        "properties": fields,
    }
    return {
        "required": True,
        "content": {
            "application/x-www-form-urlencoded": {"schema": schema},
            JSON: {"schema": schema},
        },
    }
