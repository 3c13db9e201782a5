"""Languages of the interface (issue 18): gettext catalogs and each language's dates.

English is written in the code and templates themselves (the msgids); every other
language is a catalog, `locales/<code>/LC_MESSAGES/messages.po`, found at start-up and
compiled in memory (no `.mo` file is kept in the repository or needed at install). Adding
a language is adding its catalog (docs/languages.md).

Python strings shown to people are marked with `N_` where they are defined (vocabulary
labels, form messages, crisis resources) so `pybabel extract -k N_` finds them, and are
translated where they are shown (a template's `|t` filter, or `translate`).
"""

from __future__ import annotations

import gettext
from collections.abc import Iterable
from datetime import date, datetime
from functools import cache
from io import BytesIO
from pathlib import Path
from typing import Any, Final

from babel.core import Locale
from babel.dates import format_date, format_datetime, format_skeleton
from babel.lists import format_list
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from babel.support import Translations

LOCALES_DIR: Final = Path(__file__).resolve().parent / "locales"
DEFAULT_LOCALE: Final = "en"
DOMAIN: Final = "messages"

# Dates as each language writes them (Babel patterns); a language without its own uses
# Babel's medium and long formats for it. English keeps the service's "5 Jan 2027".
_SHORT_DATE: Final = {"en": "d MMM y"}
_LONG_DATE: Final = {"en": "d MMMM y"}


def N_(message: str) -> str:
    """Mark words for the catalog where they are defined; they are translated when shown."""
    return message


class Words(str):
    """Words written in Python with values in them, translatable when shown.

    As a `str` it is the English ("both in recovery from alcohol"), so logs, the API and
    English pages need nothing more; `translate(words, code)` translates the template (the
    catalog's msgid) and then fills the values, each translated in turn when it is `Words`
    itself. Write them with `said()` or `said_n()`, which `pybabel extract` finds.
    """

    template: str
    plural: str | None
    values: dict[str, Any]

    def __new__(cls, template: str, plural: str | None = None, /, **values: Any) -> Words:
        chosen = plural if plural is not None and values.get("count") != 1 else template
        made = super().__new__(cls, chosen % values if values else chosen)
        made.template, made.plural, made.values = template, plural, values
        return made

    def in_language(self, code: str) -> str:
        """The words in the language, values included."""
        if code == DEFAULT_LOCALE:
            return str.__str__(self)
        catalog = translations(code)
        if self.plural is not None:
            text = catalog.ngettext(self.template, self.plural, int(self.values["count"]))
        else:
            text = catalog.gettext(self.template)
        if not self.values:
            return text
        return text % {name: value.in_language(code) if isinstance(value, Words) else value
                       for name, value in self.values.items()}  # fmt: skip

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild, (type(self), self.template, self.plural, self.values))


def _rebuild(kind: type[Words], template: str, plural: str | None, values: dict[str, Any]) -> Any:
    return kind(template, plural, **values)


class Listed(Words):
    """Several words as one: 'alcohol and opioids', 'alcohol y opioides'."""

    items: tuple[str, ...]

    def __new__(cls, items: Iterable[str]) -> Listed:
        kept = tuple(items)
        english = kept[0] if len(kept) == 1 else ", ".join(kept[:-1]) + " and " + kept[-1]
        made = str.__new__(cls, english if kept else "")
        made.template, made.plural, made.values, made.items = english, None, {}, kept
        return made

    def in_language(self, code: str) -> str:
        if code == DEFAULT_LOCALE or not self.items:
            return str.__str__(self)
        return format_list([translate(item, code) for item in self.items], locale=code)

    def __reduce__(self) -> tuple[Any, ...]:
        return (Listed, (self.items,))


def said(template: str, /, **values: Any) -> Words:
    """Words with values: `said("both speak %(language)s", language=label)`; the template is
    the catalog's msgid, so write its values as `%(name)s`."""
    return Words(template, None, **values)


def said_n(singular: str, plural: str, count: int, /, **values: Any) -> Words:
    """Words that depend on a number (`%(count)s` in them): 'the mentor who fits', 'the 2
    mentors who fit' — translated with the language's plural forms."""
    return Words(singular, plural, count=count, **values)


def _catalog_path(code: str) -> Path:
    return LOCALES_DIR / code / "LC_MESSAGES" / f"{DOMAIN}.po"


@cache
def locales() -> tuple[str, ...]:
    """The interface's languages: English, then every language with a catalog, by code."""
    found = sorted(p.parent.parent.name for p in LOCALES_DIR.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))
    return (DEFAULT_LOCALE, *(code for code in found if code != DEFAULT_LOCALE))


@cache
def translations(code: str) -> gettext.NullTranslations:
    """The language's translations, compiled from its catalog once (English: none needed)."""
    if code == DEFAULT_LOCALE or code not in locales():
        return gettext.NullTranslations()
    with _catalog_path(code).open("rb") as po:
        catalog = read_po(po, locale=code, domain=DOMAIN)
    compiled = BytesIO()
    write_mo(compiled, catalog)  # fuzzy entries stay out, as msgfmt leaves them
    compiled.seek(0)
    return Translations(compiled, domain=DOMAIN)


def translate(text: str, code: str) -> str:
    """Words in the language (unchanged when its catalog has no translation for them);
    `Words` with their values translated too."""
    if isinstance(text, Words):
        return text.in_language(code)
    return translations(code).gettext(text) if text else text


def knows(text: str, code: str) -> bool:
    """Whether the language's catalog translates these words (`Words`: its template), even
    where the translation reads the same as the English ("Mentor")."""
    if code == DEFAULT_LOCALE:
        return True
    template = text.template if isinstance(text, Words) and not isinstance(text, Listed) else text
    catalog: dict[Any, str] = getattr(translations(code), "_catalog", {})
    return template in catalog or (template, 0) in catalog


def language_name(code: str) -> str:
    """A language named in itself, as a switch shows it: 'English', 'Español'."""
    name = Locale.parse(code).get_display_name(code) or code
    return name[:1].upper() + name[1:]


def negotiate(header: str | None) -> str | None:
    """The first language of an Accept-Language header the interface speaks, by weight
    ('es-MX,es;q=0.9,en;q=0.8' gives 'es'); None when it names none of them."""
    weighted: list[tuple[float, int, str]] = []
    for position, part in enumerate((header or "").split(",")):
        tag, _, params = part.strip().partition(";")
        weight = 1.0
        if params.strip().startswith("q="):
            try:
                weight = float(params.strip()[2:])
            except ValueError:
                weight = 0.0
        primary = tag.strip().split("-")[0].lower()
        if primary in locales() and weight > 0:
            weighted.append((-weight, position, primary))
    return min(weighted)[2] if weighted else None


def short_date(value: date, code: str) -> str:
    """'5 Jan 2027' in English, '5 ene 2027' in Spanish."""
    return format_date(value, _SHORT_DATE.get(code, "medium"), locale=code)


def long_date(value: date, code: str) -> str:
    """'5 January 2027' in English, '5 de enero de 2027' in Spanish."""
    return format_date(value, _LONG_DATE.get(code, "long"), locale=code)


def format_day(value: date, pattern: str, code: str) -> str:
    """A day with a Babel pattern in the language ('EEE dd MMM y': 'Thu 12 Nov 2026')."""
    return format_date(value, pattern, locale=code)


def month_year(value: date, code: str) -> str:
    """A month as the language names it: 'January 2027', 'enero de 2027'."""
    return format_skeleton("yMMMM", value, locale=code)


def decimal(value: float, code: str, pattern: str = "0.00") -> str:
    """A number with the language's decimal mark: '0.85' in English, '0,85' in Spanish."""
    return format_decimal(value, pattern, locale=code)


def moment(value: datetime, pattern: str, code: str) -> str:
    """A moment with a Babel pattern in the language ('EEE d MMM y, HH:mm')."""
    return format_datetime(value, pattern, tzinfo=value.tzinfo, locale=code)
