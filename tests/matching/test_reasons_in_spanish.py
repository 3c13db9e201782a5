"""The ranker's reasons and rule messages in both languages (issue 18): English as the
API has always read them, Spanish when a page translates them (`i18n.translate`)."""

from __future__ import annotations

from mentormatch import i18n
from tests.matching.profiles import fitted, frame, mentor, newcomer


def _both(words: str) -> tuple[str, str]:
    return str(words), i18n.translate(words, "es")


def test_a_suggestions_reasons_in_english_and_spanish() -> None:
    ranker = fitted(frame(mentor(languages=["en", "es"], substances=["heroin", "alcohol"],
                                 lived_experience=["parent", "veteran"])))  # fmt: skip
    ana = frame(newcomer(languages=["en", "es"], substances=["heroin", "alcohol"],
                         wanted_experience=["parent", "veteran"]))  # fmt: skip
    (suggested,) = ranker.suggestions(ana, 1)
    reasons = dict(_both(r) for r in suggested.reasons)
    assert reasons["both in recovery from alcohol and heroin"] == (
        "ambas personas en recuperación de alcohol y heroína"
    )
    assert reasons["15 h/week in common: weekday evenings"] == (
        "15 h/semana en común: noches entre semana"
    )
    assert reasons["both prefer SMART Recovery"] == "ambas personas prefieren SMART Recovery"
    assert reasons["shares: veteran, parent"] == (
        "vivencias en común: veterano o veterana, madre o padre"
    )
    assert reasons["both speak Spanish"] == "ambas personas hablan español"
    assert reasons["has no mentees yet"] == "todavía no acompaña a nadie"
    assert reasons["can meet by video"] == "pueden reunirse por video"
    assert reasons["close in age (35 and 40)"] == "edades cercanas (35 y 40)"
    assert reasons["similar hopes and interests: hiking"] == (
        "esperanzas e intereses parecidos: hiking"  # the people's own words, as written
    )


def test_a_broken_rules_message_in_english_and_spanish() -> None:
    ranker = fitted(frame(mentor(gender="man", mentee_genders=["man", "nonbinary"])))
    explained = ranker.explain(frame(newcomer(gender="woman")), 1)
    assert [(code, *_both(message)) for code, message in explained.failed_rules] == [
        (
            "gender",
            "Mentor only mentors people who are: man or non-binary.",
            "El mentor solo acompaña a personas que sean: hombre o no binario.",
        )
    ]
