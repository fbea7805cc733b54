"""Resource bounds, measured: parse + check + program time per clause, and long lines.

    python benchmarks/bench_resources.py            # 1,000 and 100,000 clauses
    python benchmarks/bench_resources.py 1000 10000 # any sizes

Prints, for each size, the time of each stage and the time per clause; the
promise (docs/security.md) is that time per clause at 100,000 clauses stays
within 2x of 1,000. The parser is built once before timing, so its one-off
cost does not flatter the small size. Then a 1,000,000-character line of
words, which must give a result (or a clear error), never a hang.
"""

from __future__ import annotations

import sys
import time

from bench_parse import stage_times  # this folder is on the path when a benchmark runs
from ftdsl import builder
from ftdsl.errors import FtdslError

HEADER = """a working day is 7 hours
a working week is 35 hours
roles: representative, convenor
categories: duties, training
fact roles: list of roles
fact members: count
"""


def ruleset(clauses: int) -> str:
    rules = (f"§{i + 1} representative may take up to {i % 50 + 1} hours per month for duties\n"
             f"    when members is at least {i}\n" for i in range(clauses))
    return HEADER + "".join(rules)


def measure(clauses: int) -> float:
    parse, check, program, store = stage_times(ruleset(clauses), "big.ftr")
    total = parse + check + program + store
    print(f"{clauses:>7} clauses: parse {parse:6.2f} s, check {check:5.2f} s, program {program:5.2f} s, "
          f"store {store:5.2f} s; total {total:6.2f} s, {total / clauses * 1e6:5.0f} µs per clause", flush=True)
    return total / clauses


def main(sizes: list[int]) -> None:
    builder.parse(ruleset(10), "warm.ftr")  # builds the parser once
    per_clause = [measure(size) for size in sizes]
    print(f"time per clause, largest against smallest: {per_clause[-1] / per_clause[0]:.2f}x")
    text = "categories: duties\n§5.3 " + "x " * 500_000 + "are paid\n"
    started = time.perf_counter()
    try:
        builder.parse(text, "long.ftr")
        outcome = "parsed"
    except FtdslError as error:
        outcome = "error " + error.diagnostics[0].code
    print(f"a 1,000,000-character line of 500,000 words: {outcome} in {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [1000, 100_000])
