"""Controlled vocabularies (BRIEF §2): the one place codes and labels live.

Every list is versioned; forms, the API and the ranker read codes from here.
Substances carry a family so the ranker can give partial credit
("heroin" and "fentanyl" share more than "heroin" and "alcohol").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

from mentormatch.i18n import DEFAULT_LOCALE, N_, translate

VOCABULARY_VERSION: Final = "2026-11-01"


@dataclass(frozen=True, slots=True)
class Term:
    code: str
    label: str
    family: str | None = None


SUBSTANCE_FAMILIES: Final[tuple[Term, ...]] = (
    Term("alcohol", N_("Alcohol")),
    Term("opioids", N_("Opioids")),
    Term("stimulants", N_("Stimulants")),
    Term("cannabis", N_("Cannabis")),
    Term("sedatives", N_("Sedatives")),
    Term("hallucinogens", N_("Hallucinogens")),
    Term("inhalants", N_("Inhalants")),
    Term("behaviours", N_("Gambling and other behaviours")),
    Term("other", N_("Other")),
)

SUBSTANCES: Final[tuple[Term, ...]] = (
    Term("alcohol", N_("Alcohol"), "alcohol"),
    Term("heroin", N_("Heroin"), "opioids"),
    Term("fentanyl", N_("Fentanyl"), "opioids"),
    Term("prescription_opioids", N_("Prescription opioids"), "opioids"),
    Term("methadone_misuse", N_("Methadone (misuse)"), "opioids"),
    Term("methamphetamine", N_("Methamphetamine"), "stimulants"),
    Term("cocaine", N_("Cocaine / crack"), "stimulants"),
    Term("prescription_stimulants", N_("Prescription stimulants"), "stimulants"),
    Term("cannabis", N_("Cannabis"), "cannabis"),
    Term("benzodiazepines", N_("Benzodiazepines"), "sedatives"),
    Term("other_sedatives", N_("Other sedatives"), "sedatives"),
    Term("hallucinogens", N_("Hallucinogens"), "hallucinogens"),
    Term("inhalants", N_("Inhalants"), "inhalants"),
    Term("gambling", N_("Gambling"), "behaviours"),
    Term("other", N_("Other"), "other"),
)

PATHWAYS: Final[tuple[Term, ...]] = (
    Term("twelve_step", N_("12-step (AA, NA, CA, CMA…)")),
    Term("smart_recovery", N_("SMART Recovery")),
    Term("recovery_dharma", N_("Recovery Dharma / Refuge Recovery")),
    Term("faith_based", N_("Faith-based (e.g. Celebrate Recovery)")),
    Term("secular", N_("Secular (LifeRing, SOS)")),
    Term("medication_supported", N_("Medication-supported recovery")),
    Term("harm_reduction", N_("Harm reduction")),
    Term("exploring", N_("Undecided / exploring")),
)

MEDICATIONS: Final[tuple[Term, ...]] = (
    Term("none", N_("No medication")),
    Term("buprenorphine", N_("Buprenorphine")),
    Term("methadone", N_("Methadone")),
    Term("naltrexone", N_("Naltrexone")),
)

MEETING_MODES: Final[tuple[Term, ...]] = (
    Term("in_person", N_("In person")),
    Term("video", N_("Video call")),
    Term("phone", N_("Phone call")),
    Term("text", N_("Text / chat")),
)

GENDERS: Final[tuple[Term, ...]] = (
    Term("woman", N_("Woman")),
    Term("man", N_("Man")),
    Term("nonbinary", N_("Non-binary")),
    Term("other", N_("Another gender")),
)

LIVED_EXPERIENCE: Final[tuple[Term, ...]] = (
    Term("lgbtq", N_("LGBTQ+")),
    Term("veteran", N_("Veteran")),
    Term("parent", N_("Parent")),
    Term("justice_involved", N_("Justice involvement")),
    Term("co_occurring", N_("Co-occurring mental health")),
    Term("faith", N_("Faith is an important part of life")),
)

LANGUAGES: Final[tuple[Term, ...]] = (
    Term("en", N_("English")),
    Term("es", N_("Spanish")),
    Term("fr", N_("French")),
    Term("pt", N_("Portuguese")),
    Term("zh", N_("Chinese")),
    Term("vi", N_("Vietnamese")),
    Term("ar", N_("Arabic")),
    Term("ru", N_("Russian")),
    Term("ko", N_("Korean")),
    Term("tl", N_("Tagalog")),
    Term("ht", N_("Haitian Creole")),
    Term("de", N_("German")),
    Term("pl", N_("Polish")),
    Term("asl", N_("American Sign Language")),
)

CONTACT_METHODS: Final[tuple[Term, ...]] = (
    Term("phone", N_("Phone")),
    Term("text", N_("Text message")),
    Term("email", N_("Email")),
)

SUBSTANCE_CODES: Final = frozenset(t.code for t in SUBSTANCES)
FAMILY_OF: Final[dict[str, str]] = {t.code: t.family or t.code for t in SUBSTANCES}
PATHWAY_CODES: Final = frozenset(t.code for t in PATHWAYS)
# A newcomer still exploring has chosen no pathway (and gives no other).
NOT_CHOSEN_PATHWAY: Final = "exploring"
MEDICATION_CODES: Final = frozenset(t.code for t in MEDICATIONS)
MODE_CODES: Final = frozenset(t.code for t in MEETING_MODES)
GENDER_CODES: Final = frozenset(t.code for t in GENDERS)
EXPERIENCE_CODES: Final = frozenset(t.code for t in LIVED_EXPERIENCE)
LANGUAGE_CODES: Final = frozenset(t.code for t in LANGUAGES)
CONTACT_CODES: Final = frozenset(t.code for t in CONTACT_METHODS)

HOURS_PER_WEEK: Final = 7 * 24
DAY_NAMES: Final = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")

# Each with tap-to-call / tap-to-text links (RFC 3966 tel:, RFC 5724 sms:).
CRISIS_RESOURCES: Final = (
    {
        "name": N_("988 Suicide & Crisis Lifeline"),
        "contact": N_("Call or text 988 (press 2 for Spanish)"),
        "region": "US",
        "links": [
            {"label": N_("Call 988"), "href": "tel:988"},
            {"label": N_("Text 988"), "href": "sms:988"},
        ],
    },
    {
        "name": N_("SAMHSA National Helpline"),
        "contact": N_("1-800-662-4357, English and Spanish (TTY 1-800-487-4889)"),
        "region": "US",
        "links": [
            {"label": N_("Call 1-800-662-4357"), "href": "tel:18006624357"},
            {"label": N_("TTY 1-800-487-4889"), "href": "tel:18004874889"},
        ],
    },
)
CRISIS_NOTICE: Final = N_(
    "If you are in danger right now, call or text 988, or call 911. "
    "Peer mentors are not clinicians and cannot provide emergency help."
)


def as_dict(language: str = DEFAULT_LOCALE) -> dict[str, object]:
    """The whole vocabulary as served at GET /api/v1/vocabulary, its labels in `language`."""

    def terms(items: tuple[Term, ...]) -> list[dict[str, str]]:
        return [
            {"code": t.code, "label": translate(t.label, language)}
            | ({"family": t.family} if t.family else {})
            for t in items
        ]

    def worded(resource: dict[str, Any]) -> dict[str, Any]:
        links = [link | {"label": translate(link["label"], language)} for link in resource["links"]]
        named = {key: translate(resource[key], language) for key in ("name", "contact")}
        return resource | named | {"links": links}

    return {
        "version": VOCABULARY_VERSION,
        "substance_families": terms(SUBSTANCE_FAMILIES),
        "substances": terms(SUBSTANCES),
        "pathways": terms(PATHWAYS),
        "medications": terms(MEDICATIONS),
        "meeting_modes": terms(MEETING_MODES),
        "genders": terms(GENDERS),
        "lived_experience": terms(LIVED_EXPERIENCE),
        "languages": terms(LANGUAGES),
        "contact_methods": terms(CONTACT_METHODS),
        "crisis_resources": [worded(resource) for resource in CRISIS_RESOURCES],
    }
