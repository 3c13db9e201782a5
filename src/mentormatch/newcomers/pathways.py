"""A newcomer's recovery pathways from a request: `pathways`, or the older single `pathway`.

`pathways` lists them in the newcomer's order, the first their main one (docs/matching.md,
"Several pathways"). A client that still sends `pathway` alone sets the main one: on
intake it is the only one; on a correction it replaces the main one and keeps the others
(null, or "exploring", clears them all). Both sent must agree on the main one; a null
`pathway` beside `pathways` says nothing (clients that send every field send it so).
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from mentormatch.errors import Invalid
from mentormatch.i18n import N_
from mentormatch.vocabulary import NOT_CHOSEN_PATHWAY


def chosen(
    pathways: list[str] | None, pathway: str | None, *, sent: Collection[str], current: list[str]
) -> list[str] | None:
    """The pathways a request gives (None: it gives none, keep `current`); `sent` names the
    fields the request sent, `current` the pathways held so far."""
    if "pathway" not in sent:
        return pathways if "pathways" in sent else None
    if "pathways" in sent and pathways is not None:
        if pathway is not None and (pathways[0] if pathways else None) != pathway:
            raise Invalid(
                N_(
                    "pathway: differs from the first of pathways (the main one); "
                    "send pathways alone"
                ),
                field="pathway",
            )
        return pathways
    if pathway is None or pathway == NOT_CHOSEN_PATHWAY:
        return [pathway] if pathway else []
    return [pathway, *(x for x in current[1:] if x not in (pathway, NOT_CHOSEN_PATHWAY))]


def fold(changes: dict[str, Any], *, sent: Collection[str], current: list[str]) -> None:
    """Replace `pathway` in a request's `changes` by the `pathways` it means."""
    given = chosen(
        changes.pop("pathways", None), changes.pop("pathway", None), sent=sent, current=current
    )
    if given is not None:
        changes["pathways"] = given
