"""What a questionnaire is, as data: its items, its answer scale, how it is scored, its
languages, and who may read the answers. A program adds its funder's items by adding a
definition (`POST /api/v1/instruments`), not a release.

BARC-10 ships as the first definition: the Brief Assessment of Recovery Capital (Vilsaint et
al. 2017, free to use), 10 statements rated from 1 (strongly disagree) to 6 (strongly
agree), scored as their sum (10-60); a total of 47 or more is associated with sustained
remission. Its English wording is the published one. Its Spanish wording is this service's
translation, not a validated version: a definition names the languages whose wording was
validated (`validated_languages`), and an answer given in another is marked as such on the
page and in the funder's report (`docs/assessments.md`).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from mentormatch import vocabulary
from mentormatch.i18n import N_, said
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
    names: Wording | None = Field(
        default=None, description="The name by language, where it differs from `name`"
    )
    languages: list[str] = Field(min_length=1, description="Language codes it is worded in")
    validated_languages: list[str] | None = Field(
        default=None,
        description="The languages whose wording was validated for this questionnaire; answers"
        " in the others are marked as given in a translation. None: every language",
    )
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
            raise ValueError(
                said("languages: unknown language code %(unknown)s", unknown=repr(unknown[0]))
            )
        codes = [item.code for item in self.items]
        if len(set(codes)) != len(codes):
            raise ValueError(N_("items: each item needs its own code"))
        values = [choice.value for choice in self.scale]
        if values != sorted(set(values)):
            raise ValueError(N_("scale: values must rise from the first choice to the last"))
        unworded = [c for c in self.validated_languages or () if c not in self.languages]
        if unworded:
            raise ValueError(
                said(
                    "validated_languages: %(unworded)s is not one of `languages`",
                    unworded=repr(unworded[0]),
                )
            )
        wordings: list[Wording] = [i.text for i in self.items] + [c.label for c in self.scale]
        wordings += [w for w in (self.threshold_meaning, self.names) if w is not None]
        for wording in wordings:
            missing = [lang for lang in self.languages if lang not in wording]
            if missing or set(wording) - set(self.languages):
                raise ValueError(
                    said(
                        "every item and answer is worded in exactly %(languages)s",
                        languages=", ".join(self.languages),
                    )
                )
        return self

    def wording_for(self, code: str) -> str:
        """The language to show it in: `code` where it is worded so, else its first."""
        return code if code in self.languages else self.languages[0]

    def validated_in(self, code: str) -> bool:
        return self.validated_languages is None or code in self.validated_languages

    def name_in(self, code: str) -> str:
        return (self.names or {}).get(code, self.name)

    def lowest(self) -> int:
        return len(self.items) * self.scale[0].value

    def highest(self) -> int:
        return len(self.items) * self.scale[-1].value


_AGREE = (
    ("Strongly disagree", "Totalmente en desacuerdo"),
    ("Disagree", "En desacuerdo"),
    ("Somewhat disagree", "Algo en desacuerdo"),
    ("Somewhat agree", "Algo de acuerdo"),
    ("Agree", "De acuerdo"),
    ("Strongly agree", "Totalmente de acuerdo"),
)
# (the published English statement, this service's Spanish translation)
_BARC10_ITEMS = (
    ("There are more important things to me in life than using substances.",
     "Hay cosas en la vida más importantes para mí que consumir sustancias."),
    ("In general I am happy with my life.",
     "En general, estoy contento o contenta con mi vida."),
    ("I have enough energy to complete the tasks I set myself.",
     "Tengo suficiente energía para completar las tareas que me propongo."),
    ("I am proud of the community I live in and feel a part of it.",
     "Me siento orgulloso u orgullosa de la comunidad donde vivo y me siento parte de ella."),
    ("I get lots of support from friends.",
     "Recibo mucho apoyo de mis amistades."),
    ("I regard my life as challenging and fulfilling without the need for using drugs or alcohol.",
     "Considero que mi vida es estimulante y plena sin necesidad de consumir drogas ni alcohol."),
    ("My living space has helped to drive my recovery journey.",
     "El lugar donde vivo me ha ayudado a avanzar en mi camino de recuperación."),
    ("I take full responsibility for my actions.",
     "Asumo toda la responsabilidad de mis actos."),
    ("I am happy dealing with a range of professional people.",
     "Me siento a gusto tratando con distintos profesionales."),
    ("I am making good progress on my recovery journey.",
     "Estoy avanzando bien en mi camino de recuperación."),
)  # fmt: skip
BARC10_CODE = "barc10"
BARC10: dict[str, Any] = {
    "code": BARC10_CODE,
    "name": "Brief Assessment of Recovery Capital (BARC-10)",
    "names": {
        "en": "Brief Assessment of Recovery Capital (BARC-10)",
        "es": "Evaluación breve del capital de recuperación (BARC-10)",
    },
    "languages": ["en", "es"],
    "validated_languages": ["en"],
    "items": [
        {"code": f"q{n}", "text": {"en": en, "es": es}}
        for n, (en, es) in enumerate(_BARC10_ITEMS, 1)
    ],
    "scale": [{"value": n, "label": {"en": en, "es": es}} for n, (en, es) in enumerate(_AGREE, 1)],
    "scoring": "sum",
    "threshold": 47,
    "threshold_meaning": {
        "en": "a total associated with sustained remission",
        "es": "un total asociado a la remisión sostenida",
    },
    "answers_seen_by": ["coordinator"],
}
