"""Controlled vocabularies (BRIEF §2): the one place codes and labels live.

Every list is versioned; forms, the API and the ranker read codes from here.
Substances carry a family so the ranker can give partial credit
("heroin" and "fentanyl" share more than "heroin" and "alcohol").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

VOCABULARY_VERSION: Final = "2026-11-01"


@dataclass(frozen=True, slots=True)
class Term:
    code: str
    label: str
    family: str | None = None


SUBSTANCE_FAMILIES: Final[tuple[Term, ...]] = (
    Term("alcohol", "Alcohol"),
    Term("opioids", "Opioids"),
    Term("stimulants", "Stimulants"),
    Term("cannabis", "Cannabis"),
    Term("sedatives", "Sedatives"),
    Term("hallucinogens", "Hallucinogens"),
    Term("inhalants", "Inhalants"),
    Term("behaviours", "Gambling and other behaviours"),
    Term("other", "Other"),
)

SUBSTANCES: Final[tuple[Term, ...]] = (
    Term("alcohol", "Alcohol", "alcohol"),
    Term("heroin", "Heroin", "opioids"),
    Term("fentanyl", "Fentanyl", "opioids"),
    Term("prescription_opioids", "Prescription opioids", "opioids"),
    Term("methadone_misuse", "Methadone (misuse)", "opioids"),
    Term("methamphetamine", "Methamphetamine", "stimulants"),
    Term("cocaine", "Cocaine / crack", "stimulants"),
    Term("prescription_stimulants", "Prescription stimulants", "stimulants"),
    Term("cannabis", "Cannabis", "cannabis"),
    Term("benzodiazepines", "Benzodiazepines", "sedatives"),
    Term("other_sedatives", "Other sedatives", "sedatives"),
    Term("hallucinogens", "Hallucinogens", "hallucinogens"),
    Term("inhalants", "Inhalants", "inhalants"),
    Term("gambling", "Gambling", "behaviours"),
    Term("other", "Other", "other"),
)

PATHWAYS: Final[tuple[Term, ...]] = (
    Term("twelve_step", "12-step (AA, NA, CA, CMA…)"),
    Term("smart_recovery", "SMART Recovery"),
    Term("recovery_dharma", "Recovery Dharma / Refuge Recovery"),
    Term("faith_based", "Faith-based (e.g. Celebrate Recovery)"),
    Term("secular", "Secular (LifeRing, SOS)"),
    Term("medication_supported", "Medication-supported recovery"),
    Term("harm_reduction", "Harm reduction"),
    Term("exploring", "Undecided / exploring"),
)

MEDICATIONS: Final[tuple[Term, ...]] = (
    Term("none", "No medication"),
    Term("buprenorphine", "Buprenorphine"),
    Term("methadone", "Methadone"),
    Term("naltrexone", "Naltrexone"),
)

MEETING_MODES: Final[tuple[Term, ...]] = (
    Term("in_person", "In person"),
    Term("video", "Video call"),
    Term("phone", "Phone call"),
    Term("text", "Text / chat"),
)

GENDERS: Final[tuple[Term, ...]] = (
    Term("woman", "Woman"),
    Term("man", "Man"),
    Term("nonbinary", "Non-binary"),
    Term("other", "Another gender"),
)

LIVED_EXPERIENCE: Final[tuple[Term, ...]] = (
    Term("lgbtq", "LGBTQ+"),
    Term("veteran", "Veteran"),
    Term("parent", "Parent"),
    Term("justice_involved", "Justice involvement"),
    Term("co_occurring", "Co-occurring mental health"),
    Term("faith", "Faith is an important part of life"),
)

LANGUAGES: Final[tuple[Term, ...]] = (
    Term("en", "English"),
    Term("es", "Spanish"),
    Term("fr", "French"),
    Term("pt", "Portuguese"),
    Term("zh", "Chinese"),
    Term("vi", "Vietnamese"),
    Term("ar", "Arabic"),
    Term("ru", "Russian"),
    Term("ko", "Korean"),
    Term("tl", "Tagalog"),
    Term("ht", "Haitian Creole"),
    Term("de", "German"),
    Term("pl", "Polish"),
    Term("asl", "American Sign Language"),
)

CONTACT_METHODS: Final[tuple[Term, ...]] = (
    Term("phone", "Phone"),
    Term("text", "Text message"),
    Term("email", "Email"),
)

SUBSTANCE_CODES: Final = frozenset(t.code for t in SUBSTANCES)
FAMILY_OF: Final[dict[str, str]] = {t.code: t.family or t.code for t in SUBSTANCES}
PATHWAY_CODES: Final = frozenset(t.code for t in PATHWAYS)
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
        "name": "988 Suicide & Crisis Lifeline",
        "contact": "Call or text 988 (press 2 for Spanish)",
        "region": "US",
        "links": [
            {"label": "Call 988", "href": "tel:988"},
            {"label": "Text 988", "href": "sms:988"},
        ],
    },
    {
        "name": "SAMHSA National Helpline",
        "contact": "1-800-662-4357, English and Spanish (TTY 1-800-487-4889)",
        "region": "US",
        "links": [
            {"label": "Call 1-800-662-4357", "href": "tel:18006624357"},
            {"label": "TTY 1-800-487-4889", "href": "tel:18004874889"},
        ],
    },
)
CRISIS_NOTICE: Final = (
    "If you are in danger right now, call or text 988, or call 911. "
    "Peer mentors are not clinicians and cannot provide emergency help."
)


def as_dict() -> dict[str, object]:
    """The whole vocabulary as served at GET /api/v1/vocabulary."""

    def terms(items: tuple[Term, ...]) -> list[dict[str, str]]:
        return [
            {"code": t.code, "label": t.label} | ({"family": t.family} if t.family else {})
            for t in items
        ]

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
        "crisis_resources": list(CRISIS_RESOURCES),
    }
