"""Batch throughput: `ftdsl run westminster.ftr LOG.csv` against a hand-written program, on generated logs.

    python benchmarks/bench_batch.py [--sizes 10000,100000,1000000] [--repeat 3] [--keep DIR]

For each size it generates a log (20,000 representatives over the year
from 1 April 2026, a fixed seed, sorted by date as an HR export would be),
runs ftdsl (warm compiled-ruleset cache) and westminster_by_hand.py, each
as its own process, checks that every row has the same outcome, pay and
clauses (as a set: the order of citation is ftdsl's), and prints rows/s,
the ratio, time per row and peak memory (maximum resident set size).

Times are CPU seconds (user + system) of each whole process; wall-clock
seconds are printed beside them. Other work on a shared machine still
inflates CPU time (the two programs share caches and cores with it), by
as much as a third from one run to the next, so each program is run
`--repeat` times, the two alternating, and the least time of each is
kept: interference only ever adds time.
"""

from __future__ import annotations

import argparse
import csv
import datetime
import os
import random
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
RULESET = os.path.join(ROOT, "rulesets", "westminster.ftr")
REPS = 20_000
COLUMNS = ["rep", "id", "date", "category", "hours", "days", "half days", "in working hours", "notice days",
           "roles", "staff group", "employed by council", "branch members", "school members",
           "representing directly employed staff", "new representative training", "purpose", "location"]
CATEGORIES = [("duties", 45), ("joint committee meetings", 14), ("activities", 12), ("mass meeting", 9),
              ("training", 9), ("additional responsibilities", 6), ("conference", 5)]


def make_reps(rng):
    """20,000 representatives in 400 branches and 1,500 schools, with a realistic spread of roles."""
    branches = [int(rng.lognormvariate(6.3, 0.9)) for _ in range(400)]  # median about 550 members
    schools = [rng.randint(1, 80) for _ in range(1500)]
    reps = []
    for number in range(REPS):
        teaching = rng.random() < 0.35
        roles = ["representative"]
        draw = rng.random()
        if draw < 0.02:
            roles = ["branch secretary"] + (["representative"] if rng.random() < 0.5 else [])
        elif draw < 0.07:
            roles = ["departmental convenor", "representative"]
        if rng.random() < 0.05:
            roles.append(rng.choice(["equalities officer", "women's officer"]))
        reps.append({
            "rep": f"R{number:05d}",
            "roles": ";".join(roles),
            "staff group": "teaching" if teaching else "non-teaching",
            "employed by council": "yes" if rng.random() < 0.98 else "no",
            "branch members": str(rng.choice(branches)),
            "school members": str(rng.choice(schools)) if teaching else "",
        })
    return reps


def write_log(path, rows, seed=2026):
    rng = random.Random(seed)
    reps = make_reps(rng)
    first = datetime.date(2026, 4, 1)
    dates = sorted(rng.randrange(365) for _ in range(rows))
    categories = [c for c, _ in CATEGORIES]
    weights = [w for _, w in CATEGORIES]
    chosen = rng.choices(categories, weights, k=rows)
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        for index in range(rows):
            rep = reps[rng.randrange(REPS)]
            category = chosen[index]
            hours = days = half = ""
            if category in ("training", "conference") and rng.random() < 0.7:
                days = str(rng.choice([1, 1, 2, 3]))
            elif rng.random() < 0.1:
                half = "1"
            else:
                hours = str(rng.choice([0.5, 1, 1.5, 2, 2.5, 3, 3.5, 4, 5, 6, 7.5]))
            stated = rng.random() < 0.7
            writer.writerow([rep["rep"], f"Q{index + 1}", (first + datetime.timedelta(days=dates[index])).isoformat(),
                             category, hours, days, half, "yes" if rng.random() < 0.92 else "no",
                             str(rng.choice([0, 2, 5, 10, 14, 21, 28, 30, 42, 45, 60])), rep["roles"],
                             rep["staff group"], rep["employed by council"], rep["branch members"],
                             rep["school members"], "no" if rng.random() < 0.02 else "yes",
                             "yes" if rng.random() < 0.1 else "no", "branch meeting" if stated else "",
                             "City Hall" if stated else ""])


def measure(command, env=None, stdout=None):
    """Run a command (its standard output to `stdout`, a file, when given); (CPU seconds, peak resident memory in
    MB, wall seconds)."""
    started = time.perf_counter()
    process = subprocess.Popen(command, env=env, stdout=stdout)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    if status != 0:
        raise SystemExit(f"failed ({status}): {' '.join(command)}")
    return usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, elapsed


def compare(ftdsl_out, hand_out):
    with open(ftdsl_out, newline="", encoding="utf-8") as a, open(hand_out, newline="", encoding="utf-8") as b:
        ours, theirs = csv.DictReader(a), csv.DictReader(b)
        rows = 0
        for mine, hand in zip(ours, theirs, strict=True):
            rows += 1
            got = (mine["line"], mine["outcome"], mine["paid"], frozenset(filter(None, mine["clauses"].split(";"))))
            want = (hand["line"], hand["outcome"], hand["paid"], frozenset(filter(None, hand["clauses"].split(";"))))
            if got != want or mine["error"]:
                raise SystemExit(f"disagreement at line {mine['line']}: ftdsl {got} {mine['error']}, by hand {want}")
    return rows


def setup(description, sizes, prefix):
    """A benchmark's command line (--sizes, --repeat, --keep) read: (the arguments, the sizes, the folder for its
    files, the environment to run ftdsl in, with its own compiled-ruleset cache there)."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--sizes", default=sizes)
    parser.add_argument("--repeat", type=int, default=3, help="timed runs of each command (the least time is kept)")
    parser.add_argument("--keep", help="keep the generated logs and outputs in this folder")
    args = parser.parse_args()
    folder = args.keep or tempfile.mkdtemp(prefix=prefix)
    os.makedirs(folder, exist_ok=True)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["FTDSL_CACHE_DIR"] = os.path.join(folder, "cache")
    return args, [int(s) for s in args.sizes.split(",")], folder, env


def main():
    args, sizes, folder, env = setup(__doc__.splitlines()[0], "10000,100000,1000000", "ftdsl-bench-")
    ftdsl = [sys.executable, "-m", "ftdsl", "run", RULESET]
    results = []
    for size in sizes:
        log = os.path.join(folder, f"log-{size}.csv")
        if not os.path.exists(log):
            print(f"generating {size:,} rows ...", flush=True)
            write_log(log, size)
        ours, theirs = os.path.join(folder, f"ftdsl-{size}.csv"), os.path.join(folder, f"hand-{size}.csv")
        measure([*ftdsl, log, "-o", ours], env)  # warms the cache and the file system
        ours_runs, theirs_runs = [], []
        for _ in range(args.repeat):  # alternating, so both meet the same spells of load
            ours_runs.append(measure([*ftdsl, log, "-o", ours], env))
            theirs_runs.append(measure([sys.executable, os.path.join(HERE, "westminster_by_hand.py"), log, theirs], env))
        ftdsl_time, ftdsl_memory, ftdsl_wall = min(ours_runs)
        hand_time, hand_memory, hand_wall = min(theirs_runs)
        if args.repeat > 1:
            print(f"{size:>9,} rows: CPU s of each run: ftdsl {', '.join(f'{r[0]:.2f}' for r in ours_runs)}; "
                  f"by hand {', '.join(f'{r[0]:.2f}' for r in theirs_runs)}", flush=True)
        rows = compare(ours, theirs)
        assert rows == size
        results.append((size, ftdsl_time, ftdsl_memory, hand_time, hand_memory))
        print(f"{size:>9,} rows: ftdsl {size / ftdsl_time:>9,.0f} rows/s ({ftdsl_time:6.2f} s, {ftdsl_memory:5.0f} MB)  "
              f"by hand {size / hand_time:>9,.0f} rows/s ({hand_time:6.2f} s, {hand_memory:5.0f} MB)  "
              f"ratio {hand_time / ftdsl_time:4.2f}x  all {rows:,} rows agree  (wall: ftdsl {ftdsl_wall:.2f} s, "
              f"by hand {hand_wall:.2f} s)", flush=True)
    print()
    print("CPU time per row")
    print("size        ftdsl us/row  by hand us/row  ftdsl/by-hand throughput  ftdsl peak MB")
    base = results[0][1] / results[0][0]
    for size, ftdsl_time, ftdsl_memory, hand_time, _ in results:
        per_row = ftdsl_time / size
        print(f"{size:>9,}  {per_row * 1e6:12.2f}  {hand_time / size * 1e6:14.2f}  {hand_time / ftdsl_time:24.2f}x  "
              f"{ftdsl_memory:13.0f}   (per row {per_row / base:4.2f}x that at {results[0][0]:,})")


if __name__ == "__main__":
    main()
