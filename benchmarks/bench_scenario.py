"""One scenario with many requests: time per request of `Program.decide` at 1,000, 4,000 and 16,000 requests.

    python benchmarks/bench_scenario.py [--sizes 1000,4000,16000]

One representative's requests of a quarter of an hour of duties, spread
over a year, by Westminster's agreement (monthly allowance, notice and
statements, reasons and checks built). Deciding is linear when the time
per request stays flat (a ratio near 1 to the smallest size); before the
history kept prefix sums by category, each request summed all the time
counted before it, and the ratio grew with the size (quadratic).
"""

from __future__ import annotations

import argparse
import datetime
import os
import time

HERE = os.path.dirname(os.path.abspath(__file__))
RULESET = os.path.join(os.path.dirname(HERE), "rulesets", "westminster.ftr")


def scenario(size: int) -> dict:
    start = datetime.date(2026, 4, 1)
    requests = [{"id": str(i), "date": (start + datetime.timedelta(days=i * 365 // size)).isoformat(),
                 "category": "duties", "hours": 0.25, "notice days": 10, "purpose": "casework", "location": "office"}
                for i in range(size)]
    return {"facts": {"roles": ["representative"], "staff group": "non-teaching", "employed by council": True,
                      "branch members": 1750, "school members": 10}, "requests": requests}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,4000,16000")
    args = parser.parse_args()
    import ftdsl

    ruleset = ftdsl.load_ruleset(RULESET)
    rows = []
    for size in (int(s) for s in args.sizes.split(",")):
        data = scenario(size)
        best = None
        for _ in range(2):
            started = time.process_time()
            report = ruleset.decide(data)
            spent = time.process_time() - started
            best = spent if best is None else min(best, spent)
        assert len(report["decisions"]) == size
        rows.append((size, best))
    first = rows[0][1] / rows[0][0]
    print("requests   CPU s   us/request  (vs smallest)")
    for size, spent in rows:
        print(f"{size:>8,}  {spent:6.2f}  {spent / size * 1e6:10.0f}  {spent / size / first:5.2f}x")


if __name__ == "__main__":
    main()
