"""Phone numbers, checked as phone numbers (libphonenumber's metadata, shipped offline).

A number written with a leading + is read with its own country code; any other is read as a
number of the installation's country (`Settings.country`, US by default). What is stored is
what the person typed (trimmed): the check only refuses what cannot be a real number.
"""

from __future__ import annotations

import phonenumbers

from mentormatch.config import get_settings
from mentormatch.i18n import N_

MESSAGE = N_(
    "is not a phone number we can call: give the full number with its area code, "
    "or +country code for a number abroad"
)


def region() -> str:
    """The country whose numbers are written without a +country code."""
    return get_settings().country


def check(value: str) -> str:
    """`value` unchanged if it is a valid phone number, else ValueError saying why."""
    try:
        number = phonenumbers.parse(value, region())
    except phonenumbers.NumberParseException:
        raise ValueError(MESSAGE) from None
    if not phonenumbers.is_valid_number(number):
        raise ValueError(MESSAGE)
    return value
