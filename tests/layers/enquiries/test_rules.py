"""The enquiry rules: lengths, email syntax, NFC, control characters."""

from __future__ import annotations

import unicodedata

import pytest

from layers.enquiries.rules import EnquiryRejected, check_enquiry, valid_email

GOOD = {
    "name": "Nguyễn Văn An",
    "company": "",
    "email": "an@example.vn",
    "message": "Xin báo giá lô đất 5 ha.",
}


def check(**changes):
    return check_enquiry({**GOOD, **changes}, parcel_id="p-1", park_id="a")


def reasons(**changes) -> dict[str, str]:
    with pytest.raises(EnquiryRejected) as caught:
        check(**changes)
    return caught.value.errors


def test_a_good_enquiry_passes_trimmed():
    draft = check(name="  Kim  ", message="  hello there, 10+ chars \r\nbye  ")
    assert draft.name == "Kim"
    assert draft.message == "hello there, 10+ chars \nbye"
    assert (draft.parcel_id, draft.park_id, draft.company) == ("p-1", "a", "")


def test_text_is_stored_nfc():
    decomposed = unicodedata.normalize("NFD", "Nguyễn")
    assert check(name=decomposed).name == unicodedata.normalize("NFC", "Nguyễn")


def test_lengths_count_characters_after_nfc():
    name = unicodedata.normalize("NFD", "ễ" * 120)  # 360 code points before NFC
    assert len(check(name=name).name) == 120


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"name": ""}, {"name": "required"}),
        ({"name": "   "}, {"name": "required"}),
        ({"name": "x" * 121}, {"name": "too_long"}),
        ({"company": "c" * 201}, {"company": "too_long"}),
        ({"message": "too short"}, {"message": "too_short"}),
        ({"message": "m" * 5001}, {"message": "too_long"}),
        ({"message": ""}, {"message": "required"}),
        ({"email": ""}, {"email": "required"}),
        ({"email": "no-at-sign"}, {"email": "email"}),
        ({"name": "Kim\x00"}, {"name": "control"}),
        ({"name": "Kim\nLee"}, {"name": "control"}),
        ({"company": "evil\u202eoc"}, {"company": "control"}),
        ({"message": "ring the bell \x07 please"}, {"message": "control"}),
        ({"name": 5}, {"name": "not_text"}),
        ({"email": ["a@b.c"]}, {"email": "not_text"}),
    ],
)
def test_each_bad_field_is_named(changes, expected):
    assert reasons(**changes) == expected


def test_every_bad_field_is_named_at_once():
    errors = reasons(name="", email="x", message="short")
    assert list(errors) == ["name", "email", "message"]


def test_the_message_keeps_line_breaks_and_tabs():
    assert check(message="line one\n\tline two").message == "line one\n\tline two"


def test_missing_fields_are_required_but_company_is_optional():
    with pytest.raises(EnquiryRejected) as caught:
        check_enquiry({}, parcel_id="p", park_id=None)
    assert caught.value.errors == {
        "name": "required",
        "email": "required",
        "message": "required",
    }
    assert caught.value.field == "name"


@pytest.mark.parametrize(
    "address",
    [
        "a@b.co",
        "first.last+tag@sub.example.com",
        "kim@회사.한국",
        "o'brien@example.ie",
    ],
)
def test_valid_addresses(address: str):
    assert valid_email(address)


@pytest.mark.parametrize(
    "address",
    [
        "plain",
        "@example.com",
        "a@",
        "a@localhost",
        "a b@example.com",
        "a..b@example.com",
        ".a@example.com",
        "a@-example.com",
        "a@example..com",
        "a@1.2.3.4",
        "<script>@x.y",
        "a@b.c@d.e",
        "x" * 65 + "@example.com",
        "a@" + "b" * 64 + ".com",
    ],
)
def test_invalid_addresses(address: str):
    assert not valid_email(address)
