"""The benchmark of ``make bench`` and ``make bench-parse``, one concern per module.

Run from the project root (the Makefile does): ``python -m scripts.bench [--quick | --no-sdk | --profile X]``
and ``python -m scripts.bench.parse``. Imports only go down this list:

* ``__main__``  the command line of ``make bench``;
* ``runner``    runs every phase (per-call, construction, concurrency, bulk) and writes bench-results/;
* ``profiling`` ``--profile``: cProfile of one client's workload, or ``-X importtime``;
* ``imports``   import time and memory, each sample a fresh interpreter;
* ``envs``      the columns (clients) and the venvs they run in (.tools/bench-venvs/);
* ``service``   the loopback fake service the clients talk to, in a child process;
* ``results``   what a run measured (results.json);
* ``config``    sizes, repeat counts, SDK pins, request bodies;
* ``report``    statistics, target verdicts and RESULTS.md, from results.json alone (standard library);
* ``chart``     chart.png, run in the plotting venv (matplotlib);
* ``worker``    one measurement process, run in the project venv and in SailPoint's SDK venvs, so it
  imports nothing from this package and only the standard library at module level;
* ``parse``     ``make bench-parse``: model parsing cost over ``json.loads``, in process.

This file stays empty of code: every worker process imports it.
"""
