# MentorMatch — `make demo` runs the service on a seeded SQLite database,
# `make test` sets up and runs the whole suite on SQLite and PostgreSQL. The demo and the
# `mentormatch` command share one database: MENTORMATCH_DATABASE_URL, by default
# data/mentormatch.db (src/mentormatch/config.py).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: help install demo serve test test-fast lint format bench loadtest clean browser

help:
	@echo "make demo      set up, migrate, seed and serve on http://127.0.0.1:8000"
	@echo "make test      set up and run the whole suite (SQLite + PostgreSQL + browser)"
	@echo "make lint      ruff check, ruff format --check, mypy"
	@echo "make bench     ranker, assignment, mentor-creation, per-program, start-up and import benchmarks (docs/benchmarks.md)"
	@echo "make loadtest  load test, SQLite + PostgreSQL, 50 clients, ~16 min (docs/reliability.md)"

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

# Debian's Chromium for the browser tests (Playwright's own download does not work here).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
		echo "installing Debian's chromium for the browser tests"; \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
		|| { echo "could not install chromium: run 'apt-get install chromium' as root"; exit 1; }; }

demo: $(STAMP)
	$(BIN)/mentormatch demo

test: $(STAMP) browser
	$(BIN)/pytest -n 2 --dist loadgroup

test-fast: $(STAMP)
	MENTORMATCH_TEST_BACKENDS=sqlite $(BIN)/pytest -x -q -m "not browser and not slow"

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/mypy

format: $(STAMP)
	$(BIN)/ruff check --fix src tests benchmarks
	$(BIN)/ruff format src tests benchmarks

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_ranker.py
	$(BIN)/python benchmarks/bench_assignment.py
	$(BIN)/python benchmarks/bench_mentor_create.py
	$(BIN)/python benchmarks/bench_programs.py
	$(BIN)/python benchmarks/bench_cold_start.py
	$(BIN)/python benchmarks/bench_import.py

# The production server (2 workers) under a realistic mix, driven by locust from a second
# process: per back end 10k mentors, 50 clients; /healthz alone for 60 s (the ceiling),
# the mix saturated for 180 s, then paced (1 s mean pause per client) for 120 s.
loadtest: $(STAMP)
	$(BIN)/python benchmarks/loadtest.py --backend both --users 50 --mentors 10000 \
		--workers 2 --ceiling 60 --duration 180 --paced 120 --think 1

clean:
	rm -rf $(VENV) data/*.db data/*.db-* .pytest_cache .mypy_cache .ruff_cache
