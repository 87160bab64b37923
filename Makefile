# The verbs of this project. `make test` and `make demo` are the two a newcomer needs.
# Everything runs from a project-local virtual environment (.venv) that `make venv` builds from
# pyproject.toml and requirements-dev.txt, so a fresh clone needs only python3 and make.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PY     := $(BIN)/python
STAMP  := $(VENV)/.installed

.PHONY: venv generate check-generated lint typecheck test soak mutation demo bench bench-parse vendor spec-diff dist prism clean

venv: $(STAMP)

$(STAMP): pyproject.toml requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[testing,as-code]' -r requirements-dev.txt
	touch $(STAMP)

## Rebuild generated/ from spec/ (pinned generator, isolated ruff hooks, swapped in whole).
generate: $(STAMP)
	$(PY) scripts/generate.py

## Fail, naming the files, if generated/ is not exactly what the spec generates.
check-generated: $(STAMP)
	$(PY) scripts/generate.py --check

lint: $(STAMP)
	$(BIN)/ruff check src scripts tests
	$(BIN)/ruff format --check src scripts tests

# scripts/ and tests/ are checked apart, finding the package in its source folders: mypy cannot see
# through the editable install. tests/ follow pyproject's [tool.mypy] settings (strict, as it happens).
typecheck: $(STAMP)
	$(BIN)/mypy --strict src/sailpoint_sim generated/sailpoint_sim_client
	MYPYPATH=src:generated $(BIN)/mypy --strict scripts
	MYPYPATH=src:generated $(BIN)/mypy tests

## Project-local Prism (OpenAPI mock server) for the conformance tests; needs Node.js and npm.
prism:
	$(PY) scripts/install_prism.py

## The whole gate: drift check, lint, types, then every test (Prism conformance included).
test: $(STAMP)
	$(MAKE) --no-print-directory check-generated lint typecheck
	$(PY) scripts/install_prism.py --if-node
	$(PY) -m pytest

## Long profiles (fuzzing and load) that `make test` runs only briefly.
soak: $(STAMP)
	$(PY) -m pytest -m soak --hypothesis-profile=soak

## Mutation testing of the client core against the fast unit tests (minutes; not part of `make test`):
## make mutation [ARGS="--module _retry --survivors" | ARGS="--report-only"]
mutation: $(STAMP)
	$(PY) scripts/mutation.py $(ARGS)

## The lifecycle against the fake service, through the command-line tool.
demo: $(STAMP)
	$(MAKE) --no-print-directory check-generated
	$(PY) scripts/demo.py

## The side-by-side benchmark (writes bench-results/RESULTS.md and chart.png): make bench [ARGS="--quick"]
bench: $(STAMP)
	$(PY) -m scripts.bench $(ARGS)

## Parsing cost over json.loads: make bench-parse [ARGS="--baseline builtin"]
bench-parse: $(STAMP)
	$(PY) -m scripts.bench.parse $(ARGS)

## Copy the client into another code base: make vendor DEST=path [PACKAGE=name] [FORCE=1] [WITH_TESTING=1]
vendor: $(STAMP)
	$(PY) scripts/vendor.py --dest "$(DEST)" $(if $(PACKAGE),--package "$(PACKAGE)") $(if $(FORCE),--force) $(if $(WITH_TESTING),--with-testing)

## Compare the fragment with a SailPoint spec: make spec-diff UPSTREAM=file
spec-diff: $(STAMP)
	$(PY) scripts/spec_diff.py "$(UPSTREAM)"

dist: $(STAMP)
	rm -rf dist
	$(PY) -m build --outdir dist

clean:
	rm -rf $(VENV) dist build mutants .tools .pytest_cache .mypy_cache .ruff_cache .hypothesis
