"""The report's cost: `ftdsl report` against `ftdsl run` on the same generated log and roster.

    python benchmarks/bench_report.py [--sizes 100000,1000000] [--repeat 3] [--keep DIR]

For each size it generates the log bench_batch.py generates (20,000
representatives over the year from 1 April 2026, sorted by date) and a
roster of the same 20,000 people (union, contracted hours, hourly cost),
then times, each as its own process with a warm compiled-ruleset cache,
`ftdsl run westminster.ftr LOG --roster ROSTER -o decisions.csv` and
`ftdsl report westminster.ftr LOG --roster ROSTER --year 2026/27
--pay-bill ... --format json` (every person's usage, allowances and the
year's figures). It prints the CPU seconds and peak memory of each, the
ratio report / run (the target is 1.5 at most), and the people and hours
asked the report found.

Times are CPU seconds of each whole process, the least of `--repeat`
runs, the two commands alternating (interference only ever adds time).
"""

from __future__ import annotations

import csv
import json
import os
import random
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from bench_batch import RULESET, make_reps, measure, setup, write_log  # noqa: E402 - a script beside this one


def write_roster(path, seed=2026):
    """The roster of bench_batch's representatives (the same seed gives the same people)."""
    reps = make_reps(random.Random(seed))
    rng = random.Random(seed + 1)
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["person", "union", "contracted hours per week", "hourly cost"])
        for rep in reps:
            writer.writerow([rep["rep"], rng.choice(["UNISON", "GMB", "NUT", "Unite"]),
                             rng.choice([36, 36, 36, 30, 18]), f"{rng.uniform(14, 40):.2f}"])


def main():
    args, sizes, folder, env = setup(__doc__.splitlines()[0], "100000,1000000", "ftdsl-bench-report-")
    roster = os.path.join(folder, "roster.csv")
    if not os.path.exists(roster):
        write_roster(roster)
    print("size        run CPU s  run MB   report CPU s  report MB   report/run")
    for size in sizes:
        log = os.path.join(folder, f"log-{size}.csv")
        if not os.path.exists(log):
            write_log(log, size)
        decisions, reported = os.path.join(folder, f"run-{size}.csv"), os.path.join(folder, f"report-{size}.json")
        run = [sys.executable, "-m", "ftdsl", "run", RULESET, log, "--roster", roster, "-o", decisions]
        report = [sys.executable, "-m", "ftdsl", "report", RULESET, log, "--roster", roster, "--year", "2026/27",
                  "--pay-bill", "250000000", "--format", "json"]
        measure(run, env)  # warms the cache and the file system
        runs, reports = [], []
        for _ in range(args.repeat):
            runs.append(measure(run, env))
            with open(reported, "w", encoding="utf-8") as out:
                reports.append(measure(report, env, out))
        run_time, run_memory, _ = min(runs)
        report_time, report_memory, _ = min(reports)
        with open(reported, encoding="utf-8") as handle:
            data = json.load(handle)
        asked = sum(hours["asked"] for person in data["people"] for hours in person["hours"].values())
        print(f"{size:>9,}  {run_time:9.2f}  {run_memory:6.0f}   {report_time:12.2f}  {report_memory:9.0f}   "
              f"{report_time / run_time:10.2f}x   ({len(data['people']):,} people, {asked:,.1f} h asked)", flush=True)


if __name__ == "__main__":
    main()
