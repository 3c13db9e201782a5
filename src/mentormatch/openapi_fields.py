"""What each request field means and an example of each request body, for the API docs.

A field described where it is declared (`Field(description=...)`) keeps its words; every
other request field takes the words here, by name (the same name means the same thing in
every body) or, where one name means different things, by body and name. Each request body
without an example of its own takes the one here. `tests/api/test_openapi_words.py` walks
the document and fails on any request field without a description or body without an example.
"""

from __future__ import annotations

from typing import Any, Final

from mentormatch.newcomers.schemas import INTAKE_EXAMPLE

BY_NAME: Final[dict[str, str]] = {
    # people
    "first_name": "First name or nickname, as the person wants to be called",
    "email": "Email address (optional for newcomers)",
    "phone": "Phone number with its area code, or +country code for a number abroad; "
    "checked as a real number (libphonenumber)",
    "preferred_contact": "The best way to reach them: a contact method code",
    "share_contact": "Share the phone or email with the mentor once the pairing is active",
    "gender": "Their gender: a gender code (GET /api/v1/vocabulary)",
    "gender_pref": "Genders the newcomer would like their mentor to be (empty: any)",
    "mentee_genders": "Genders of the people this mentor can mentor (empty: anyone)",
    "birth_year": "Year of birth (four digits); ages follow the program's limits",
    "age": "Weight of closeness in age",
    "languages": "Languages they can talk in: ISO 639-1 codes",
    "timezone": "Their IANA time zone, e.g. America/Chicago: availability is in it",
    "availability": "Weekly hours they are usually free, in their own time zone",
    "day": "Day of the week: 0 = Monday … 6 = Sunday",
    "start_hour": "First hour of the block (0-23), local time",
    "end_hour": "Hour the block ends (1-24, after start_hour), local time",
    "substances": "What they are recovering from: substance codes",
    "pathway": "The recovery pathway they follow or are curious about (optional)",
    "pathways": "Recovery pathways the mentor follows",
    "pathways_ruled_out": "Pathways the mentor will not support (never paired with them)",
    "medication": "Medication for recovery: none, buprenorphine, methadone or naltrexone",
    "medication_affirming": "The mentor supports people who take medication for recovery",
    "meeting_modes": "Ways they can meet: in_person, video, phone, text",
    "latitude": "Where they are, roughly (degrees); needed for in-person meetings",
    "longitude": "Where they are, roughly (degrees); needed for in-person meetings",
    "travel_radius_km": "How far they can travel to meet in person, in km",
    "lived_experience": "Lived experience that is part of their own life (codes)",
    "wanted_experience": "Lived experience the newcomer would like their mentor to share",
    "hopes": "What the newcomer hopes for from a mentor, in their own words",
    "interests": "The mentor's interests and what they can offer, in their own words",
    "recovery_start": "When their current recovery began (YYYY-MM-DD, not in the future)",
    "capacity": "How many people the mentor can mentor at once",
    "paused": "Step back for now: ends current pairings and stops new requests",
    "vetted": "The program has vetted and trained the mentor",
    "youth_vetted": "Vetted to mentor people under 18 (programs that serve youth)",
    "active": "The mentor is in the pool (false: retired)",
    "consent": "The intake's consent (required to complete a minimal urgent request)",
    "version": "The version you read; a newer one answers 409",
    "urgent": "Flag the newcomer as an urgent case",
    "status": "The newcomer's request: waiting (in the queue) or closed",
    # pairings
    "newcomer_id": "The newcomer's id",
    "mentor_id": "The mentor's id",
    "note": "An optional note for the coordinators (never shown to the newcomer)",
    # accounts
    "username": "The account's email address",
    "password": "The password: 12-128 characters, hard to guess (zxcvbn score 3 or more)",
    "current_password": "The password in use now",
    "new_password": "The new password: 12-128 characters, hard to guess",
    "token": "The token from the invitation or reset link (mma_…)",
    "role": "The account's role",
    "is_active": "Enabled (true) or disabled (false); disabling signs the account out",
    "programs": "Ids of the programs a coordinator works in",
    "user_ids": "The ids of every coordinator of the program (replaces the list)",
    # programs
    "name": "The program's name, as people see it",
    "slug": "The program's address: lower-case letters, digits and hyphens (/p/{slug}/)",
    "archived": "Archive (true) or reopen (false) the program",
    # program settings: the weights of the criteria
    "substance": "Weight of a shared substance history",
    "schedule": "Weight of hours free at the same time",
    "experience": "Weight of shared lived experience the newcomer asked for",
    "text": "Weight of similar hopes and interests (free text)",
    "load": "Weight of spreading requests over mentors with more free places",
    "modes": "Weight of shared ways of meeting",
    "handled": "This attempt closes the urgent case (only after reaching them)",
    "outcome": "What came of the attempt to reach them",
}
# Where one name means different things in different bodies: (body schema, field).
BY_BODY: Final[dict[tuple[str, str], str]] = {
    ("RejectBody", "reason"): "Why the coordinator rejects the proposal",
    ("DeclineBody", "reason"): "Why the mentor declines",
    ("EndBody", "reason"): "Why the pairing ends; safety or boundary also adds do-not-pair",
    ("DoNotPairCreate", "reason"): "Why these two must never be paired",
    ("ProgramSettingsPatch", "pathway"): "Weight of pathway alignment",
    ("WeightsPatch", "pathway"): "Weight of pathway alignment",
    ("UserCreate", "role"): "coordinator or admin (mentors are created as mentors)",
    ("UserCreate", "password"): "Leave out to send an invitation link instead",
}
EXAMPLES: Final[dict[str, dict[str, Any]]] = {
    "Body_accounts_issue_token": {
        "username": "coordinator@example.org",
        "password": "river lantern copper meadow",
    },
    "UserCreate": {"email": "kim@example.org", "role": "coordinator", "programs": [1]},
    "UserUpdate": {"is_active": False},
    "PasswordForgot": {"email": "kim@example.org"},
    "PasswordSet": {"token": "mma_…", "password": "river lantern copper meadow"},
    "PasswordChange": {
        "current_password": "river lantern copper meadow",
        "new_password": "harbour violet maple seven",
    },
    "NewcomerUpdate": {"phone": "+1 312 555 0142", "postal_code": "60614"},
    "NewcomerCoordinatorUpdate": {"version": 3, "urgent": False},
    "DoNotPairCreate": {"mentor_id": 7, "reason": "household"},
    "UrgentContactCreate": {"outcome": "reached", "handled": True, "note": "Called back"},
    "MentorSelfUpdate": {"capacity": 2, "paused": False},
    "MentorUpdate": {"version": 3, "vetted": True},
    "ApproveBody": {"note": "Both prefer evenings"},
    "RejectBody": {"reason": "not_a_fit", "note": "Different pathways"},
    "DeclineBody": {"reason": "no_capacity"},
    "EndBody": {"reason": "completed"},
    "ProgramCreate": {"slug": "puente", "name": "Puente"},
    "ProgramUpdate": {"name": "Puente (bilingual)"},
    "CoordinatorsSet": {"user_ids": [2, 5]},
    "NewcomerIntake": INTAKE_EXAMPLE,
}


def _properties(schemas: dict[str, Any], name: str, seen: set[str]) -> None:
    """Describe the properties of schema `name` and of the schemas it holds."""
    if name in seen:
        return
    seen.add(name)
    for field, prop in schemas[name].get("properties", {}).items():
        words = BY_BODY.get((name, field)) or BY_NAME.get(field)
        if "description" not in prop and words:
            prop["description"] = words
        for ref in _refs(prop):
            _properties(schemas, ref, seen)


def _refs(schema: dict[str, Any]) -> list[str]:
    """The component schemas a property refers to (directly, in a list or a union)."""
    found = []
    for part in [schema, schema.get("items", {}), *schema.get("anyOf", [])]:
        if "$ref" in part:
            found.append(part["$ref"].rsplit("/", 1)[-1])
        if "items" in part and part is not schema and "$ref" in part["items"]:
            found.append(part["items"]["$ref"].rsplit("/", 1)[-1])
    return found


def request_bodies(document: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """(operation, media type object) for every request body in the document."""
    return [
        (f"{method.upper()} {path}", media)
        for path, operations in document["paths"].items()
        for method, operation in operations.items()
        for media in operation.get("requestBody", {}).get("content", {}).values()
    ]


def describe(document: dict[str, Any]) -> dict[str, Any]:
    """The document with every request field described and every request body exemplified."""
    schemas = document["components"]["schemas"]
    seen: set[str] = set()
    for _, media in request_bodies(document):
        for name in _refs(media["schema"]):
            _properties(schemas, name, seen)
            schema = schemas[name]
            if "examples" not in schema and "example" not in media and name in EXAMPLES:
                media["example"] = EXAMPLES[name]
    return document
