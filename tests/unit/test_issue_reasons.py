"""Pydantic's refusals as words a page translates (`error_words.issue_reason`): the English
is pydantic's own, word for word, so a change of pydantic's wording shows here rather than
as English on a Spanish page; a validator's `said(...)` keeps its words."""

from __future__ import annotations

from typing import Annotated

import pytest
from pydantic import BaseModel, Field, ValidationError, field_validator

from mentormatch.error_words import issue_reason
from mentormatch.i18n import Words, said, translate


class _Form(BaseModel):
    at_least: int = Field(default=5, ge=1)
    at_most: float = Field(default=5, le=60)
    above: float = Field(default=5, gt=0)
    below: int = Field(default=5, lt=10)
    some: list[str] = Field(default=["a"], min_length=1, max_length=2)
    words: Annotated[str, Field(min_length=2, max_length=3)] = "ab"
    checked: int = 0

    @field_validator("checked")
    @classmethod
    def _even(cls, value: int) -> int:
        if value % 2:
            raise ValueError(said("Please choose at least one language."))
        return value


def _problem(**values: object) -> str:
    with pytest.raises(ValidationError) as refused:
        _Form.model_validate(values)
    (problem,) = refused.value.errors()
    words = issue_reason(problem)
    assert words == str(problem["msg"]).removeprefix("Value error, ")  # the English unchanged
    return words


@pytest.mark.parametrize(
    ("values", "spanish"),
    [
        ({"at_least": 0}, "El valor debe ser mayor o igual que 1"),
        ({"at_most": 61}, "El valor debe ser menor o igual que 60"),
        ({"above": 0}, "El valor debe ser mayor que 0"),
        ({"below": 10}, "El valor debe ser menor que 10"),
        ({"some": []}, "Lista: debe tener al menos 1 elemento después de la validación, no 0"),
        (
            {"some": ["a", "b", "c"]},
            "Lista: debe tener como máximo 2 elementos después de la validación, no 3",
        ),
        ({"words": "a"}, "El texto debe tener al menos 2 caracteres"),
        ({"words": "abcd"}, "El texto debe tener como máximo 3 caracteres"),
        ({"checked": 1}, "Por favor, elija al menos un idioma."),
    ],
)
def test_a_refusal_keeps_pydantics_english_and_has_its_spanish(
    values: dict[str, object], spanish: str
) -> None:
    words = _problem(**values)
    assert isinstance(words, Words)
    assert translate(words, "es") == spanish
