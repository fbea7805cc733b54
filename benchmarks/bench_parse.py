"""Parse + check + program time for generated rulesets of 100, 1,000 and 10,000 clauses, per clause.

    python benchmarks/bench_parse.py [--sizes 100,1000,10000]

Each ruleset repeats a mix of Westminster's clause shapes (allowances with
conditions, band tables, notice, pay) over generated category names, so
every clause is distinct. Linear means the time per clause stays flat.
"""

from __future__ import annotations

import argparse
import time

HEADER = """agreement "Generated agreement"
employer "Benchmark Council"
unions "UNISON"
agreed April 2006
effective April 2006
a working day is 7 hours 12 minutes
a working week is 36 hours
the year starts on 1 April
roles: representative, departmental convenor, branch secretary
staff groups: teaching, non-teaching
categories: {categories}
fact roles: list of roles
fact staff group: staff group
fact employed by council: yes/no
fact branch members: count
§1.1 time off is given only when employed by council
"""

# Five clauses per category.
BLOCK = """§{n}.1 representative may take up to {hours} hours per month for {category}
    when staff group is non-teaching
    says "Recognised representatives are entitled to up to {hours} hours per month for {category}"
§{n}.2 {category} release is by branch members:
    0 – 99: 0 FTE
    100 – 250: 0.1 FTE
    251 – 500: 0.5 FTE
    then a further 0.5 FTE for every further 500 members
§{n}.3 branch secretary may take up to {category} release per week for {category}
§{n}.4 requests for {category} should give at least {weeks} weeks' notice where possible
§{n}.5 {category} are paid
"""


def ruleset(clauses):
    count = max(clauses // 5, 1)
    names = [f"kind {chr(97 + i % 26)}{chr(97 + i // 26 % 26)}{chr(97 + i // 676 % 26)}" for i in range(count)]
    body = "".join(BLOCK.format(n=i + 2, hours=1 + i % 9, category=name, weeks=1 + i % 6) for i, name in enumerate(names))
    return HEADER.format(categories=", ".join(names)) + body


def stage_times(text: str, name: str = "<generated>") -> tuple[float, float, float, float]:
    """Seconds to (parse, check, make the Program, store the model as data) for a ruleset text.

    The first three are what load_ruleset_text does, and run as it runs
    them, with the cycle collector paused; the fourth is what a cold
    `ftdsl run` adds to write the cache. The parser must have been built
    before (see main).
    """
    from ftdsl import builder, checker, modelfile
    from ftdsl.runtime import Program, collector_paused

    with collector_paused():
        started = time.perf_counter()
        ast = builder.parse(text, name)
        parsed = time.perf_counter()
        model = checker.check(ast, text)
        checked = time.perf_counter()
        Program(model, name)
        made = time.perf_counter()
        modelfile.dumps(model)
        stored = time.perf_counter()
    return parsed - started, checked - parsed, made - checked, stored - made


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,1000,10000")
    args = parser.parse_args()
    from ftdsl import builder

    builder.parse(ruleset(10), "<warm-up>")  # builds the parser once, as a long-running process would
    rows = []
    for size in (int(s) for s in args.sizes.split(",")):
        parse, check, program, store = stage_times(ruleset(size))
        rows.append((size, parse, check, program + store, parse + check + program + store))
    first = rows[0][4] / rows[0][0]
    print("clauses     parse s   check s  program+store s    total s   us/clause  (vs smallest)")
    for size, parse, check, program, total in rows:
        print(f"{size:>7,}  {parse:8.3f}  {check:8.3f}  {program:15.3f}  {total:9.3f}  {total / size * 1e6:10.1f}  "
              f"{total / size / first:5.2f}x")


if __name__ == "__main__":
    main()
