"""Words written in Python with values in them (`i18n.said`, `said_n`, `Listed`): English as
they are, and in Spanish through the catalog, values included."""

from __future__ import annotations

import pickle

from mentormatch.i18n import Listed, said, said_n, translate


def test_words_are_english_as_written_and_spanish_through_the_catalog() -> None:
    words = said("Please choose at least one language.")
    assert words == "Please choose at least one language."
    assert translate(words, "es") == "Por favor, elija al menos un idioma."
    assert translate(words, "en") == words


def test_a_number_picks_the_languages_plural_form() -> None:
    one = said_n("%(count)s questionnaire answered.", "%(count)s questionnaires answered.", 1)
    three = said_n("%(count)s questionnaire answered.", "%(count)s questionnaires answered.", 3)
    assert (one, three) == ("1 questionnaire answered.", "3 questionnaires answered.")
    assert translate(one, "es") == "1 cuestionario respondido."
    assert translate(three, "es") == "3 cuestionarios respondidos."


def test_values_that_are_words_are_translated_and_others_kept() -> None:
    listed = Listed([said("Alcohol"), said("Opioids"), "Sam"])
    assert listed == "Alcohol, Opioids and Sam"
    assert translate(listed, "es") == "Alcohol, Opioides y Sam"
    inside = said_n("%(count)s event in all", "%(count)s events in all", 2)
    assert translate(said("%(count)s", count=inside), "es") == "2 eventos en total"


def test_words_without_a_translation_stay_english() -> None:
    words = said("no such words %(n)s", n=4)
    assert translate(words, "es") == "no such words 4"


def test_words_keep_their_template_through_a_pickle() -> None:
    words = said_n("%(count)s event in all", "%(count)s events in all", 5)
    assert translate(pickle.loads(pickle.dumps(words)), "es") == "5 eventos en total"
