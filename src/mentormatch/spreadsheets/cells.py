"""One value in one cell: how the exports write it and how an import reads it back.

Spreadsheet programs run a cell that starts with `=`, `+`, `-` or `@` (or a tab or carriage
return before one) as a formula: text written out is *neutralised* with a leading
apostrophe, and an import takes that apostrophe off again, so an export imports unchanged.
Reading is forgiving of what people type: yes/no in several spellings, US and ISO dates,
lists separated by `;` or `,`, vocabulary labels as well as codes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from mentormatch import vocabulary as v

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
LIST_SEPARATOR = "; "


def neutralise(text: str) -> str:
    """Text a spreadsheet program shows as text, never runs as a formula."""
    return "'" + text if text.startswith(FORMULA_START) else text


def unneutralise(text: str) -> str:
    """The text an export neutralised, as it was."""
    return text[1:] if text.startswith("'") and text[1:].startswith(FORMULA_START) else text


def cell(value: Any) -> Any:
    """A value as an export writes it: numbers stay numbers, everything else safe text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, int | float):
        return value
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M UTC")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return neutralise(LIST_SEPARATOR.join(str(item) for item in value))
    return neutralise(str(value))


def slots_text(slots: Iterable[dict[str, int]]) -> str:
    """Weekly availability as people write it: 'Mon 18-21; Sat 9-12'."""
    return LIST_SEPARATOR.join(
        f"{v.DAY_NAMES[s['day']]} {s['start_hour']}-{s['end_hour']}" for s in slots
    )


# ---- reading -------------------------------------------------------------------------

TRUE_WORDS = frozenset({"yes", "y", "true", "t", "1", "x", "si", "sí"})
FALSE_WORDS = frozenset({"no", "n", "false", "f", "0", ""})


class CellProblem(ValueError):
    """A cell that cannot be read, said in a coordinator's words."""


def text(raw: str) -> str:
    """A cell's text: the export's apostrophe taken off, spaces around it trimmed."""
    return unneutralise(raw.strip()).strip()


def yes_no(raw: str) -> bool:
    word = text(raw).lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise CellProblem(f"{text(raw)!r} is not yes or no (write Yes, No, Y, N, TRUE, FALSE, 1 or 0)")


_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00)?)?")
_US = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4}|\d{2})")


def iso_date(raw: str) -> str:
    """A date written 2024-03-01 or 3/1/2024 (US: month first), as YYYY-MM-DD."""
    value = text(raw)
    try:
        if m := _ISO.fullmatch(value):
            return date(int(m[1]), int(m[2]), int(m[3])).isoformat()
        if m := _US.fullmatch(value):
            year = int(m[3]) + (2000 if len(m[3]) == 2 else 0)
            if len(m[3]) == 2 and year > date.today().year:
                year -= 100
            return date(year, int(m[1]), int(m[2])).isoformat()
    except ValueError as exc:
        raise CellProblem(f"{value!r} is not a real date") from exc
    raise CellProblem(f"{value!r} is not a date (write 2024-03-01 or 3/1/2024)")


def items(raw: str) -> list[str]:
    """The entries of a list cell: 'AA; NA', 'en, es' (blank entries dropped)."""
    return [part.strip() for part in re.split(r"[;,\n]", text(raw)) if part.strip()]


def _key(word: str) -> str:
    return re.sub(r"[\s_\-./]+", " ", word.casefold()).strip()


# Words people write for a vocabulary code, besides the code and its label.
EXTRA_WORDS: dict[str, dict[str, str]] = {
    "pathway": {
        "aa": "twelve_step", "na": "twelve_step", "ca": "twelve_step", "cma": "twelve_step",
        "12 step": "twelve_step", "twelve step": "twelve_step", "smart": "smart_recovery",
        "refuge recovery": "recovery_dharma", "celebrate recovery": "faith_based",
        "lifering": "secular", "sos": "secular", "mat": "medication_supported",
        "moud": "medication_supported", "undecided": "exploring",
    },
    "gender": {
        "female": "woman", "f": "woman", "w": "woman", "male": "man", "m": "man",
        "non binary": "nonbinary", "nb": "nonbinary", "another": "other",
    },
    "mode": {"in person": "in_person", "video": "video", "zoom": "video", "phone": "phone",
             "text": "text", "chat": "text", "sms": "text"},
    "medication": {"": "none", "no": "none"},
    "substance": {"crack": "cocaine", "meth": "methamphetamine", "benzos": "benzodiazepines"},
    "contact": {"sms": "text", "call": "phone"},
}  # fmt: skip
VOCABULARIES: dict[str, tuple[v.Term, ...]] = {
    "pathway": v.PATHWAYS,
    "gender": v.GENDERS,
    "mode": v.MEETING_MODES,
    "medication": v.MEDICATIONS,
    "substance": v.SUBSTANCES,
    "experience": v.LIVED_EXPERIENCE,
    "language": v.LANGUAGES,
    "contact": v.CONTACT_METHODS,
}
_WORDS: dict[str, dict[str, str]] = {
    name: {
        **{_key(t.label): t.code for t in terms},
        **{_key(t.code): t.code for t in terms},
        **{_key(w): code for w, code in EXTRA_WORDS.get(name, {}).items()},
    }
    for name, terms in VOCABULARIES.items()
}


def code(vocabulary: str, word: str) -> str:
    """The vocabulary code a word stands for ('AA' -> twelve_step); unknown words unchanged,
    so the schema's own check names them."""
    return _WORDS[vocabulary].get(_key(word), word.strip())


def codes(vocabulary: str, raw: str) -> list[str]:
    """A list cell's codes, each once, in the order written."""
    return list(dict.fromkeys(code(vocabulary, word) for word in items(raw)))


_SLOT = re.compile(r"([A-Za-z]{3})[a-z]*\.?\s+(\d{1,2})\s*-\s*(\d{1,2})")


def slots(raw: str) -> list[dict[str, int]]:
    """Weekly availability written 'Mon 18-21; Sat 9-12'."""
    found = []
    for part in items(raw):
        m = _SLOT.fullmatch(part)
        day = m[1].title() if m else ""
        if m is None or day not in v.DAY_NAMES:
            raise CellProblem(f"{part!r} is not a weekly time (write e.g. 'Mon 18-21')")
        found.append(
            {"day": v.DAY_NAMES.index(day), "start_hour": int(m[2]), "end_hour": int(m[3])}
        )
    return found


def number(raw: str) -> float | int:
    value = text(raw)
    try:
        as_float = float(value)
    except ValueError as exc:
        raise CellProblem(f"{value!r} is not a number") from exc
    return int(as_float) if as_float.is_integer() else as_float
