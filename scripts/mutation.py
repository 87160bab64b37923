#!/usr/bin/env python3
"""Mutation testing of the handwritten client core: `make mutation [ARGS="--max-children 2"]`.

mutmut (pinned in requirements-dev.txt, configured in pyproject.toml's `[tool.mutmut]`) copies
`src/sailpoint_sim` into `mutants/`, changes one thing at a time (a `<` into `<=`, a string into another,
a call's argument dropped ...) and runs the fast unit tests (`tests/unit`) against each change. A mutant
the tests notice is *killed*; one they do not is a *survivor*: either a gap in the tests, code that does
nothing, or an equivalent mutant (a change that cannot alter behaviour, such as `"utf-8"` -> `"UTF-8"`).
Equivalent mutants are marked in the code with `# pragma: no mutate` and a reason on the same line, so
they are not generated and do not count.

This script runs mutmut (unless `--report-only`) and prints one row per module: killed, survived, no
tests, timeouts, and the score `killed / (killed + survived + no tests)` (a timeout counts as killed:
the mutant made the tests hang, which the tests noticed). `--module _retry` (repeatable) runs and
reports one module only: the whole core takes hours on a small machine, one module minutes.
`--survivors` lists the survivors by name;
`.venv/bin/mutmut show NAME` prints the diff of one, and `mutmut apply NAME` writes it to disk (revert
with git). Results are kept in `mutants/` between runs: mutmut re-tests only what changed.

Exit status: 0 when the total meets `--min-total` and every module `--min-module` (defaults 0: report
only), 1 otherwise, 2 when there are no results to read.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MUTANTS = ROOT / "mutants"

# mutmut's exit codes per mutant (mutmut/stats.py): 1 and 3 = the tests failed (killed), 0 = they
# passed (survived), 5 and 33 = no test covers the function, 36/24/-24/152/255 = timeout, None = not run.
_KILLED = {1, 3}
_SURVIVED = {0}
_NO_TESTS = {5, 33}
_TIMEOUT = {36, 24, -24, 152, 255}


@dataclass
class ModuleScore:
    """Mutant counts of one module."""

    module: str
    killed: int = 0
    survived: int = 0
    no_tests: int = 0
    timeout: int = 0
    other: int = 0  # not checked, skipped, suspicious, segfault

    @property
    def counted(self) -> int:
        return self.killed + self.timeout + self.survived + self.no_tests

    @property
    def score(self) -> float:
        return (self.killed + self.timeout) / self.counted if self.counted else 1.0

    def add(self, exit_code: int | None) -> None:
        if exit_code in _KILLED:
            self.killed += 1
        elif exit_code in _SURVIVED:
            self.survived += 1
        elif exit_code in _NO_TESTS:
            self.no_tests += 1
        elif exit_code in _TIMEOUT:
            self.timeout += 1
        else:
            self.other += 1


def read_scores(mutants: Path) -> tuple[list[ModuleScore], list[str]]:
    """Per-module counts and the names of surviving (or untested) mutants, from mutmut's .meta files."""
    scores: list[ModuleScore] = []
    survivors: list[str] = []
    for meta in sorted(mutants.rglob("*.py.meta")):
        data = json.loads(meta.read_text(encoding="utf-8"))
        exit_codes: Mapping[str, int | None] = data.get("exit_code_by_key", {})
        if not exit_codes:
            continue
        module = meta.relative_to(mutants).as_posix().removesuffix(".meta")
        score = ModuleScore(module)
        for name, code in sorted(exit_codes.items()):
            score.add(code)
            if code in _SURVIVED or code in _NO_TESTS:
                survivors.append(name)
        scores.append(score)
    return scores, survivors


def mutant_pattern(module: str) -> str:
    """The mutmut name pattern of every mutant of ``module`` (``_retry`` -> ``sailpoint_sim._retry.*``)."""
    return f"sailpoint_sim.{module}.*"


def module_name(path: str) -> str:
    """``src/sailpoint_sim/as_code/_plan.py`` -> ``as_code._plan`` (the name ``--module`` takes)."""
    return path.removeprefix("src/sailpoint_sim/").removesuffix(".py").replace("/", ".")


def module_name_of_mutant(mutant: str) -> str:
    """``sailpoint_sim._retry.x_parse__mutmut_3`` -> ``_retry`` (the part before the function)."""
    return mutant.removeprefix("sailpoint_sim.").rpartition(".")[0]


def total_of(scores: Iterable[ModuleScore]) -> ModuleScore:
    """The counts of all modules together."""
    total = ModuleScore("total")
    for row in scores:
        total.killed += row.killed
        total.survived += row.survived
        total.no_tests += row.no_tests
        total.timeout += row.timeout
        total.other += row.other
    return total


def format_table(scores: Iterable[ModuleScore]) -> str:
    """The per-module table with a total row."""
    rows = list(scores)
    total = total_of(rows)
    header = f"{'module':<44} {'killed':>7} {'survived':>9} {'no tests':>9} {'timeout':>8} {'score':>7}"
    lines = [header, "-" * len(header)]
    for row in [*rows, total]:
        lines.append(
            f"{row.module:<44} {row.killed:>7} {row.survived:>9} {row.no_tests:>9} {row.timeout:>8} "
            + (f"{row.score:>7.1%}" if row.counted else f"{'-':>7}")
            + (f"  ({row.other} not run)" if row.other else "")
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--max-children", type=int, default=2, help="parallel mutant runs (default 2)")
    parser.add_argument("--report-only", action="store_true", help="read the last results, run nothing")
    parser.add_argument("--survivors", action="store_true", help="list surviving mutants by name")
    parser.add_argument("--min-total", type=float, default=0.0, help="fail below this total score (0-1)")
    parser.add_argument("--min-module", type=float, default=0.0, help="fail when a module is below (0-1)")
    parser.add_argument(
        "--module",
        action="append",
        default=[],
        metavar="NAME",
        help="only this module of sailpoint_sim (e.g. _retry; repeatable): run and report just it",
    )
    args = parser.parse_args(argv)
    if not args.report_only:
        mutmut = Path(sys.executable).with_name("mutmut")
        command = [str(mutmut), "run", "--max-children", str(args.max_children)]
        command += [mutant_pattern(name) for name in args.module]
        # Fewer Hypothesis examples per mutant (tests/conftest.py's "mutation" profile), unless told.
        env = {"HYPOTHESIS_PROFILE": "mutation", **os.environ}
        completed = subprocess.run(command, cwd=ROOT, env=env, check=False)
        if completed.returncode not in (0, 1):
            print(f"mutmut run failed with exit status {completed.returncode}", file=sys.stderr)
            return 2
    scores, survivors = read_scores(MUTANTS)
    if args.module:
        scores = [row for row in scores if module_name(row.module) in args.module]
        survivors = [name for name in survivors if module_name_of_mutant(name) in args.module]
    if not scores:
        print("no mutation results in mutants/: run `make mutation` first", file=sys.stderr)
        return 2
    print(format_table(scores))
    if args.survivors:
        print("\nsurvivors (`.venv/bin/mutmut show NAME` prints one):")
        for name in survivors:
            print(f"  {name}")
    total = total_of(scores)
    # A module none of whose mutants has run yet has no score: it fails any --min-module target.
    failing = [
        row.module for row in scores if args.min_module and (not row.counted or row.score < args.min_module)
    ]
    if total.score < args.min_total or failing:
        print(f"\nbelow target: total {total.score:.1%} (min {args.min_total:.0%}); modules {failing}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
