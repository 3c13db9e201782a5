"""Error messages in the catalog (issue 18): every domain error and schema rule raised in
the code is marked for the catalog and has its Spanish; the words for pydantic's issues
give exactly pydantic's English; a reshaped form message is reshaped in both languages."""

from __future__ import annotations

import ast
import pickle
from datetime import date
from pathlib import Path
from typing import Annotated, Literal

import pytest
from babel.messages.pofile import read_po
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from mentormatch import error_words, i18n
from mentormatch.errors import Conflict
from mentormatch.i18n import Words, said, translate
from mentormatch.web.forms import domain_error

SOURCE = Path(i18n.__file__).parent
ERRORS = {"Invalid", "Conflict", "NotFound", "Forbidden", "Unauthorized", "TooManyRequests"}
MARKERS = {"N_": 1, "said": 1, "said_n": 2}


def _catalog(code: str = "es") -> dict[str, object]:
    with (i18n.LOCALES_DIR / code / "LC_MESSAGES" / "messages.po").open("rb") as po:
        catalog = read_po(po, locale=code)
    kept: dict[str, object] = {}
    for message in catalog:
        if message.id:
            key = message.id if isinstance(message.id, str) else message.id[0]
            kept[key] = None if message.fuzzy else message.string
    return kept


def _calls() -> list[tuple[str, ast.Call]]:
    found = []
    for path in sorted(SOURCE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        found += [(f"{path.relative_to(SOURCE)}:{node.lineno}", node)
                  for node in ast.walk(tree) if isinstance(node, ast.Call)]  # fmt: skip
    return found


def _name(call: ast.Call) -> str | None:
    func = call.func
    return func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)


def test_every_entry_of_the_spanish_catalog_is_translated() -> None:
    missing = [msgid for msgid, spanish in _catalog().items()
               if not spanish or (isinstance(spanish, tuple) and not all(spanish))]  # fmt: skip
    assert not missing, f"{len(missing)} entries without Spanish (or fuzzy): {missing[:10]}"


def test_no_domain_error_is_raised_with_words_the_catalog_cannot_find() -> None:
    """A literal or an f-string given to a domain error stays English in every language."""
    written = [
        where
        for where, call in _calls()
        if _name(call) in ERRORS and call.args
        and isinstance(call.args[0], ast.Constant | ast.JoinedStr | ast.BinOp)
    ]  # fmt: skip
    assert not written, f"mark these with N_() or said(): {written}"


def test_every_marked_message_has_its_spanish() -> None:
    catalog = _catalog()
    untranslated = []
    for where, call in _calls():
        if _name(call) in MARKERS and call.args and isinstance(call.args[0], ast.Constant):
            msgid = call.args[0].value
            if isinstance(msgid, str) and not catalog.get(msgid):
                untranslated.append((where, msgid))
    assert not untranslated, f"run the catalog update and translate: {untranslated[:10]}"


class Form(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=2, max_length=3)
    count: int = Field(gt=0, le=5)
    share: float = Field(ge=0, lt=1)
    kind: Literal["a", "b", "c"]
    tags: Annotated[list[str], Field(min_length=1, max_length=2)]
    day: date
    flag: bool
    code: str = Field(pattern="^[a-z]+$")


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"name": "x", "count": 0, "share": 1, "kind": "d", "tags": [], "day": "2026-13-01",
         "flag": "maybe", "code": "A", "extra": 1},
        {"name": "long", "count": "x", "share": "y", "kind": 1, "tags": ["a", "b", "c"],
         "day": "soon", "flag": 2, "code": 3},
        {"name": 5, "count": 6, "share": -1, "kind": None, "tags": "x", "day": 1.5,
         "flag": None, "code": None},
    ],
)  # fmt: skip
def test_the_words_for_pydantic_issues_are_pydantic_s_english(data: dict[str, object]) -> None:
    with pytest.raises(ValidationError) as caught:
        Form.model_validate(data)
    for error in caught.value.errors():
        words = error_words.issue_words(error)
        assert isinstance(words, Words), (error["type"], error["msg"])
        assert words == error["msg"]
        assert translate(words, "es") != error["msg"], error["type"]


def test_an_unknown_issue_type_keeps_its_english() -> None:
    issue = {"type": "something_new", "msg": "Something new happened", "loc": ("body",)}
    assert error_words.issues([issue], "es")[0]["msg"] == "Something new happened"


def test_a_form_message_is_reshaped_in_english_and_in_spanish() -> None:
    error = Conflict(said("capacity: this program lets a mentor take at most %(cap)s mentees",
                          cap=4), field="capacity")  # fmt: skip
    (message,) = domain_error(error).values()
    assert message == "This program lets a mentor take at most 4 mentees."
    assert translate(message, "es") == (
        "Este programa permite que un mentor acompañe como máximo a 4 personas."
    )
    assert translate(pickle.loads(pickle.dumps(message)), "es") == translate(message, "es")
