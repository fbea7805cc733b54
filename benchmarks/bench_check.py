"""`ftdsl check` time for rulesets of 100, 1,000 and 10,000 near-identical clauses, per clause.

    python benchmarks/bench_check.py [--sizes 100,1000,10000]

Each ruleset repeats four clauses that differ only in their clause number
and amounts: an allowance for duties, the same allowance when the staff
group is teaching, a yearly allowance for training (the agreement gives no
year start) and a notice rule. So every allowance adds up with many others
(W110) and every yearly rule lacks a year start (W150): the rulesets on
which a check that compares rules pair by pair is quadratic. Times are
loading (parse and meaning check, as `ftdsl check` does) and the warnings
(lint); the last column is the time per clause against the smallest size,
so a ratio near 1 means the check is linear in clauses.
"""

from __future__ import annotations

import argparse
import time

HEADER = """agreement "Generated agreement"
a working day is 7 hours 12 minutes
a working week is 36 hours
roles: representative, convenor
staff groups: teaching, non-teaching
categories: duties, training
fact roles: list of roles
fact staff group: staff group
§1 duties, training are paid
"""

# Four clauses per block.
BLOCK = """§{n}.1 representative may take up to {hours} hours per month for duties
§{n}.2 representative may take up to {hours} hours per month for duties
    when staff group is teaching
§{n}.3 convenor may take up to {hours} hours per year for training
§{n}.4 requests for duties should give at least {weeks} weeks' notice where possible
"""


def ruleset(clauses: int) -> str:
    blocks = max(clauses // 4, 1)
    return HEADER + "".join(BLOCK.format(n=i + 2, hours=1 + i % 9, weeks=1 + i % 6) for i in range(blocks))


def check_times(text: str, name: str = "<generated>") -> tuple[float, float, list]:
    """Seconds to (load, lint) a ruleset text, and the warnings."""
    from ftdsl.api import load_ruleset_text
    from ftdsl.lint import lint

    started = time.perf_counter()
    loaded = load_ruleset_text(text, name)
    checked = time.perf_counter()
    found = lint(loaded.model, loaded.ast)
    linted = time.perf_counter()
    return checked - started, linted - checked, found


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,1000,10000")
    args = parser.parse_args()
    from ftdsl.api import load_ruleset_text

    load_ruleset_text(ruleset(8), "<warm-up>")  # builds the parser once, as a long-running process would
    rows = []
    for size in (int(s) for s in args.sizes.split(",")):
        load, lint_, found = check_times(ruleset(size))
        characters = sum(len(d.message) + len(d.hint or "") for d in found)
        rows.append((size, load, lint_, load + lint_, len(found), characters))
    first = rows[0][3] / rows[0][0]
    print("clauses     load s    lint s    total s   us/clause  (vs smallest)  warnings  message chars")
    for size, load, lint_, total, count, characters in rows:
        print(f"{size:>7,}  {load:8.3f}  {lint_:8.3f}  {total:9.3f}  {total / size * 1e6:10.1f}  "
              f"{total / size / first:10.2f}x  {count:>8,}  {characters:>13,}")


if __name__ == "__main__":
    main()
