"""Benchmark importing a spreadsheet of 10,000 mentors per back end (issue 18: under 30 s).

Plain script; prints a markdown table (figures for docs/benchmarks.md). Each back end gets
a fresh migrated database (SQLite file, throwaway PostgreSQL database). The file is a CSV of
10,000 varied mentors written as people write them (headers with synonyms, "AA; NA", US
dates, Yes/No); the import is the one `mentormatch import mentors` and the page run: read,
check every row with the API's schemas, match against the program, then write every row in
one transaction (accounts, profiles, invitations, audit). Measured: the check alone (what
a dry run costs), the whole import as the page's Import runs it (the upload kept, a job
started and run: the check again with its progress reports, then the writes), and the
same file again that way (nothing changes).
"""

from __future__ import annotations

import argparse
import io
import os
import platform
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script: make `tests` importable for its db helpers
    sys.path.insert(0, str(ROOT))

from sqlalchemy import func, select  # noqa: E402
from tests.db import throwaway_database  # noqa: E402
from tests.factories import make_user  # noqa: E402

from mentormatch import migrate  # noqa: E402
from mentormatch.accounts.models import AccountToken, Role  # noqa: E402
from mentormatch.accounts.principal import Principal  # noqa: E402
from mentormatch.config import Settings  # noqa: E402
from mentormatch.db import make_engine, make_sessionmaker, utcnow  # noqa: E402
from mentormatch.mentors.models import Mentor  # noqa: E402
from mentormatch.programs.models import DEFAULT_PROGRAM_ID, Program  # noqa: E402
from mentormatch.spreadsheets import import_, jobs, uploads  # noqa: E402
from mentormatch.spreadsheets.models import ImportJob  # noqa: E402

TARGET_SECONDS = 30.0
HEADER = ["Member ID", "E-mail", "First name", "Sex", "Year of birth", "Languages",
          "Time zone", "Substances", "Recovery pathways", "MAT affirming", "Meeting mode",
          "Sobriety date", "Max mentees", "Availability"]  # fmt: skip


def mentors_csv(count: int, seed: int = 7) -> bytes:
    """`count` varied mentors as a CSV people would send."""
    rng = random.Random(seed)
    out = io.StringIO()
    out.write(",".join(HEADER) + "\r\n")
    for i in range(count):
        row = [
            f"M-{i:05d}", f"mentor{i}@example.org", rng.choice(["Alex", "Bea", "Cy", "Dee"]),
            rng.choice(["M", "female", "Non-binary"]), str(rng.randint(1950, 1995)),
            rng.choice(['"English; Spanish"', "en", "es"]),
            rng.choice(["America/Chicago", "America/New_York", "UTC"]),
            rng.choice(['"heroin, alcohol"', "Methamphetamine", "cannabis"]),
            rng.choice(['"AA; NA"', "SMART", ""]), rng.choice(["Y", "no", "TRUE", "0"]),
            rng.choice(['"Video call; phone"', "video", "text"]),
            f"{rng.randint(1, 12)}/{rng.randint(1, 28)}/{rng.randint(2000, 2020)}",
            str(rng.randint(1, 3)), rng.choice(['"Mon 18-21; Sat 9-12"', "", "Wed 7-9"]),
        ]  # fmt: skip
        out.write(",".join(row) + "\r\n")
    return out.getvalue().encode()


def run(backend: str, count: int) -> tuple[float, float, float, float]:
    """Seconds for the check alone, the whole import, the same file again; CPU seconds of
    this process for the import."""
    content = mentors_csv(count)
    with tempfile.TemporaryDirectory() as tmp, throwaway_database(backend, Path(tmp)) as url:
        migrate.upgrade(url)
        settings = Settings(environment="test", database_url=url, _env_file=None)  # type: ignore[call-arg]
        engine = make_engine(url)
        try:
            sessions = make_sessionmaker(engine)
            with sessions() as session:
                user = make_user(session, Role.coordinator)
                session.commit()
                me = Principal(Role.coordinator, user_id=user.id,
                               program_ids=frozenset((DEFAULT_PROGRAM_ID,)))  # fmt: skip
                program = session.get_one(Program, DEFAULT_PROGRAM_ID)

                def check() -> import_.Plan:
                    plan = import_.check(session, kind="mentors", program=program,
                                         content=content, filename="bench.csv", chosen=None,
                                         settings=settings)  # fmt: skip
                    assert not plan.problems, plan.problems[:3]
                    return plan

                start = time.perf_counter()
                check()
                session.rollback()
                dry = time.perf_counter() - start

                def through_the_page() -> ImportJob:
                    """Upload, start the job and run it, as the page's Import does."""
                    key = uploads.store(session, actor=me, kind="mentors", program=program,
                                        filename="bench.csv", content=content,
                                        mapping={})  # fmt: skip
                    found = uploads.find(session, actor=me, key=key)
                    _, job_id = jobs.start(session, actor=me, upload=found, now=utcnow())
                    jobs.run(sessions, job_id=job_id, actor=me, settings=settings, clock=utcnow)
                    session.expire_all()
                    job = session.get_one(ImportJob, job_id)
                    assert job.state == "done", (job.state, job.message, job.problems[:3])
                    return job

                start, cpu = time.perf_counter(), time.process_time()
                job = through_the_page()
                whole, cpu = time.perf_counter() - start, time.process_time() - cpu
                assert job.created == count, job.created

                start = time.perf_counter()
                job = through_the_page()
                repeat = time.perf_counter() - start
                assert (job.created, job.updated, job.unchanged) == (0, 0, count)
                for table in (Mentor, AccountToken):
                    assert session.scalar(select(func.count()).select_from(table)) == count
        finally:
            engine.dispose()
    return dry, whole, repeat, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--quick", action="store_true", help="1,000 mentors (smoke run)")
    args = parser.parse_args()
    count = 1000 if args.quick else args.count
    backends = ("sqlite", "postgresql") if args.backend == "both" else (args.backend,)
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=ROOT
    ).stdout.strip()
    print(f"mentor import from a spreadsheet — {platform.processor() or platform.machine()}, "
          f"Python {platform.python_version()}, commit {commit}")  # fmt: skip
    print(f"load average at start: {os.getloadavg()[0]:.1f}")
    print(
        "\n| back end | mentors | check (dry run) | import | per mentor | CPU (app) "
        f"| same file again | under {TARGET_SECONDS:.0f} s |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for backend in backends:
        dry, whole, repeat, cpu = run(backend, count)
        verdict = "met" if whole < TARGET_SECONDS else "MISSED"
        print(
            f"| {backend} | {count:,} | {dry:.1f} s | {whole:.1f} s | "
            f"{whole * 1000 / count:.2f} ms | {cpu:.1f} s | {repeat:.1f} s | {verdict} |"
        )


if __name__ == "__main__":
    main()
