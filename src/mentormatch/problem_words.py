"""Pydantic's words for a refused value, as `i18n.Words` a page can translate (issue 18).

The English stays pydantic's own, word for word ("Input should be less than or equal to
120"), so the API and English pages read as before; a problem this module does not know,
or whose words pydantic changed, is kept as pydantic wrote it. A validator's `ValueError`
raised with `said(...)` keeps its words too (pydantic itself keeps only their English).
"""

from __future__ import annotations

from typing import Any

from pydantic_core import ErrorDetails

from mentormatch.i18n import N_, Words, said, said_n

_LIMITS = {
    "greater_than_equal": ("ge", N_("Input should be greater than or equal to %(limit)s")),
    "less_than_equal": ("le", N_("Input should be less than or equal to %(limit)s")),
    "greater_than": ("gt", N_("Input should be greater than %(limit)s")),
    "less_than": ("lt", N_("Input should be less than %(limit)s")),
}


def _number(value: Any) -> Any:
    """2.0 as 2, as pydantic writes a limit."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


def _said(kind: str, ctx: dict[str, Any]) -> Words | None:
    if kind in _LIMITS:
        key, template = _LIMITS[kind]
        return said(template, limit=_number(ctx[key]))
    if kind == "too_short" and ctx.get("field_type") == "List":
        return said_n(
            "List should have at least %(count)s item after validation, not %(actual)s",
            "List should have at least %(count)s items after validation, not %(actual)s",
            ctx["min_length"], actual=ctx["actual_length"],
        )  # fmt: skip
    if kind == "too_long" and ctx.get("field_type") == "List":
        return said_n(
            "List should have at most %(count)s item after validation, not %(actual)s",
            "List should have at most %(count)s items after validation, not %(actual)s",
            ctx["max_length"], actual=ctx["actual_length"],
        )  # fmt: skip
    if kind == "string_too_short":
        return said_n(
            "String should have at least %(count)s character",
            "String should have at least %(count)s characters",
            ctx["min_length"],
        )
    if kind == "string_too_long":
        return said_n(
            "String should have at most %(count)s character",
            "String should have at most %(count)s characters",
            ctx["max_length"],
        )
    return None


def problem_words(problem: ErrorDetails) -> str:
    """What is wrong, in pydantic's English ('Value error, ' left off): `Words` where the
    catalog can say it in another language, else the plain message."""
    message = str(problem.get("msg", "")).removeprefix("Value error, ")
    ctx = problem.get("ctx") or {}
    raised = ctx.get("error")
    if isinstance(raised, ValueError) and raised.args and isinstance(raised.args[0], Words):
        return raised.args[0] if raised.args[0] == message else message
    try:
        words = _said(problem.get("type", ""), ctx)
    except (KeyError, TypeError, ValueError):
        words = None
    return words if words is not None and words == message else message
