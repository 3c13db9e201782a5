"""The pages' templates in each language, and the language a request is shown in.

One Jinja environment per language (`jinja2.ext.i18n` with that language's catalog), built
at import, so a page's words never depend on what another request is doing: `render`
picks the environment of the request's language. A person chooses the language with the
switch on every page (`?lang=es`, then remembered in the `mm_lang` cookie); without a
choice, the browser's Accept-Language decides; English is the default (docs/languages.md).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, Final
from urllib.parse import parse_qsl, urlencode, urlsplit
from zoneinfo import ZoneInfo

from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader, pass_environment, select_autoescape
from markupsafe import Markup, escape
from starlette.requests import Request

from mentormatch import i18n
from mentormatch import vocabulary as v
from mentormatch.errors import Invalid
from mentormatch.web import forms, people
from mentormatch.web.labels import label

TEMPLATES_DIR: Final = Path(__file__).resolve().parent / "templates"
LANG_COOKIE: Final = "mm_lang"
LANG_PARAM: Final = "lang"


def _code(env: Environment) -> str:
    return str(env.globals["locale"])


def waited(since: datetime | None, now: datetime | None = None, code: str = "en") -> str:
    """'3 days', '5 hours', 'under an hour': how long someone has waited."""
    if since is None:
        return ""
    words = i18n.translations(code)
    hours = int(((now or datetime.now(UTC)) - since).total_seconds() // 3600)
    if hours < 1:
        return words.gettext("under an hour")
    if hours < 48:
        return words.ngettext("%(num)d hour", "%(num)d hours", hours) % {"num": hours}
    days = hours // 24
    return words.ngettext("%(num)d day", "%(num)d days", days) % {"num": days}


def day_date(value: datetime | None, code: str = "en") -> str:
    """'12 Nov 2026, 14:05 UTC'."""
    if value is None:
        return ""
    at = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    return i18n.moment(at, "dd MMM y, HH:mm 'UTC'", code)


def zoned(value: datetime | None, zone: str, code: str = "en") -> str:
    """'Thu 12 Nov 2026, 09:05 (Eastern (New York) time)': a moment in someone's own zone."""
    if value is None:
        return ""
    local = i18n.moment(value.astimezone(ZoneInfo(zone)), "EEE dd MMM y, HH:mm", code)
    place = i18n.translate(forms.zone_name(zone), code)
    words = i18n.translate(i18n.N_("%(moment)s (%(zone)s time)"), code)
    return words % {"moment": local, "zone": place}


@pass_environment
def _waited(env: Environment, since: datetime | None, now: datetime | None = None) -> str:
    return waited(since, now, _code(env))


@pass_environment
def _day_date(env: Environment, value: datetime | None) -> str:
    return day_date(value, _code(env))


@pass_environment
def _zoned(env: Environment, value: datetime | None, zone: str) -> str:
    return zoned(value, zone, _code(env))


@pass_environment
def _long_date(env: Environment, value: date) -> str:
    return i18n.long_date(value, _code(env))


@pass_environment
def _short_date(env: Environment, value: date) -> str:
    return i18n.short_date(value, _code(env))


@pass_environment
def _weekday_date(env: Environment, value: date) -> str:
    """'Thu 12 Nov 2026'."""
    return i18n.format_day(value, "EEE dd MMM y", _code(env))


@pass_environment
def _day_month(env: Environment, value: date) -> str:
    """'12 Nov'."""
    return i18n.format_day(value, "dd MMM", _code(env))


@pass_environment
def _padded_date(env: Environment, value: date) -> str:
    """'05 Jan 2027'."""
    return i18n.format_day(value, "dd MMM y", _code(env))


@pass_environment
def _month_year(env: Environment, value: date) -> str:
    """'January 2027', 'enero de 2027'."""
    return i18n.month_year(value, _code(env))


@pass_environment
def _whole(env: Environment, value: int) -> str:
    """A count with the language's grouping: '12,345' in English, '12.345' in Spanish."""
    return i18n.decimal(value, _code(env), "#,##0")


@pass_environment
def _decimal(env: Environment, value: float, pattern: str = "0.00") -> str:
    """A score with two decimals (or the pattern's) as the language writes it: '0.85',
    '0,85'; `|decimal("0.000")` for three."""
    return i18n.decimal(value, _code(env), pattern)


@pass_environment
def _label(env: Environment, code: str | None, kind: str | None = None) -> str:
    return i18n.translate(label(code, kind), _code(env))


@pass_environment
def _labels(env: Environment, codes: Iterable[str] | None, kind: str | None = None) -> str:
    return ", ".join(_label(env, c, kind) for c in codes or []) or "—"


@pass_environment
def _milestone(env: Environment, milestone: Any) -> str:
    """A recovery milestone's words ('90 days', '2 years') in the page's language."""
    words = i18n.translations(_code(env))
    if milestone.years:
        return words.ngettext("%(num)d year", "%(num)d years", milestone.years) % {
            "num": milestone.years
        }
    return words.gettext(milestone.words)


@pass_environment
def _translated(env: Environment, text: Any) -> str:
    """`{{ words|t }}`: words written in Python (a setting, a message) in the page's
    language; plain text, escaped like any other value (never trusted as markup)."""
    return i18n.translate(_words(text), _code(env)) if text is not None else ""


def _words(text: Any) -> str:
    """The text as a `str`, keeping `i18n.Words` (and its values) as they are."""
    return text if isinstance(text, str) else str(text)


@pass_environment
def _lang_if_english(env: Environment, text: Any) -> Markup:
    """`<p{{ words|lang_if_english }}>`: ` lang="en"` when words written in Python (a
    service's error, a record's title) have no translation in the page's language, so the
    page says truthfully which of its words are English (and the no-English check, like a
    screen reader, knows them). Markup: an attribute, not text to escape."""
    code = _code(env)
    if (
        code == i18n.DEFAULT_LOCALE
        or text is None
        or i18n.translate(_words(text), code) != text
        or i18n.knows(text, code)
    ):
        return Markup("")
    return Markup(' lang="en"')


@pass_environment
def _t_or_english(env: Environment, text: Any) -> Markup:
    """`{{ words|t_or_english }}`: words in the page's language, or, without a translation,
    as written, inside `<span lang="en">` (for words set inside a sentence)."""
    if text is None:
        return Markup("")
    marked = _lang_if_english(env, text)
    shown = escape(_translated(env, text))
    return Markup(f"<span{marked}>{shown}</span>") if marked else Markup(shown)


FILTERS: Final = {
    "label": _label,
    "labels": _labels,
    "waited": _waited,
    "day_date": _day_date,
    "zoned": _zoned,
    "long_date": _long_date,
    "short_date": _short_date,
    "weekday_date": _weekday_date,
    "day_month": _day_month,
    "padded_date": _padded_date,
    "decimal": _decimal,
    "whole": _whole,
    "month_year": _month_year,
    "t": _translated,
    "lang_if_english": _lang_if_english,
    "t_or_english": _t_or_english,
    "milestone": _milestone,
}


def _templates(code: str) -> Jinja2Templates:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES_DIR),
        autoescape=select_autoescape(),
        extensions=["jinja2.ext.i18n"],
    )
    env.install_gettext_translations(i18n.translations(code), newstyle=True)  # type: ignore[attr-defined]
    env.filters.update(FILTERS)
    env.globals.update(vocab=v, newcomer_person=people.named_newcomer, locale=code)
    return Jinja2Templates(env=env)


TEMPLATES: Final = {code: _templates(code) for code in i18n.locales()}


def add_filters(**filters: Any) -> None:
    """Filters a page module brings (every language's environment gets them)."""
    for templates in TEMPLATES.values():
        templates.env.filters.update(filters)


def asked_for(request: Request) -> str | None:
    """The language in the address (`?lang=es`); a language the interface does not speak
    is refused with a 422 naming `lang`."""
    code = request.query_params.get(LANG_PARAM)
    if code is None:
        return None
    if code not in i18n.locales():
        raise Invalid(
            i18n.N_("lang: choose a language from the switch at the top of the page"),
            field=LANG_PARAM,
        )
    return code


def page_locale(request: Request) -> str:
    """The request's language: the address's, then the remembered choice, then the
    browser's Accept-Language, then English."""
    code = request.query_params.get(LANG_PARAM)
    if code in i18n.locales():
        return str(code)
    remembered = request.cookies.get(LANG_COOKIE)
    if remembered in i18n.locales():
        return str(remembered)
    return i18n.negotiate(request.headers.get("accept-language")) or i18n.DEFAULT_LOCALE


def _here(request: Request) -> tuple[str, list[tuple[str, str]]]:
    """This page's address to switch language on: itself for a GET (by its query alone, so
    a page never writes the address it was asked for: a missing record's page reads the
    same, whatever the id); after a form was sent, the page the form was on (the address
    of a POST has no page of its own)."""
    if request.method == "GET":
        return "", list(request.query_params.multi_items())
    if request.method != "POST":
        return "/", []
    referer = urlsplit(request.headers.get("referer", ""))
    if referer.netloc == request.url.netloc and referer.path.startswith("/"):
        return referer.path, parse_qsl(referer.query)
    return "/", []


def switch_links(request: Request, current: str, *, failed: bool) -> list[dict[str, Any]]:
    """The language switch: each language named in itself, linking to this page in it (an
    error page's without the query that failed: its words do not depend on what was asked,
    so a missing record's page reads the same whatever the id asked for)."""
    path, query = _here(request)
    if failed and request.method == "GET":
        query = []
    query = [(k, val) for k, val in query if k != LANG_PARAM]
    return [
        {
            "code": code,
            "name": i18n.language_name(code),
            "current": code == current,
            "href": f"{path}?{urlencode([*query, (LANG_PARAM, code)])}",
        }
        for code in i18n.locales()
    ]
