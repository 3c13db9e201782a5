"""Checking an import: each row read, validated by the API's own schemas, matched to the
program's people, and every problem said by row and column in a coordinator's words.

Nothing here writes: `import_.apply` writes a checked plan, all of it or none.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ValidationError

from mentormatch.config import Settings
from mentormatch.errors import MentorMatchError
from mentormatch.mentors import service as mentor_rules
from mentormatch.mentors.schemas import MentorCreate
from mentormatch.newcomers import service as newcomer_rules
from mentormatch.newcomers.schemas import NewcomerIntake
from mentormatch.programs.models import Program
from mentormatch.programs.settings import ProgramSettings, effective
from mentormatch.spreadsheets import cells, columns
from mentormatch.spreadsheets.files import Table

# Export-only columns, named so the preview says they are not imported (not "unknown").
NOT_IMPORTED = frozenset(
    columns.key(h)
    for h in (
        "program",
        "load",
        "vetted",
        "active",
        "paused",
        "created at",
        "reference",
        "status",
        "urgent",
        "waiting since",
        "consent",
    )
)
# The vocabulary each schema message names ("unknown meeting mode code …").
VOCABULARY_OF = {"meeting mode": "mode", "lived-experience": "experience",
                 "contact method": "contact"}  # fmt: skip
PROGRESS_EVERY = 500  # rows checked between two reports of progress


@dataclass(frozen=True)
class Problem:
    row: int | None  # None: the whole file
    column: str | None
    message: str

    def __str__(self) -> str:
        where = f"Row {self.row}" if self.row is not None else "The file"
        column = f", column “{self.column}”" if self.column else ""
        return f"{where}{column}: {self.message}"


@dataclass
class Row:
    number: int
    body: BaseModel
    external_id: str | None
    shares_with_mentor: bool = False
    existing: Any = None  # the Mentor or Newcomer it updates
    changes: dict[str, Any] = field(default_factory=dict)


@dataclass
class Plan:
    kind: str
    program: Program
    headers: list[str]
    fields: list[str | None]  # the field each column is read as
    chosen: dict[str, str] = field(default_factory=dict)  # the choices (by header) applied
    read: int = 0  # rows read (blank rows aside)
    _rules: ProgramSettings | None = None
    rows: list[Row] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def rules(self, settings: Settings) -> ProgramSettings:
        """The program's settings in force (worked out once per check)."""
        if self._rules is None:
            self._rules = effective(self.program, settings)
        return self._rules

    @property
    def creates(self) -> list[Row]:
        return [r for r in self.rows if r.existing is None]

    @property
    def updates(self) -> list[Row]:
        return [r for r in self.rows if r.existing is not None and r.changes]

    @property
    def unchanged(self) -> int:
        return sum(1 for r in self.rows if r.existing is not None and not r.changes)


def choose_fields(kind: str, headers: list[str], chosen: dict[str, str]) -> list[str | None]:
    """The field each column is read as: the coordinator's choice, else the one its header
    names; "" (chosen) or None means the column is left out."""
    known = columns.by_name(kind)
    out: list[str | None] = []
    for header in headers:
        pick = chosen.get(header)
        out.append(
            (pick or None)
            if pick is not None and (pick in known or pick == "")
            else columns.recognise(kind, header)
        )
    return out


def file_problems(kind: str, headers: list[str], fields: list[str | None]) -> list[Problem]:
    problems = []
    seen: dict[str, str] = {}
    for header, name in zip(headers, fields, strict=True):
        if name is None:
            continue
        if name in seen:
            problems.append(
                Problem(
                    None,
                    header,
                    f"both “{seen[name]}” and “{header}” are read "
                    f"as {columns.by_name(kind)[name].label.lower()}; choose one",
                )
            )
        seen[name] = header
    for f in columns.FIELDS[kind]:
        if f.name in columns.required(kind) and f.name not in seen:
            problems.append(
                Problem(
                    None,
                    None,
                    f"no column holds the {f.label.lower()}, which "
                    "is required: rename a column or choose one below",
                )
            )
    return problems


def _say(error: Any, label: str) -> str:
    """A pydantic error in a coordinator's words."""
    kind, message = error["type"], str(error["msg"]).removeprefix("Value error, ")
    if kind == "missing":
        return f"the {label.lower()} is required; this cell is empty"
    if "see GET /api/v1/vocabulary" in message:
        what = message.removeprefix("unknown ").split(" code ")[0]
        words = ", ".join(t.label for t in cells.VOCABULARIES[VOCABULARY_OF.get(what, what)])
        return f"{error.get('input')!r} is not a {what} on the list; use one of: {words}"
    if kind == "string_pattern_mismatch":
        return f"{str(error.get('input'))!r} is not a valid {label.lower()}"
    return message.replace("Input should be", "must be").replace("List should", "must")


def _validate(
    plan: Plan, settings: Settings, number: int, data: dict[str, Any], column_of: dict[str, str]
) -> BaseModel | None:
    labels = {f.name: f.label for f in columns.FIELDS[plan.kind]}
    model: type[BaseModel] = MentorCreate if plan.kind == "mentors" else NewcomerIntake
    data = {k: v for k, v in data.items() if k not in ("external_id", "shares_with_mentor")}
    data["program"] = plan.program.slug
    if plan.kind == "newcomers":
        consent = {
            "agree": True,
            "version": settings.consent_version,
            "share_with_mentor": bool(data.pop("_shares", False)),
        }
        data |= {"in_crisis": False, "consent": consent}
    try:
        body = model.model_validate(data)
        rules = plan.rules(settings)
        if isinstance(body, MentorCreate):
            mentor_rules.check_program_rules(body, rules)
        elif isinstance(body, NewcomerIntake):
            newcomer_rules.check_program_rules(birth_year=body.birth_year, rules=rules)
        return body
    except ValidationError as exc:
        for error in exc.errors():
            name = str(error["loc"][0]) if error["loc"] else ""
            label = labels.get(name, name.replace("_", " "))
            if name not in column_of and error["type"] == "missing":
                continue  # said once for the whole file
            plan.problems.append(Problem(number, column_of.get(name, label), _say(error, label)))
    except MentorMatchError as exc:
        name = exc.field or ""
        plan.problems.append(
            Problem(number, column_of.get(name, labels.get(name)), exc.message.split(": ", 1)[-1])
        )
    return None


def read_rows(
    plan: Plan, table: Table, settings: Settings, progress: Callable[[int], None] | None = None
) -> None:
    """Read and validate every row; duplicates inside the file are problems. `progress` is
    told the rows checked so far, every `PROGRESS_EVERY` rows."""
    column_of = {f: h for h, f in zip(plan.headers, plan.fields, strict=True) if f}
    readers = columns.by_name(plan.kind)
    first_seen: dict[tuple[str, str], int] = {}
    for done, (number, values) in enumerate(table.rows):
        if progress is not None and done and done % PROGRESS_EVERY == 0:
            progress(done)
        data: dict[str, Any] = {}
        ok = True
        for index, name in enumerate(plan.fields):
            raw = values[index] if index < len(values) else ""
            if name is None or not cells.text(raw):
                continue
            try:
                data[name] = readers[name].read(raw)
            except cells.CellProblem as exc:
                plan.problems.append(Problem(number, plan.headers[index], str(exc)))
                ok = False
        shares = bool(data.get("shares_with_mentor", False))
        if plan.kind == "newcomers":
            data["_shares"] = shares
        external = data.get("external_id")
        if external is not None and (len(external) > 64 or not external.isprintable()):
            plan.problems.append(
                Problem(
                    number,
                    column_of.get("external_id"),
                    "an id is at most 64 letters, digits or signs, without control characters",
                )
            )
            ok = False
        body = _validate(plan, settings, number, data, column_of) if ok else None
        if body is None:
            continue
        for what in ("email", "external_id"):
            value = getattr(body, what, None) if what == "email" else external
            if value is None:
                continue
            seen_key = (what, str(value).casefold())
            if seen_key in first_seen:
                plan.problems.append(
                    Problem(
                        number,
                        column_of.get(what),
                        f"the same {what.replace('_', ' ')} as row {first_seen[seen_key]}: "
                        "a person appears once in a file",
                    )
                )
                body = None
                break
            first_seen[seen_key] = number
        if body is not None:
            plan.rows.append(Row(number, body, external and str(external), shares))
