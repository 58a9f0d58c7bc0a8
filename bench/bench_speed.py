"""Side-by-side start-up, throughput, memory, `--jobs` and result-cache figures (issue 11).

Runs whole processes interleaved, `--repeat` rounds of every command in turn, on the
inputs `bench_check.py` wrote (`single_10`, `single_1000`, `many_1000` under `--inputs`),
and prints the median and spread of wall time, CPU time (user + system of the child) and
peak RSS of each, with the ratios the issue's targets are stated in. `--before DIR` adds
the same commands run from another checkout (the code before a change), side by side.
`--startup` runs only the start-up rows (the references, `--help`, `rule`, 10 plans).
Children run with bytecode on and each checkout is compiled first, as an installed
package is (`bench_measure.child_environment`); one untimed round first fills the result
cache, lark's table cache and the file system cache, so the `cached` rows are all hits.
Standard library only; no timing is asserted anywhere.

    python bench/bench_check.py --sizes 10,1000 --repeat 1      # writes the inputs
    python bench/bench_speed.py [--inputs bench/out] [--before ../old-checkout] [--repeat 5] [--startup]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench_measure import child_environment, compile_checkout

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable
CHECK = [PY, "-m", "alignment_plan", "check", "--format", "json", "--no-plans"]
# The same check printing text: no derivations to compute or write (JSON carries one for
# every failure mode of every plan, four times the rest of the report).
TEXT = [PY, "-m", "alignment_plan", "check", "--format", "text", "--no-plans"]
TOML = [PY, "-c", "import tomllib, sys; tomllib.load(open(sys.argv[1], 'rb'))", "plans.toml"]


def run(command: list[str], cwd: Path, checkout: Path, environ: dict) -> tuple[float, float, float, int]:
    """Wall s, CPU s and peak RSS MiB of `command` run from `checkout`, and its exit code."""
    env = child_environment(checkout, environ)
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    _, status, usage = os.wait4(process.pid, 0)
    return time.perf_counter() - start, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status)


STARTUP = ("ref: python -c 'import lark, attrs'", "--help", "rule AP301", "check 10 plans --no-cache", "check 10 plans, cached")


def cases(inputs: Path, before: Path | None, startup: bool) -> dict[str, tuple]:
    small, large, many = inputs / "single_10", inputs / "single_1000", inputs / "many_1000"
    plain = {"ALIGNMENT_PLAN_NO_ACCELERATOR": "1"}
    found = {
        "ref: python -c 'import lark, attrs'": ([PY, "-c", "import lark, attrs"], small, ROOT, {}),
        "--help": ([PY, "-m", "alignment_plan", "--help"], small, ROOT, {}),
        "rule AP301": ([PY, "-m", "alignment_plan", "rule", "AP301"], small, ROOT, {}),
        "check 10 plans --no-cache": (CHECK + ["--no-cache", "plans.plan"], small, ROOT, {}),
        "check 10 plans, cached": (CHECK + ["plans.plan"], small, ROOT, {}),
        "ref: tomllib 1000 plans": (TOML, large, ROOT, {}),
        "check 1000 plans --no-cache": (CHECK + ["--no-cache", "plans.plan"], large, ROOT, {}),
        "check 1000 plans --no-cache, plain lark": (CHECK + ["--no-cache", "plans.plan"], large, ROOT, plain),
        "check 1000 plans, cached": (CHECK + ["plans.plan"], large, ROOT, {}),
        "check 1000 files -j1 --no-cache": (CHECK + ["-j1", "--no-cache", "plans"], many, ROOT, {}),
        "check 1000 files -j2 --no-cache": (CHECK + ["-j2", "--no-cache", "plans"], many, ROOT, {}),
        "check 1000 files, cached": (CHECK + ["plans"], many, ROOT, {}),
        "text: check 1000 plans --no-cache": (TEXT + ["--no-cache", "plans.plan"], large, ROOT, {}),
        "text: check 1000 plans, cached": (TEXT + ["plans.plan"], large, ROOT, {}),
        "text: check 1000 files -j1 --no-cache": (TEXT + ["-j1", "--no-cache", "plans"], many, ROOT, {}),
        "text: check 1000 files -j2 --no-cache": (TEXT + ["-j2", "--no-cache", "plans"], many, ROOT, {}),
        "text: check 1000 files, cached": (TEXT + ["plans"], many, ROOT, {}),
    }
    if before is not None:
        found.update(
            {
                "before: --help": ([PY, "-m", "alignment_plan", "--help"], small, before, {}),
                "before: rule AP301": ([PY, "-m", "alignment_plan", "rule", "AP301"], small, before, {}),
                "before: check 10 plans --no-cache": (CHECK + ["--no-cache", "plans.plan"], small, before, {}),
                "before: check 10 plans, cached": (CHECK + ["plans.plan"], small, before, {}),
                "before: check 1000 plans --no-cache": (CHECK + ["--no-cache", "plans.plan"], large, before, {}),
                "before: check 1000 plans, cached": (CHECK + ["plans.plan"], large, before, {}),
                "before: check 1000 files -j1 --no-cache": (CHECK + ["-j1", "--no-cache", "plans"], many, before, {}),
                "before: check 1000 files, cached": (CHECK + ["plans"], many, before, {}),
                "before: text: check 1000 plans --no-cache": (TEXT + ["--no-cache", "plans.plan"], large, before, {}),
            }
        )
    if startup:
        found = {name: case for name, case in found.items() if name.removeprefix("before: ") in STARTUP}
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--inputs", type=Path, default=ROOT / "bench" / "out", help="where bench_check.py wrote its inputs")
    parser.add_argument("--before", type=Path, help="another checkout to run the same commands from")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--startup", action="store_true", help="only the start-up rows")
    args = parser.parse_args(argv)
    table = cases(args.inputs.resolve(), args.before.resolve() if args.before else None, args.startup)
    for checkout in {checkout for _, _, checkout, _ in table.values()}:
        compile_checkout(checkout)
    for command, cwd, checkout, environ in table.values():  # untimed: fills the caches
        run(command, cwd, checkout, environ)
    samples: dict[str, list] = {name: [] for name in table}
    for _ in range(args.repeat):
        for name, (command, cwd, checkout, environ) in table.items():
            samples[name].append(run(command, cwd, checkout, environ))
    cpu = {name: statistics.median(s[1] for s in runs) for name, runs in samples.items()}
    wall = {name: statistics.median(s[0] for s in runs) for name, runs in samples.items()}
    for name, runs in samples.items():
        cpus = [s[1] for s in runs]
        print(
            f"{name:42} wall {wall[name]:6.2f}  cpu {cpu[name]:6.3f} (min {min(cpus):.3f} max {max(cpus):.3f})"
            f"  rss {max(s[2] for s in runs):4.0f} MiB  exit {sorted({s[3] for s in runs})}"
        )
    reference = cpu[STARTUP[0]]
    print()
    for name in (name for name in cpu if name.removeprefix("before: ") in STARTUP[1:]):
        print(f"{name:42} {cpu[name] / reference:5.2f}x the CPU of import lark, attrs")
    if args.startup:
        return 0
    toml = cpu["ref: tomllib 1000 plans"]
    throughput = ("check 1000 plans --no-cache", "check 1000 plans --no-cache, plain lark", "text: check 1000 plans --no-cache")
    for name in (name for name in cpu if name.removeprefix("before: ") in throughput):
        print(f"{name:42} {toml / cpu[name]:5.2f}x tomllib's throughput (CPU)")
    for prefix in ("before: ", "", "text: ", "before: text: "):
        for what, cached, cold in (
            ("1000 plans in one file", "check 1000 plans, cached", "check 1000 plans --no-cache"),
            ("1000 files", "check 1000 files, cached", "check 1000 files -j1 --no-cache"),
        ):
            if prefix + cached in cpu and prefix + cold in cpu:
                print(f"{prefix + 'cached / cold, ' + what:42} {cpu[prefix + cached] / cpu[prefix + cold]:5.2f}x (CPU)")
    for prefix in ("", "text: "):
        speedup = wall[prefix + "check 1000 files -j1 --no-cache"] / wall[prefix + "check 1000 files -j2 --no-cache"]
        print(f"{prefix + '-j2 speed-up, 1000 files':42} {speedup:5.2f}x (wall)")
    for prefix in ("before: ", "", "text: "):
        if prefix + "check 1000 plans --no-cache" in samples:
            peak = max(s[2] for s in samples[prefix + "check 1000 plans --no-cache"])
            rss = peak / max(s[2] for s in samples["ref: tomllib 1000 plans"])
            print(f"{prefix + 'peak RSS / tomllib, 1000 plans':42} {rss:5.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
