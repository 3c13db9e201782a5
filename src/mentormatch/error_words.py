"""Error messages in the reader's language (issue 18): the one definition of how an error
answer is worded, for the JSON API and for the pages' form errors.

A domain error's message is `Words` (`said`) or fixed words marked `N_` where it is raised,
so it is English as a `str` and translatable through the catalog. A validation issue's
`msg` is pydantic's English: it is translated by the issue's `type`, with the words below
(each the English pydantic writes, filled from the issue's `ctx`), only when they give
exactly pydantic's message; an issue of any other type, or worded otherwise, keeps its
English. A `value_error` from this service's own validators says the ValueError's message,
which is marked for the catalog where it is raised.

The API speaks the language `Accept-Language` names (`i18n.negotiate`), else English; its
error answers say which in `Content-Language`, with `Vary: Accept-Language`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any, Final

from mentormatch.i18n import DEFAULT_LOCALE, N_, Words, negotiate, said, said_n, translate

# The handlers' own words (main.py, middleware.py).
NOTHING_HERE: Final = N_("there is nothing at this address")
STALE: Final = N_("this record changed while you edited it; reload")
OUR_SIDE: Final = N_("something went wrong on our side")
NOT_JSON: Final = N_("the body is not valid JSON")
NOT_STORABLE: Final = N_("a value cannot be stored")


def too_large(max_bytes: int) -> Words:
    """The 413's words."""
    return said("request body over %(count)s bytes", count=max_bytes)


def language(accept_language: str | None) -> str:
    """The API's language for a request: the first of Accept-Language it speaks, else English."""
    return negotiate(accept_language) or DEFAULT_LOCALE


def language_headers(code: str) -> dict[str, str]:
    """The headers of an answer worded in `code`."""
    return {"Content-Language": code, "Vary": "Accept-Language"}


def reason(exc: BaseException) -> str:
    """An exception's message, keeping `Words` (so it still translates) when it is one."""
    first = exc.args[0] if exc.args else ""
    return first if isinstance(first, Words) and len(exc.args) == 1 else str(exc)


# --- Reshaped words: the same change made to the English and to the translation ---------


def _sentence(text: str) -> str:
    """'field: the day is past' -> 'The day is past.'"""
    return _capital(text.split(": ", 1)[-1])


def _capital(text: str) -> str:
    """'the day is past' -> 'The day is past.'"""
    return text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")


_SHAPES: Final[dict[str, Callable[[str], str]]] = {
    "lower": str.lower,
    "sentence": _sentence,
    "capital": _capital,
    "uncapital": lambda text: text[:1].lower() + text[1:],
}


class Reshaped(Words):
    """Words changed in shape (lower case, a form's sentence) in whatever language they
    are shown: `translate` reshapes the translation, the `str` is the reshaped English."""

    inner: str
    shape: str

    def __new__(cls, inner: str, shape: str) -> Reshaped:
        made = str.__new__(cls, _SHAPES[shape](str.__str__(inner)))
        made.template, made.plural, made.values = str.__str__(made), None, {}
        made.inner, made.shape = inner, shape
        return made

    def in_language(self, code: str) -> str:
        if code == DEFAULT_LOCALE:
            return str.__str__(self)
        return _SHAPES[self.shape](translate(self.inner, code))

    def __reduce__(self) -> tuple[Any, ...]:
        return (Reshaped, (self.inner, self.shape))


def joined(parts: Iterable[str]) -> str:
    """Several problems as one message, '; ' between them, each translatable."""
    made: str | None = None
    for part in parts:
        made = part if made is None else said("%(some)s; %(more)s", some=made, more=part)
    return made or ""


def lowered(words: str) -> Reshaped:
    """A label inside a sentence: 'Declined' -> 'declined', 'Rechazada' -> 'rechazada'."""
    return Reshaped(as_words(words), "lower")


def form_sentence(message: str, *, after_field: bool) -> Reshaped:
    """A service's error as a form shows it: without its 'field: ' (when `after_field`),
    capitalised, ending in a full stop — in English and in the page's language."""
    return Reshaped(as_words(message), "sentence" if after_field else "capital")


def as_words(text: str) -> str:
    """Text as `Words` (translatable), keeping `Words` as they are (their values too)."""
    return text if isinstance(text, Words) else Words(text)


# --- Validation issues -------------------------------------------------------------------

# Kinds of value pydantic names in too_short/too_long; parse errors it gives in `ctx.error`.
KINDS: Final = frozenset({N_("List"), N_("Dictionary"), N_("Set"), N_("Tuple"), N_("Value")})
PARSE_ERRORS: Final = frozenset(
    {
        N_("input is too short"),
        N_("input is too long"),
        N_("invalid character in year"),
        N_("invalid character in month"),
        N_("invalid character in day"),
        N_("invalid date separator, expected `-`"),
        N_("month value is outside expected range of 1-12"),
        N_("day value is outside expected range"),
        N_("unexpected extra characters at the end of the input"),
        N_("invalid character in hour"),
        N_("invalid character in minute"),
        N_("invalid timezone sign"),
    }
)
# Whole messages written without a type's template (FastAPI's for a body not JSON).
FIXED: Final = frozenset({N_("JSON decode error")})


def _known(text: Any, known: frozenset[str]) -> Any:
    return Words(text) if isinstance(text, str) and text in known else text


def _either(expected: str) -> str:
    """pydantic's "'a', 'b' or 'c'" with the language's "or"."""
    some, joined, last = expected.rpartition(" or ")
    return said("%(some)s or %(last)s", some=some, last=last) if joined else expected


def _number(value: Any) -> Any:
    """A bound as pydantic writes it: 1.0 as '1'."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


def _fixed(text: str) -> Callable[[dict[str, Any]], str]:
    return lambda ctx: Words(text)


def _with_error(template: str) -> Callable[[dict[str, Any]], str]:
    return lambda ctx: Words(template, None, error=_known(ctx["error"], PARSE_ERRORS))


_ISSUES: Final[dict[str, Callable[[dict[str, Any]], str]]] = {
    "missing": _fixed(N_("Field required")),
    "extra_forbidden": _fixed(N_("Extra inputs are not permitted")),
    "string_type": _fixed(N_("Input should be a valid string")),
    "string_too_short": lambda ctx: said_n(
        "String should have at least %(count)s character",
        "String should have at least %(count)s characters",
        ctx["min_length"],
    ),
    "string_too_long": lambda ctx: said_n(
        "String should have at most %(count)s character",
        "String should have at most %(count)s characters",
        ctx["max_length"],
    ),
    "string_pattern_mismatch": lambda ctx: said(
        "String should match pattern '%(pattern)s'", pattern=ctx["pattern"]
    ),
    "string_unicode": _fixed(
        N_("Input should be a valid string, unable to parse raw data as a unicode string")
    ),
    "too_short": lambda ctx: said_n(
        "%(kind)s should have at least %(count)s item after validation, not %(actual)s",
        "%(kind)s should have at least %(count)s items after validation, not %(actual)s",
        ctx["min_length"],
        kind=_known(ctx["field_type"], KINDS),
        actual=ctx["actual_length"],
    ),
    "too_long": lambda ctx: said_n(
        "%(kind)s should have at most %(count)s item after validation, not %(actual)s",
        "%(kind)s should have at most %(count)s items after validation, not %(actual)s",
        ctx["max_length"],
        kind=_known(ctx["field_type"], KINDS),
        actual=ctx["actual_length"],
    ),
    "int_type": _fixed(N_("Input should be a valid integer")),
    "int_parsing": _fixed(
        N_("Input should be a valid integer, unable to parse string as an integer")
    ),
    "int_from_float": _fixed(
        N_("Input should be a valid integer, got a number with a fractional part")
    ),
    "int_parsing_size": _fixed(
        N_("Unable to parse input string as an integer, exceeded maximum size")
    ),
    "float_type": _fixed(N_("Input should be a valid number")),
    "float_parsing": _fixed(
        N_("Input should be a valid number, unable to parse string as a number")
    ),
    "finite_number": _fixed(N_("Input should be a finite number")),
    "greater_than": lambda ctx: said("Input should be greater than %(gt)s", gt=_number(ctx["gt"])),
    "greater_than_equal": lambda ctx: said(
        "Input should be greater than or equal to %(ge)s", ge=_number(ctx["ge"])
    ),
    "less_than": lambda ctx: said("Input should be less than %(lt)s", lt=_number(ctx["lt"])),
    "less_than_equal": lambda ctx: said(
        "Input should be less than or equal to %(le)s", le=_number(ctx["le"])
    ),
    "multiple_of": lambda ctx: said(
        "Input should be a multiple of %(multiple_of)s", multiple_of=_number(ctx["multiple_of"])
    ),
    "literal_error": lambda ctx: said(
        "Input should be %(expected)s", expected=_either(ctx["expected"])
    ),
    "enum": lambda ctx: said("Input should be %(expected)s", expected=_either(ctx["expected"])),
    "bool_type": _fixed(N_("Input should be a valid boolean")),
    "bool_parsing": _fixed(N_("Input should be a valid boolean, unable to interpret input")),
    "list_type": _fixed(N_("Input should be a valid list")),
    "set_type": _fixed(N_("Input should be a valid set")),
    "tuple_type": _fixed(N_("Input should be a valid tuple")),
    "dict_type": _fixed(N_("Input should be a valid dictionary")),
    "model_type": lambda ctx: said(
        "Input should be a valid dictionary or instance of %(class_name)s",
        class_name=ctx["class_name"],
    ),
    "model_attributes_type": _fixed(
        N_("Input should be a valid dictionary or object to extract fields from")
    ),
    "none_required": _fixed(N_("Input should be None")),
    "date_type": _fixed(N_("Input should be a valid date")),
    "date_parsing": _with_error(
        N_("Input should be a valid date in the format YYYY-MM-DD, %(error)s")
    ),
    "date_from_datetime_parsing": _with_error(
        N_("Input should be a valid date or datetime, %(error)s")
    ),
    "date_from_datetime_inexact": _fixed(
        N_("Datetimes provided to dates should have zero time - e.g. be exact dates")
    ),
    "date_past": _fixed(N_("Date should be in the past")),
    "date_future": _fixed(N_("Date should be in the future")),
    "datetime_type": _fixed(N_("Input should be a valid datetime")),
    "datetime_parsing": _with_error(N_("Input should be a valid datetime, %(error)s")),
    "datetime_from_date_parsing": _with_error(
        N_("Input should be a valid datetime or date, %(error)s")
    ),
    "datetime_past": _fixed(N_("Input should be in the past")),
    "datetime_future": _fixed(N_("Input should be in the future")),
    "timezone_aware": _fixed(N_("Input should have timezone info")),
    "timezone_naive": _fixed(N_("Input should not have timezone info")),
    "time_parsing": _with_error(N_("Input should be in a valid time format, %(error)s")),
    "json_invalid": _with_error(N_("Invalid JSON: %(error)s")),
    "json_type": _fixed(N_("JSON input should be string, bytes or bytearray")),
    "decimal_parsing": _fixed(N_("Input should be a valid decimal")),
    "uuid_parsing": _with_error(N_("Input should be a valid UUID, %(error)s")),
    "url_parsing": _with_error(N_("Input should be a valid URL, %(error)s")),
    "value_error": lambda ctx: said("Value error, %(error)s", error=as_words(_said(ctx["error"]))),
}


def _said(error: Any) -> str:
    return reason(error) if isinstance(error, BaseException) else str(error)


def issue_words(error: Mapping[str, Any]) -> str:
    """A validation issue's message as `Words` when its type's words give exactly pydantic's
    English (then they translate), else the message as it is."""
    message = str(error.get("msg", ""))
    made = _ISSUES.get(str(error.get("type")))
    if made is not None:
        try:
            words = made(dict(error.get("ctx") or {}))
        except (KeyError, TypeError, ValueError):  # a ctx worded otherwise: keep the English
            return message
        if str.__str__(words) == message:
            return words
    return Words(message) if message in FIXED else message


def own_reason(error: Mapping[str, Any]) -> str:
    """A `value_error` issue's reason without pydantic's "Value error, ": the ValueError's
    own words (translatable when marked where it was raised)."""
    raised = dict(error.get("ctx") or {}).get("error")
    if isinstance(raised, BaseException):
        return reason(raised)
    return str(error.get("msg", "")).removeprefix("Value error, ")


def issue_reason(error: Mapping[str, Any]) -> str:
    """What a validation issue says is wrong: a `value_error`'s own words, else its message
    (translatable, see `issue_words`)."""
    return own_reason(error) if error.get("type") == "value_error" else issue_words(error)


def uncapital(words: str) -> Reshaped:
    """Words inside a sentence, the first letter small ('Field required' -> 'field
    required'), in any language."""
    return Reshaped(as_words(words), "uncapital")


def issues(errors: list[Any], code: str) -> list[dict[str, Any]]:
    """Validation issues as the API answers them, each `msg` in the language `code`."""
    return [
        {"loc": list(e["loc"]), "msg": translate(issue_words(e), code), "type": e["type"]}
        for e in errors
    ]
