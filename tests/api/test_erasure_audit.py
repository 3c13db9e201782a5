"""After a newcomer erases their record, no audit row tells anything about them.

Only the erasure itself stays: when, and by which role.
"""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from mentormatch.audit.models import AuditEvent
from tests.conftest import Actor

ME = "/api/v1/newcomers/me"
PAIRINGS = "/api/v1/pairings"
COLUMNS = [c.name for c in AuditEvent.__table__.columns]

# What the erased person told us, each value unlikely anywhere else.
SAM = {
    "first_name": "Zqsamwise",
    "email": "zq-sam-erased@example.org",
    "phone": "+1 312 555 9876",
    "hopes": "zq-free-text-about-my-worst-night",
    "substances": ["methamphetamine", "benzodiazepines"],
    "pathways": ["recovery_dharma"],
    "medication": "naltrexone",
    "in_crisis": True,
}
HEALTH_WORDS = ("urgent", "crisis", "danger", *SAM["substances"], *SAM["pathways"], "naltrexone")
DECLINE_NOTE = "zq-note-i-know-them-from-treatment"


def audit_rows(db: Session) -> list[dict[str, object]]:
    db.expire_all()
    return [
        {name: getattr(row, name) for name in COLUMNS}
        for row in db.scalars(select(AuditEvent).order_by(AuditEvent.id))
    ]


def approve(client: TestClient, coordinator: Actor, sam: Actor, mentor: Actor) -> int:
    response = client.post(
        PAIRINGS,
        json={"newcomer_id": sam.newcomer_id, "mentor_id": mentor.mentor_id},
        headers=coordinator.headers,
    )
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


def test_no_audit_row_reveals_the_erased_person_but_the_erasure_stays(
    client: TestClient, coordinator: Actor, make_newcomer, make_mentor, db: Session
) -> None:
    sam = make_newcomer(**SAM)
    alex, jo = make_mentor(first_name="Alex"), make_mentor(first_name="Jo")
    staff = coordinator.headers
    assert client.get(f"/api/v1/newcomers/{sam.newcomer_id}", headers=staff).is_success
    suggested = client.get(f"/api/v1/newcomers/{sam.newcomer_id}/suggestions", headers=staff)
    assert suggested.is_success, suggested.text
    why = f"/api/v1/newcomers/{sam.newcomer_id}/suggestions/{alex.mentor_id}"
    assert client.get(why, headers=staff).is_success
    client.patch(ME, json={"hopes": SAM["hopes"] + " again"}, headers=sam.headers)
    # A first mentor declines with a note; a second accepts; the pairing ends for safety.
    first = approve(client, coordinator, sam, jo)
    client.get(f"/api/v1/mentors/me/pairings/{first}", headers=jo.headers)
    declined = client.post(
        f"{PAIRINGS}/{first}/decline",
        json={"reason": "conflict_of_interest", "note": DECLINE_NOTE},
        headers=jo.headers,
    )
    assert declined.status_code == 200, declined.text
    second = approve(client, coordinator, sam, alex)
    client.get("/api/v1/mentors/me/pairings", headers=alex.headers)
    assert client.post(f"{PAIRINGS}/{second}/accept", headers=alex.headers).is_success
    ended = client.post(f"{PAIRINGS}/{second}/end", json={"reason": "safety"}, headers=staff)
    assert ended.status_code == 200, ended.text
    client.get(f"{ME}/export", headers=sam.headers)
    before = audit_rows(db)
    assert any(r["action"] == "flag_urgent" for r in before)  # the crisis answer was audited
    own = {("newcomer", sam.newcomer_id), ("pairing", first), ("pairing", second)}
    assert sum((r["object_type"], r["object_id"]) in own for r in before) >= 10

    assert client.delete(ME, headers=sam.headers).status_code == 204

    rows = audit_rows(db)
    assert len(rows) > 10  # staff reads and moves stay, unlinked, for their accountability
    values = [str(v) for k, v in SAM.items() if k not in ("substances", "in_crisis")]
    for row in rows:
        text = " ".join(str(row[name]) for name in COLUMNS).lower()
        for value in (*values, *HEALTH_WORDS, DECLINE_NOTE):
            assert value.lower() not in text, (value, row)
    about_sam = [r for r in rows if (r["object_type"], r["object_id"]) in own]
    by_sam = [r for r in rows if (r["actor_role"], r["actor_id"]) == ("newcomer", sam.newcomer_id)]
    [erasure] = about_sam
    assert by_sam == []
    assert (erasure["action"], erasure["actor_role"], erasure["outcome"]) == (
        "erase",
        "newcomer",
        "ok",
    )
    assert erasure["at"] is not None and erasure["client"] is None


def test_a_later_newcomer_inherits_no_accesses(
    client: TestClient, coordinator: Actor, make_newcomer
) -> None:
    sam = make_newcomer(in_crisis=True)
    client.get(f"/api/v1/newcomers/{sam.newcomer_id}", headers=coordinator.headers)
    assert client.delete(ME, headers=sam.headers).status_code == 204
    kim = make_newcomer(first_name="Kim")
    items = client.get(f"{ME}/accesses", headers=kim.headers).json()["items"]
    assert [(a["role"], a["action"]) for a in items] == [
        ("newcomer", "accesses"),
        ("newcomer", "create"),
    ]
