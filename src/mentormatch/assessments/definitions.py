"""What a questionnaire is, as data: its items, its answer scale, how it is scored, its
languages, and who may read the answers. A program adds its funder's items by adding a
definition (`POST /api/v1/instruments`), not a release.

BARC-10 ships as the first definition: the Brief Assessment of Recovery Capital (Vilsaint et
al. 2017, free to use), 10 statements rated from 1 (strongly disagree) to 6 (strongly
agree), scored as their sum (10-60); a total of 47 or more is associated with sustained
remission. Its English wording is the published one; no Spanish wording ships, since only
a validated translation should (`docs/assessments.md`).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from mentormatch import vocabulary
from mentormatch.profiles import NoNul, NoNulSchema

Code = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{1,39}$")]
Words = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300), NoNul, NoNulSchema
]
# The same words in each of the definition's languages: {"en": "…", "es": "…"}.
Wording = dict[str, Words]


class Choice(BaseModel):
    model_config = ConfigDict(extra="forbid")

    value: int = Field(ge=-100, le=100, description="What the answer counts")
    label: Wording = Field(description="The answer's words, by language")


class Item(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: Code = Field(description="The item's code: lower case letters, digits, _")
    text: Wording = Field(description="The statement or question, by language")


class InstrumentDefinition(BaseModel):
    """A questionnaire: every item is answered on one scale; the score is their sum."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "code": "housing",
                    "name": "Housing and work",
                    "languages": ["en"],
                    "items": [
                        {"code": "housed", "text": {"en": "I have stable housing."}},
                        {"code": "working", "text": {"en": "I am working or studying."}},
                    ],
                    "scale": [
                        {"value": 0, "label": {"en": "No"}},
                        {"value": 1, "label": {"en": "Yes"}},
                    ],
                    "answers_seen_by": ["coordinator"],
                }
            ]
        },
    )

    code: Code = Field(description="The questionnaire's code, e.g. barc10")
    name: Words
    languages: list[str] = Field(min_length=1, description="Language codes it is worded in")
    items: list[Item] = Field(
        min_length=1, max_length=100, description="The statements, in the order asked"
    )
    scale: list[Choice] = Field(min_length=2, max_length=11, description="Lowest first")
    scoring: Literal["sum"] = Field(default="sum", description="The total is the items' sum")
    threshold: int | None = Field(
        default=None, description="A total at or above which `threshold_meaning` holds"
    )
    threshold_meaning: Wording | None = Field(
        default=None, description="What a total at or above `threshold` means, by language"
    )
    answers_seen_by: list[Literal["coordinator"]] = Field(
        default=["coordinator"],
        description="Who reads each answer; everyone allowed to see the record reads the total",
    )

    @model_validator(mode="after")
    def _consistent(self) -> InstrumentDefinition:
        unknown = [c for c in self.languages if c not in vocabulary.LANGUAGE_CODES]
        if unknown:
            raise ValueError(f"languages: unknown language code {unknown[0]!r}")
        codes = [item.code for item in self.items]
        if len(set(codes)) != len(codes):
            raise ValueError("items: each item needs its own code")
        values = [choice.value for choice in self.scale]
        if values != sorted(set(values)):
            raise ValueError("scale: values must rise from the first choice to the last")
        wordings: list[Wording] = [i.text for i in self.items] + [c.label for c in self.scale]
        if self.threshold_meaning is not None:
            wordings.append(self.threshold_meaning)
        for wording in wordings:
            missing = [lang for lang in self.languages if lang not in wording]
            if missing or set(wording) - set(self.languages):
                raise ValueError(
                    f"every item and answer is worded in exactly {', '.join(self.languages)}"
                )
        return self

    def lowest(self) -> int:
        return len(self.items) * self.scale[0].value

    def highest(self) -> int:
        return len(self.items) * self.scale[-1].value


_AGREE = (
    "Strongly disagree", "Disagree", "Somewhat disagree",
    "Somewhat agree", "Agree", "Strongly agree",
)  # fmt: skip
_BARC10_ITEMS = (
    "There are more important things to me in life than using substances.",
    "In general I am happy with my life.",
    "I have enough energy to complete the tasks I set myself.",
    "I am proud of the community I live in and feel a part of it.",
    "I get lots of support from friends.",
    "I regard my life as challenging and fulfilling without the need for using drugs or alcohol.",
    "My living space has helped to drive my recovery journey.",
    "I take full responsibility for my actions.",
    "I am happy dealing with a range of professional people.",
    "I am making good progress on my recovery journey.",
)
BARC10_CODE = "barc10"
BARC10: dict[str, Any] = {
    "code": BARC10_CODE,
    "name": "Brief Assessment of Recovery Capital (BARC-10)",
    "languages": ["en"],
    "items": [{"code": f"q{n}", "text": {"en": text}} for n, text in enumerate(_BARC10_ITEMS, 1)],
    "scale": [{"value": n, "label": {"en": words}} for n, words in enumerate(_AGREE, 1)],
    "scoring": "sum",
    "threshold": 47,
    "threshold_meaning": {"en": "a total associated with sustained remission"},
    "answers_seen_by": ["coordinator"],
}
