"""The `mentormatch` command: accounts, demo seeding, evaluation."""

from __future__ import annotations

import re
import subprocess
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from typer.testing import CliRunner

from mentormatch import demo, migrate
from mentormatch.accounts.models import User
from mentormatch.accounts.security import verify_password
from mentormatch.aftercare import demo as demo_life
from mentormatch.aftercare.models import Contact, FitCheck, Nudge
from mentormatch.cli import app
from mentormatch.config import Settings, get_settings
from mentormatch.db import make_engine, make_sessionmaker, utcnow
from mentormatch.main import create_app
from mentormatch.mentors.models import Mentor
from mentormatch.migrate import NOT_SET_UP
from mentormatch.newcomers.models import Newcomer
from mentormatch.pairings.models import Pairing, PairingEvent
from mentormatch.programs.models import Program, ProgramCoordinator
from tests.db import BACKENDS, throwaway_database
from tests.factories import link_sent_to

runner = CliRunner()
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def sqlite_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("MENTORMATCH_DATABASE_URL", url)
    monkeypatch.setenv("MENTORMATCH_PUBLIC_BASE_URL", "unset")  # `demo` sets it; undone after
    monkeypatch.delenv("MENTORMATCH_PUBLIC_BASE_URL")
    get_settings.cache_clear()
    migrate.upgrade(url)
    yield url
    get_settings.cache_clear()


class TestUsersCreate:
    def test_creates_a_coordinator_with_the_password_from_stdin(self, sqlite_url: str) -> None:
        result = runner.invoke(
            app,
            [
                "users",
                "create",
                "--role",
                "coordinator",
                "--email",
                "Lee@Example.org",
                "--password-stdin",
            ],
            input="a-long-enough-password\n",
        )
        assert result.exit_code == 0, result.output
        with make_sessionmaker(make_engine(sqlite_url))() as session:
            user = session.scalar(select(User).where(User.email == "lee@example.org"))
            assert user is not None
            assert user.password_hash.startswith("$argon2id$")
            assert verify_password(user.password_hash, "a-long-enough-password")

    @pytest.mark.parametrize(
        ("args", "stdin", "message"),
        [
            (
                ["--role", "mentor", "--email", "a@example.org"],
                "a-long-enough-password\n",
                "--role",
            ),
            (
                ["--role", "coordinator", "--email", "not-an-email"],
                "a-long-enough-password\n",
                "email",
            ),
            (["--role", "coordinator", "--email", "a@example.org"], "short\n", "password"),
        ],
    )
    def test_bad_input_is_a_clear_error_naming_the_field(
        self, sqlite_url: str, args: list[str], stdin: str, message: str
    ) -> None:
        result = runner.invoke(app, ["users", "create", *args, "--password-stdin"], input=stdin)
        assert result.exit_code == 2
        assert message in result.output
        assert "Traceback" not in result.output

    def test_invite_queues_a_link_and_sets_no_password(self, sqlite_url: str) -> None:
        args = ["users", "create", "--role", "admin", "--email", "inv@example.org", "--invite"]
        result = runner.invoke(app, args)
        assert result.exit_code == 0, result.output
        assert "invitation" in result.output
        with make_sessionmaker(make_engine(sqlite_url))() as session:
            user = session.scalar(select(User).where(User.email == "inv@example.org"))
            assert user is not None and user.invited
            assert "/account/set-password?token=mma_" in link_sent_to(session, "inv@example.org")

    def test_a_coordinator_joins_the_programs_named(self, sqlite_url: str) -> None:
        with make_sessionmaker(make_engine(sqlite_url))() as session:
            session.add(Program(slug="evening", name="Evening circle"))
            session.commit()
        args = ["users", "create", "--email", "two@example.org", "--password-stdin"]
        both = [*args, "--program", "main", "--program", "evening"]
        result = runner.invoke(app, both, input="a-long-enough-password\n")
        assert result.exit_code == 0, result.output
        assert "in evening, main" in result.output
        unknown = ["users", "create", "--email", "x@example.org", "--program", "nowhere"]
        refused = runner.invoke(
            app, [*unknown, "--password-stdin"], input="a-long-enough-password\n"
        )
        assert refused.exit_code == 2 and "nowhere" in refused.output
        # Without --program on an installation of two programs: an account in none yet.
        alone = ["users", "create", "--email", "none@example.org", "--password-stdin"]
        lonely = runner.invoke(app, alone, input="a-long-enough-password\n")
        assert lonely.exit_code == 0 and "not in any program yet" in lonely.output
        with make_sessionmaker(make_engine(sqlite_url))() as session:
            members = session.execute(
                select(User.email, Program.slug)
                .join(ProgramCoordinator, ProgramCoordinator.user_id == User.id)
                .join(Program, Program.id == ProgramCoordinator.program_id)
                .order_by(Program.slug)
            ).all()
            assert [tuple(m) for m in members] == [
                ("two@example.org", "evening"),
                ("two@example.org", "main"),
            ]

    def test_a_common_password_is_refused(self, sqlite_url: str) -> None:
        args = ["users", "create", "--email", "weak@example.org", "--password-stdin"]
        result = runner.invoke(app, args, input="password1234\n")
        assert result.exit_code == 2
        assert "password: too easy to guess" in result.output

    def test_duplicate_email_is_refused(self, sqlite_url: str) -> None:
        args = ["users", "create", "--email", "dup@example.org", "--password-stdin"]
        assert runner.invoke(app, args, input="a-long-enough-password\n").exit_code == 0
        again = runner.invoke(app, args, input="a-long-enough-password\n")
        assert again.exit_code == 2
        assert "already exists" in again.output


class TestDemoSeed:
    def test_seeds_once_and_mentors_can_sign_in(self, sqlite_url: str) -> None:
        factory = make_sessionmaker(make_engine(sqlite_url))
        with factory() as session:
            assert not demo.is_seeded(session)
            counts = demo.seed_demo(session, mentors=12, newcomers=20)
            assert demo.is_seeded(session)
            assert session.scalar(select(func.count()).select_from(Mentor)) == counts["mentors"]
            assert session.scalar(select(func.count()).select_from(Newcomer)) == counts["newcomers"]
            mentor_user = session.scalar(select(User).where(User.role == "mentor"))
            assert mentor_user is not None
            assert verify_password(mentor_user.password_hash, demo.MENTOR_PASSWORD)
        result = runner.invoke(app, ["demo", "--no-serve"])
        assert result.exit_code == 0, result.output
        assert "already seeded" in result.output
        for email in (demo.COORDINATOR_EMAIL, demo.PUENTE_COORDINATOR_EMAIL):
            assert email in result.output
        assert "Recovery Partners" in result.output and "/p/puente/" in result.output

    def test_the_demo_shows_pairings_at_every_stage_in_each_program(self, sqlite_url: str) -> None:
        settings = Settings(environment="test", database_url=sqlite_url, _env_file=None)  # type: ignore[call-arg]
        with make_sessionmaker(make_engine(sqlite_url))() as session:
            demo.seed_demo(session, mentors=30, newcomers=60)
            made = demo_life.seed(session, settings=settings, now=utcnow())
            pairings = session.scalars(select(Pairing)).all()
            assert made == len(pairings) >= 10
            statuses = {(p.program_id, str(p.status)) for p in pairings}
            for program_id in {p.program_id for p in pairings}:  # both programs
                assert {(program_id, "active"), (program_id, "ended")} <= statuses
            assert any(status == "approved" for _, status in statuses)  # a request waits
            reasons = Counter(
                session.scalars(
                    select(PairingEvent.reason).where(PairingEvent.to_status == "ended")
                )
            )
            assert reasons["completed"] == 2 and reasons["no_contact"] >= 1  # as planned, early
            not_a_fit = session.scalars(
                select(FitCheck.pairing_id).where(FitCheck.answer == "not_a_fit")
            ).all()
            logged = session.scalars(select(Contact.pairing_id).distinct()).all()
            quiet = session.scalars(
                select(Nudge.pairing_id).where(Nudge.kind == "quiet_escalation")
            ).all()
            assert len(quiet) == 2 and not set(logged) & set(quiet) and not_a_fit
            first = session.scalar(
                select(User.email).where(User.role == "mentor").order_by(User.id)
            )
        web = create_app(settings)
        try:
            with TestClient(web) as client:
                token = client.post(
                    "/api/v1/auth/token",
                    data={
                        "username": demo.COORDINATOR_EMAIL,
                        "password": demo.COORDINATOR_PASSWORD,
                    },
                ).json()["access_token"]
                client.cookies.set("mm_staff", token)
                assert "1 quiet pairing needs a look" in client.get("/coordinator/dashboard").text
                mentor = client.post(
                    "/api/v1/auth/token", data={"username": first, "password": demo.MENTOR_PASSWORD}
                ).json()["access_token"]
                client.cookies.set("mm_staff", mentor)
                inbox = client.get("/mentor").text
                pairing = re.search(r'href="/mentor/pairings/(\d+)#contacts"', inbox)
                assert pairing, inbox
                page = client.get(f"/mentor/pairings/{pairing.group(1)}").text
                assert "7 contacts logged in the last 8 weeks" in page
        finally:
            web.state.engine.dispose()

    def test_two_programs_with_visibly_different_settings(self, sqlite_url: str) -> None:
        with make_sessionmaker(make_engine(sqlite_url))() as session:
            demo.seed_demo(session, mentors=30, newcomers=40)
        web = create_app(Settings(environment="test", database_url=sqlite_url, _env_file=None))  # type: ignore[call-arg]
        try:
            with TestClient(web) as client:
                home = client.get("/").text
                assert 'href="/p/main/"' in home and 'href="/p/puente/"' in home
                assert "Recovery Partners" in home and "Puente" in home
                puente = client.get("/p/puente/").text
                assert re.findall(r'name="languages" value="(\w+)"', puente) == ["es", "en"]
                assert 'id="same_gender" checked' in puente
                assert "Línea Nacional de Ayuda de SAMHSA" in puente
                partners = client.get("/p/main/").text
                assert len(re.findall(r'name="languages" value="(\w+)"', partners)) > 2
                assert 'id="same_gender" checked' not in partners
                seen = {}
                for email, password in (
                    (demo.COORDINATOR_EMAIL, demo.COORDINATOR_PASSWORD),
                    (demo.PUENTE_COORDINATOR_EMAIL, demo.PUENTE_COORDINATOR_PASSWORD),
                ):
                    token = client.post(
                        "/api/v1/auth/token", data={"username": email, "password": password}
                    ).json()["access_token"]
                    staff = {"Authorization": f"Bearer {token}"}
                    mentors = client.get("/api/v1/mentors?limit=100", headers=staff).json()
                    queue = client.get("/api/v1/newcomers?limit=100", headers=staff).json()
                    seen[email] = (mentors["items"], queue["items"])
        finally:
            web.state.engine.dispose()
        partners_mentors, partners_queue = seen[demo.COORDINATOR_EMAIL]
        puente_mentors, puente_queue = seen[demo.PUENTE_COORDINATOR_EMAIL]
        assert partners_mentors and partners_queue and puente_mentors and puente_queue
        # Each coordinator sees only their program's people; Puente's all speak Spanish.
        assert not {m["id"] for m in partners_mentors} & {m["id"] for m in puente_mentors}
        assert all("es" in m["languages"] for m in puente_mentors)
        assert all("es" in n["languages"] for n in puente_queue)

    def test_slots_round_trip_hours(self) -> None:
        hours = [24 + 18, 24 + 19, 24 + 20, 3 * 24 + 7]
        blocks = demo.slots(hours)
        assert blocks == [
            {"day": 1, "start_hour": 18, "end_hour": 21},
            {"day": 3, "start_hour": 7, "end_hour": 8},
        ]


def test_evaluate_prints_ranker_and_baseline_with_no_violations() -> None:
    result = runner.invoke(app, ["evaluate", "--newcomers", "120", "--mentors", "80"])
    assert result.exit_code == 0, result.output
    lines = {line.split()[0]: line.split() for line in result.output.splitlines() if line}
    ranker, baseline = lines["ranker"], lines["random"]
    assert float(ranker[1]) > float(baseline[2])
    assert ranker[2] == "0"


# --- one database, and a clear refusal of one that is not migrated ----------------------

DB_COMMANDS = [
    ["users", "create", "--email", "lee@example.org", "--password-stdin"],
    ["pairings", "expire"],
    ["pairings", "quiet"],
    ["pairings", "deliver"],
    ["backup", "backup.dump"],
    ["serve", "--port", "8101"],
]


@pytest.fixture(params=BACKENDS)
def empty_url(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[str]:
    """An empty database per back end, named by MENTORMATCH_DATABASE_URL."""
    with throwaway_database(request.param, tmp_path) as url:
        monkeypatch.setenv("MENTORMATCH_DATABASE_URL", url)
        monkeypatch.setenv("MENTORMATCH_SMTP_URL", "smtp://127.0.0.1:1")
        # `demo` and `serve` set it for their workers: undone after the test.
        monkeypatch.setenv("MENTORMATCH_PUBLIC_BASE_URL", "unset")
        monkeypatch.delenv("MENTORMATCH_PUBLIC_BASE_URL")
        monkeypatch.chdir(tmp_path)
        get_settings.cache_clear()
        yield url
        get_settings.cache_clear()


def _refused_in_one_line(args: list[str]) -> None:
    result = runner.invoke(app, args, input="a-long-enough-password\n")
    assert result.exit_code == 2, (args, result.output)
    assert result.stderr == f"{NOT_SET_UP}\n", (args, result.stderr)
    assert result.stdout == "", (args, result.stdout)
    assert "Traceback" not in result.output


class TestUnmigratedDatabase:
    @pytest.mark.parametrize("args", DB_COMMANDS, ids=lambda a: " ".join(a[:2]))
    def test_every_command_but_upgrade_says_run_db_upgrade(
        self, empty_url: str, args: list[str]
    ) -> None:
        _refused_in_one_line(args)

    def test_a_database_one_revision_behind_is_refused_until_upgraded(self, empty_url: str) -> None:
        migrate.upgrade(empty_url)
        migrate.downgrade(empty_url, "-1")
        _refused_in_one_line(DB_COMMANDS[0])
        upgraded = runner.invoke(app, ["db", "upgrade"])
        assert upgraded.exit_code == 0, upgraded.output
        created = runner.invoke(app, DB_COMMANDS[0], input="a-long-enough-password\n")
        assert created.exit_code == 0, created.output

    def test_the_app_answers_503_until_upgraded(self, empty_url: str) -> None:
        web = create_app(Settings(environment="test", database_url=empty_url, _env_file=None))  # type: ignore[call-arg]
        try:
            with TestClient(web) as client:
                page = client.get("/")
                assert page.status_code == 503
                assert "mentormatch db upgrade" in page.text
                assert page.headers["content-type"].startswith("text/html")
                api = client.get("/api/v1/vocabulary")
                assert api.status_code == 503
                assert api.json() == {"type": "service_unavailable", "detail": NOT_SET_UP}
                migrate.upgrade(empty_url)
                assert client.get("/").status_code == 200
                assert client.get("/api/v1/vocabulary").status_code == 200
        finally:
            web.state.engine.dispose()


def test_make_demo_and_the_cli_share_the_default_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`make demo` sets no database of its own: the demo and `mentormatch users create` both
    use the settings' default (data/mentormatch.db)."""
    fake = tmp_path / "mentormatch"
    fake.write_text('#!/bin/sh\necho "database=${MENTORMATCH_DATABASE_URL-default}"\n')
    fake.chmod(0o755)
    (tmp_path / "stamp").touch()
    monkeypatch.delenv("MENTORMATCH_DATABASE_URL", raising=False)
    shown = subprocess.run(
        [
            "make",
            "--no-print-directory",
            "-s",
            "demo",
            f"BIN={tmp_path}",
            f"STAMP={tmp_path}/stamp",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert shown.stdout.strip() == "database=default"
    assert Settings(_env_file=None).database_url == f"sqlite:///{ROOT / 'data' / 'mentormatch.db'}"  # type: ignore[call-arg]
