"""The load test's request names, shared by the driver (loadtest.py) and the locust users.

A separate module so the driver can name the routes without importing locust (which
patches the standard library with gevent).
"""

from __future__ import annotations

INTAKE = "POST /api/v1/newcomers (intake)"
QUEUE = "GET /api/v1/newcomers (coordinator list)"
PAIRINGS = "GET /api/v1/pairings (coordinator list)"
SUGGESTIONS = "GET /api/v1/newcomers/{id}/suggestions"
INBOX = "GET /api/v1/mentors/me/pairings (mentor inbox)"
HEALTHZ = "GET /healthz"

MIX = (INTAKE, QUEUE, PAIRINGS, SUGGESTIONS, INBOX)
MIX_USERS = ("NewcomerUser", "CoordinatorUser", "MentorUser")
CEILING_USERS = ("HealthUser",)
# The latency targets: p99 under 100 ms for these routes at 50 clients.
TARGET_ROUTES = (INTAKE, SUGGESTIONS)
TARGET_P99_MS = 100.0
