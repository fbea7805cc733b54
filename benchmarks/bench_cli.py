"""Start-up: whole-process wall time of `ftdsl run` on a shipped example, cold and warm cache, beside bare Python.

    python benchmarks/bench_cli.py [--runs 30]

Each command runs `--runs` times (interleaved, so load on the machine
affects all alike); the medians of wall time and of CPU time (user +
system, which other work on the machine does not inflate) are printed
with the ratios to `python -c "import lark, attrs, click"`. Cold: an empty cache folder each
run (parse, check, compile, write the cache). Warm: the cache filled.

The child processes run without PYTHONDONTWRITEBYTECODE: an installed
ftdsl has its bytecode compiled (pip does it; an editable install writes
it on first import), as lark, attrs and click already have.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
RULESET = os.path.join(ROOT, "rulesets", "westminster.ftr")
EXAMPLE = os.path.join(ROOT, "rulesets", "examples", "westminster", "duties-over-allowance.json")


def wall(command, env):
    """(wall seconds, CPU seconds) of one run of a command."""
    started = time.perf_counter()
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    if status:
        raise SystemExit(f"failed: {' '.join(command)}")
    return time.perf_counter() - started, usage.ru_utime + usage.ru_stime


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="ftdsl-bench-cli-")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    warm_env = {**env, "FTDSL_CACHE_DIR": os.path.join(folder, "warm")}
    cold_dir = os.path.join(folder, "cold")
    cold_env = {**env, "FTDSL_CACHE_DIR": cold_dir}
    ftdsl = [sys.executable, "-m", "ftdsl", "run", RULESET, EXAMPLE]
    commands = {
        'python -c "pass"': ([sys.executable, "-c", "pass"], env),
        'python -c "import lark, attrs, click"': ([sys.executable, "-c", "import lark, attrs, click"], env),
        "ftdsl run (warm cache)": (ftdsl, warm_env),
        "ftdsl run (cold cache)": (ftdsl, cold_env),
    }
    wall(ftdsl, warm_env)  # fills the warm cache and writes ftdsl's bytecode
    times = {name: [] for name in commands}
    for _ in range(args.runs):
        for name, (command, command_env) in commands.items():
            if name.endswith("(cold cache)"):
                shutil.rmtree(cold_dir, ignore_errors=True)
            times[name].append(wall(command, command_env))
    base = [statistics.median(s[i] for s in times['python -c "import lark, attrs, click"']) for i in (0, 1)]
    print(f"median of {args.runs} runs each; ratios to python -c \"import lark, attrs, click\"")
    print(f"  {'':40} {'wall ms':>8} {'ratio':>6}  {'CPU ms':>8} {'ratio':>6}")
    for name, samples in times.items():
        wall_ms, cpu_ms = (statistics.median(s[i] for s in samples) for i in (0, 1))
        print(f"  {name:40} {wall_ms * 1000:8.1f} {wall_ms / base[0]:5.2f}x  {cpu_ms * 1000:8.1f} {cpu_ms / base[1]:5.2f}x")
    shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
