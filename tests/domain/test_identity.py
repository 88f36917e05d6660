from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from copdesk.domain.identity import (
    cnic_digits,
    format_mobile_local,
    normalise_cnic,
    normalise_mobile,
    to_ascii_digits,
)
from copdesk.errors import ValidationError

URDU_DIGITS = "۰۱۲۳۴۵۶۷۸۹"
ARABIC_DIGITS = "٠١٢٣٤٥٦٧٨٩"


def to_urdu(text: str) -> str:
    return text.translate(str.maketrans("0123456789", URDU_DIGITS))


def to_arabic(text: str) -> str:
    return text.translate(str.maketrans("0123456789", ARABIC_DIGITS))


# --- CNIC -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "35202-1234567-1",
        "3520212345671",
        "35202 1234567 1",
        " 35202-1234567-1 ",
        "35202 - 1234567 - 1",
        "35202-12345671",
        "352021234567-1",
        "35202\u20131234567\u20131",  # en dashes pasted from a document
        "\u200f35202-1234567-1\u200f",  # right-to-left marks around it
        to_urdu("35202-1234567-1"),
        to_arabic("3520212345671"),
    ],
)
def test_normalise_cnic_accepts_common_shapes(text: str) -> None:
    assert normalise_cnic(text) == "35202-1234567-1"


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("", "Enter the CNIC"),
        ("   ", "Enter the CNIC"),
        ("35202-1234567", "13 digits"),
        ("352021234567", "13 digits"),
        ("35202-1234567-12", "13 digits"),
        ("35202123456712", "13 digits"),
        ("3520-21234567-1", "dashes go after the 5th and the 12th digit"),
        ("352-021234567-1", "dashes go after"),
        ("35202-123456-71", "dashes go after"),
        ("35202--1234567-1", "dashes go after"),
        ("-35202-1234567-1", "dashes go after"),
        ("35202-1234567-1-", "dashes go after"),
        ("35202-1234567-A", "only contain digits"),
        ("CNIC 35202-1234567-1", "only contain digits"),
        ("35202/1234567/1", "only contain digits"),
        ("35202.1234567.1", "only contain digits"),
        ("00000-0000000-0", "not a real CNIC"),
        ("0000000000000", "not a real CNIC"),
    ],
)
def test_normalise_cnic_rejects_with_clear_message(text: str, fragment: str) -> None:
    with pytest.raises(ValidationError) as info:
        normalise_cnic(text)
    assert fragment in info.value.message
    assert "35202-1234567-1" in info.value.message  # every message shows an example
    assert info.value.field == "cnic"


def test_normalise_cnic_reports_given_field() -> None:
    with pytest.raises(ValidationError) as info:
        normalise_cnic("123", field="witness_cnic")
    assert info.value.field == "witness_cnic"
    assert "this one has 3" in info.value.message


def test_cnic_digits() -> None:
    assert cnic_digits("35202-1234567-1") == "3520212345671"
    assert cnic_digits(to_urdu("35202 1234567 1")) == "3520212345671"
    with pytest.raises(ValidationError):
        cnic_digits("3520-21234567-1")


thirteen_digits = st.text(alphabet="0123456789", min_size=13, max_size=13).filter(lambda s: s != "0" * 13)


@given(thirteen_digits)
def test_any_thirteen_digits_round_trip(digits: str) -> None:
    canonical = normalise_cnic(digits)
    assert canonical == f"{digits[:5]}-{digits[5:12]}-{digits[12]}"
    assert cnic_digits(canonical) == digits
    assert normalise_cnic(canonical) == canonical  # idempotent on its own output
    assert normalise_cnic(to_urdu(canonical)) == canonical
    assert normalise_cnic(to_arabic(digits)) == canonical


@given(st.text(max_size=30))
def test_normalise_cnic_only_raises_validation_error(text: str) -> None:
    try:
        result = normalise_cnic(text)
    except ValidationError as exc:
        assert exc.message
    else:
        assert len(result) == 15
        assert result[5] == "-" and result[13] == "-"
        assert normalise_cnic(result) == result


@given(st.text(alphabet="0123456789", min_size=0, max_size=20).filter(lambda s: len(s) != 13))
def test_wrong_digit_count_is_rejected(digits: str) -> None:
    with pytest.raises(ValidationError):
        normalise_cnic(digits)


# --- mobile ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "03001234567",
        "0300-1234567",
        "0300 1234567",
        "0300 123 4567",
        "+92 300 1234567",
        "+92-300-1234567",
        "+923001234567",
        "923001234567",
        "00923001234567",
        "0092 300 1234567",
        "3001234567",
        "+92 (0) 300 1234567",
        "+92 0300 1234567",
        "(0300) 1234567",
        " 0300-1234567 ",
        to_urdu("0300-1234567"),
        to_arabic("+923001234567"),
        "\uff0b92 300 1234567",  # full-width plus
    ],
)
def test_normalise_mobile_accepts_common_shapes(text: str) -> None:
    assert normalise_mobile(text) == "+923001234567"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("0333-5551234", "+923335551234"),
        ("0345 1112223", "+923451112223"),
        ("0355-1234567", "+923551234567"),
        ("0364-1234567", "+923641234567"),
        ("0311-0000000", "+923110000000"),
    ],
)
def test_normalise_mobile_operator_prefixes(text: str, expected: str) -> None:
    assert normalise_mobile(text) == expected


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("", "Enter a mobile number"),
        ("042-35761234", "landline"),
        ("04235761234", "landline"),
        ("051 9201234", "landline"),
        ("+92 42 35761234", "landline"),
        ("021-99212345", "landline"),
        ("0300-123456", "11 digits"),
        ("0300-12345678", "11 digits"),
        ("0300", "11 digits"),
        ("300123456", "11 digits"),
        ("92300123456", "11 digits"),
        ("0370-1234567", "not a Pakistani mobile network code"),
        ("0390 1234567", "not a Pakistani mobile network code"),
        ("+44 7700 900123", "Only Pakistani"),
        ("0044 7700 900123", "Only Pakistani"),
        ("+1 202 555 0100", "Only Pakistani"),
        ("0300-123456a", "only contain digits"),
        ("0300+1234567", "only contain digits"),
        ("call 0300-1234567", "only contain digits"),
    ],
)
def test_normalise_mobile_rejects_with_clear_message(text: str, fragment: str) -> None:
    with pytest.raises(ValidationError) as info:
        normalise_mobile(text, field="phone")
    assert fragment in info.value.message
    assert "0300-1234567" in info.value.message
    assert info.value.field == "phone"


def test_normalise_mobile_default_field() -> None:
    with pytest.raises(ValidationError) as info:
        normalise_mobile("12")
    assert info.value.field == "mobile"


def test_format_mobile_local() -> None:
    assert format_mobile_local("+923001234567") == "0300-1234567"
    assert format_mobile_local("+923551234567") == "0355-1234567"
    with pytest.raises(ValidationError):
        format_mobile_local("+924235761234")


national_mobiles = st.builds(
    lambda second, rest: "3" + second + rest,
    st.sampled_from("0123456"),
    st.text(alphabet="0123456789", min_size=8, max_size=8),
)


@given(
    national_mobiles,
    st.sampled_from(["0{a}-{b}", "0{a}{b}", "+92 {a} {b}", "92{a}{b}", "0092{a}{b}", "{a}{b}"]),
)
def test_mobile_round_trip(national: str, shape: str) -> None:
    text = shape.format(a=national[:3], b=national[3:])
    e164 = normalise_mobile(text)
    assert e164 == "+92" + national
    assert normalise_mobile(e164) == e164
    assert normalise_mobile(to_urdu(text)) == e164
    local = format_mobile_local(e164)
    assert local == f"0{national[:3]}-{national[3:]}"
    assert normalise_mobile(local) == e164


@given(st.text(max_size=25))
def test_normalise_mobile_only_raises_validation_error(text: str) -> None:
    try:
        result = normalise_mobile(text)
    except ValidationError as exc:
        assert exc.message
    else:
        assert result.startswith("+923") and len(result) == 13 and result[1:].isdigit()


def test_to_ascii_digits() -> None:
    assert to_ascii_digits("۰۱۲۳۴۵۶۷۸۹") == "0123456789"
    assert to_ascii_digits("٠١٢٣٤٥٦٧٨٩") == "0123456789"
    assert to_ascii_digits("abc\u200b-") == "abc-"
