"""Personal numbers shown only as far as needed (PIPL: ID numbers are sensitive personal information).

Lists, search results, the due panel and slips show `1101**********002X` and `139****4321`; the full
value only on the case detail after a click, audited (app.cases.personal_data).
"""

from __future__ import annotations


def mask_id(number: str) -> str:
    """The first four and last four characters (region and check digit: enough to recognise it)."""
    if len(number) <= 8:
        return number
    return number[:4] + "*" * (len(number) - 8) + number[-4:]


def mask_phone(phone: str) -> str:
    """A mobile as 139****4321; a landline keeps its area code and last four digits."""
    digits = phone.strip()
    if len(digits) <= 7:
        return digits
    return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]
