"""Pakistani identity numbers: CNIC and mobile numbers.

Both are typed by clerks in many shapes (with or without dashes or spaces, with Urdu digits, with or without
the +92 country code). These functions accept the common shapes, reject everything else with a message a
clerk can act on, and return one canonical form for storage and comparison.
"""

from __future__ import annotations

import re

from copdesk.errors import ValidationError

__all__ = [
    "cnic_digits",
    "format_mobile_local",
    "normalise_cnic",
    "normalise_mobile",
    "to_ascii_digits",
]

_CNIC_EXAMPLE = "35202-1234567-1"
_MOBILE_EXAMPLE = "0300-1234567"

# Arabic-Indic (U+0660..U+0669), Extended Arabic-Indic / Urdu (U+06F0..U+06F9) and full-width digits.
_DIGIT_TABLE: dict[int, str] = {}
for _base in (0x0660, 0x06F0, 0xFF10):
    for _i in range(10):
        _DIGIT_TABLE[_base + _i] = str(_i)
# Dash look-alikes that arrive by copy and paste (hyphen, non-breaking hyphen, figure dash, en/em dash,
# minus sign, full-width hyphen-minus).
for _dash in ("\u2010", "\u2011", "\u2012", "\u2013", "\u2014", "\u2212", "\uff0d"):
    _DIGIT_TABLE[ord(_dash)] = "-"
_DIGIT_TABLE[ord("\uff0b")] = "+"  # full-width plus
# Invisible characters that sneak in with copy and paste (zero-width, bidi marks, BOM).
for _cp in (*range(0x200B, 0x2010), 0x061C, 0x2066, 0x2067, 0x2068, 0x2069, 0xFEFF, *range(0x202A, 0x202F)):
    _DIGIT_TABLE[_cp] = ""


def to_ascii_digits(text: str) -> str:
    """Map Urdu/Arabic-Indic and full-width digits to ASCII and drop invisible formatting characters."""
    return text.translate(_DIGIT_TABLE)


_SEP = r"(?:\s*-\s*|\s+)"
_CNIC_SHAPE = re.compile(rf"[0-9]{{5}}{_SEP}?[0-9]{{7}}{_SEP}?[0-9]")
_CNIC_ALLOWED = re.compile(r"[0-9\s-]+")


def normalise_cnic(text: str, field: str = "cnic") -> str:
    """Return the CNIC in `text` as `#####-#######-#`, or raise ValidationError.

    Accepts 13 digits with or without dashes (or spaces) after the 5th and 12th digits; Urdu digits are fine.
    """
    raw = to_ascii_digits(text).strip()
    if not raw:
        raise ValidationError(f"Enter the CNIC number, like {_CNIC_EXAMPLE}", field=field)
    if not _CNIC_ALLOWED.fullmatch(raw):
        raise ValidationError(f"CNIC can only contain digits and dashes, like {_CNIC_EXAMPLE}", field=field)
    digits = re.sub(r"[^0-9]", "", raw)
    if len(digits) != 13:
        raise ValidationError(
            f"CNIC must have 13 digits, like {_CNIC_EXAMPLE} (this one has {len(digits)})", field=field
        )
    if not _CNIC_SHAPE.fullmatch(raw):
        raise ValidationError(f"CNIC dashes go after the 5th and the 12th digit, like {_CNIC_EXAMPLE}", field=field)
    if digits == "0" * 13:
        raise ValidationError(f"00000-0000000-0 is not a real CNIC; enter a CNIC like {_CNIC_EXAMPLE}", field=field)
    return f"{digits[:5]}-{digits[5:12]}-{digits[12]}"


def cnic_digits(cnic: str) -> str:
    """Return the 13 digits of a CNIC (any accepted shape) without dashes; ValidationError if invalid."""
    return normalise_cnic(cnic).replace("-", "")


_MOBILE_ALLOWED = re.compile(r"\+?[0-9\s\-().]+")
_NATIONAL_MOBILE = re.compile(r"3[0-6][0-9]{8}")


def _national_number(digits: str, had_plus: bool) -> str | None:
    """Strip the country code and trunk zero from `digits`; None when the number is for another country."""
    if had_plus:
        if not digits.startswith("92"):
            return None
        rest = digits[2:]
    elif digits.startswith("0092"):
        rest = digits[4:]
    elif digits.startswith("00"):
        return None
    elif digits.startswith("92") and len(digits) >= 11:
        rest = digits[2:]
    else:
        rest = digits
    # "+92 0300 1234567" and "0300 1234567": drop the trunk zero.
    if rest.startswith("0"):
        rest = rest[1:]
    return rest


def normalise_mobile(text: str, field: str = "mobile") -> str:
    """Return the Pakistani mobile number in `text` as E.164 (`+923001234567`), or raise ValidationError.

    Accepts `03001234567`, `0300-1234567`, `0300 1234567`, `+92 300 1234567`, `923001234567`,
    `00923001234567`, `3001234567` and the same with Urdu digits.
    """
    raw = to_ascii_digits(text).strip()
    if not raw:
        raise ValidationError(f"Enter a mobile number, like {_MOBILE_EXAMPLE}", field=field)
    if not _MOBILE_ALLOWED.fullmatch(raw):
        raise ValidationError(
            f"A mobile number can only contain digits (and a + at the start), like {_MOBILE_EXAMPLE}",
            field=field,
        )
    digits = re.sub(r"[^0-9]", "", raw)
    national = _national_number(digits, raw.startswith("+"))
    if national is None:
        raise ValidationError(
            f"Only Pakistani mobile numbers (+92) can be used; enter it like {_MOBILE_EXAMPLE}", field=field
        )
    if _NATIONAL_MOBILE.fullmatch(national):
        return "+92" + national
    if national.startswith("3") and len(national) == 10:
        raise ValidationError(
            f"0{national[:3]} is not a Pakistani mobile network code; "
            f"mobile numbers start with 030 to 036, like {_MOBILE_EXAMPLE}",
            field=field,
        )
    if national[:1] in tuple("12456789") and len(national) >= 8:
        raise ValidationError(
            f"This looks like a landline number; enter a mobile number starting with 03, like {_MOBILE_EXAMPLE}",
            field=field,
        )
    raise ValidationError(f"A mobile number must have 11 digits starting with 03, like {_MOBILE_EXAMPLE}", field=field)


def format_mobile_local(e164: str) -> str:
    """Format a mobile number for display the way Pakistanis write it: `0300-1234567`.

    Accepts the canonical `+923001234567` (or any shape `normalise_mobile` accepts).
    """
    national = normalise_mobile(e164)[3:]
    return f"0{national[:3]}-{national[3:]}"
