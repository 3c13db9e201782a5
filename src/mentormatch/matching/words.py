"""The pieces of the matching's sentences (reasons, rule messages, hours in common) that a
language writes its own way inside them: a vocabulary label in running text, a day's name,
a list joined by commas. Each is `i18n.Words`: the English as a `str` (the ranker's API and
tests read it), translated when a page shows it."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Literal

from babel.core import Locale
from babel.lists import format_list

from mentormatch.i18n import DEFAULT_LOCALE, Words, translate
from mentormatch.vocabulary import DAY_NAMES

Style = Literal["lower", "name", "short"]


def _styled(label: str, style: Style, code: str) -> str:
    """A label as running text writes it: 'lower' lower-cases it (keeping an acronym such
    as 'SMART Recovery' or 'LGBTQ+'); 'name' is a language's name, capitalised in English
    only ('both speak Spanish', 'ambos hablan español'); 'short' keeps the label as it is,
    before its parenthesis ('12-step (AA, NA…)' gives '12-step')."""
    if style == "short":
        return label.split(" (")[0]
    if label[:2].isupper() or (style == "name" and code == DEFAULT_LOCALE):
        return label
    return label.lower()


class Term(Words):
    """A vocabulary label inside a sentence: 'both in recovery from alcohol'."""

    style: Style

    def __new__(cls, label: str, style: Style = "lower") -> Term:
        made = str.__new__(cls, _styled(label, style, DEFAULT_LOCALE))
        made.template, made.plural, made.values, made.style = label, None, {}, style
        return made

    def in_language(self, code: str) -> str:
        if code == DEFAULT_LOCALE:
            return str.__str__(self)
        return _styled(translate(self.template, code), self.style, code)

    def __reduce__(self) -> tuple[Any, ...]:
        return (Term, (self.template, self.style))


class Day(Words):
    """A day of the week: abbreviated in English as the service always wrote it ('Tue'),
    named in full in another language, as Babel's calendar data writes it ('martes')."""

    day: int

    def __new__(cls, day: int) -> Day:
        made = str.__new__(cls, DAY_NAMES[day])
        made.template, made.plural, made.values, made.day = DAY_NAMES[day], None, {}, day
        return made

    def in_language(self, code: str) -> str:
        if code == DEFAULT_LOCALE:
            return str.__str__(self)
        return str(Locale.parse(code).days["format"]["wide"][self.day])

    def __reduce__(self) -> tuple[Any, ...]:
        return (Day, (self.day,))


class Series(Words):
    """Words joined by a separator in every language ('veteran, parent'): a list whose
    last item is not set apart by 'and' (for that, `i18n.Listed`)."""

    items: tuple[str, ...]
    separator: str

    def __new__(cls, items: Iterable[str], separator: str = ", ") -> Series:
        kept = tuple(items)
        made = str.__new__(cls, separator.join(kept))
        made.template, made.plural, made.values = str.__str__(made), None, {}
        made.items, made.separator = kept, separator
        return made

    def in_language(self, code: str) -> str:
        if code == DEFAULT_LOCALE:
            return str.__str__(self)
        return self.separator.join(translate(item, code) for item in self.items)

    def __reduce__(self) -> tuple[Any, ...]:
        return (Series, (self.items, self.separator))


class Joined(Words):
    """Words joined by 'and' or 'or' between each in English, as the service always wrote
    them ('woman or non-binary'), and the language's own way in another ('mujer o no
    binario', Babel's list patterns)."""

    items: tuple[str, ...]
    conjunction: Literal["and", "or"]

    def __new__(cls, items: Iterable[str], conjunction: Literal["and", "or"]) -> Joined:
        kept = tuple(items)
        made = str.__new__(cls, f" {conjunction} ".join(kept))
        made.template, made.plural, made.values = str.__str__(made), None, {}
        made.items, made.conjunction = kept, conjunction
        return made

    def in_language(self, code: str) -> str:
        if code == DEFAULT_LOCALE or not self.items:
            return str.__str__(self)
        words = [translate(item, code) for item in self.items]
        if self.conjunction == "or":
            return format_list(words, "or", locale=code)
        return format_list(words, locale=code)

    def __reduce__(self) -> tuple[Any, ...]:
        return (Joined, (self.items, self.conjunction))
