"""Benchmark: `alignment-plan check` against `tomllib` on the same content.

For each size N the script generates one `.plan` file with N plans (`use std`, bindings,
assumptions, 2-4 techniques per step, `considers` of several std failure modes, varied by
a seeded `random.Random`) and the same information written as TOML; and, as a second
variant, N files of one plan each (and N TOML files). Each input is a project directory
of its own. It then measures, interleaved in one run:

* whole processes: `python -m alignment_plan check --format json --no-plans FILE` against
  `python -c "import tomllib, sys; tomllib.load(open(sys.argv[1], 'rb'))" FILE`: wall
  time, CPU time and peak resident memory of each child (`os.wait4`, the per-child form
  of `resource.getrusage(RUSAGE_CHILDREN)`), started from a small launcher process;
* in-process, in a fresh worker process per measurement: the import time, a cold and a
  warm `check_paths` (the first one loads the lark parser), the JSON rendering and the
  garbage collector's share, against `tomllib.loads` on the same text, so that start-up
  cost and throughput come apart.

It prints tables (median and min over the repeats, throughput in bytes/s and plans/s,
ratio = tomllib throughput / check throughput, growth between consecutive sizes) and
writes every figure to `OUT/results.json`. `--profile` adds a cProfile of a warm
`check_paths` on the largest single file. Standard library only (below Python 3.11, where
`tomllib` is missing, the `tomllib` side measures `tomli`, which it was taken from); no
timing is asserted anywhere.

    python bench/bench_check.py [--sizes 10,100,1000] [--repeat 5] [--out bench/out] [--profile]

The parts: `plan_generator.py` (the generated plans and files, reused by the tests),
`bench_measure.py` (launcher, timed processes, in-process workers), `bench_profile.py`,
`bench_figures.py` (statistics) and `bench_report.py` (the printed tables); this file
holds the command line.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
from pathlib import Path

from bench_figures import growth, summarize
from bench_measure import CHECK_EXITS, TOML_MODULE, BenchmarkError, Launcher, compile_checkout, measure, process_commands
from bench_profile import profile_check
from bench_report import print_report
from plan_generator import ROOT, SEED, write_inputs


def _sizes(text: str) -> list[int]:
    try:
        sizes = sorted({int(part) for part in text.split(",") if part.strip()})
    except ValueError:
        raise argparse.ArgumentTypeError(f"sizes must be comma-separated integers, not `{text}`") from None
    if not sizes or sizes[0] < 1:
        raise argparse.ArgumentTypeError("sizes must be positive")
    return sizes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=_sizes, default=[10, 100, 1000], help="plan counts (default: 10,100,1000)")
    parser.add_argument("--repeat", type=int, default=5, help="repeats per measurement (default: 5)")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out", help="directory for inputs and results.json")
    parser.add_argument("--no-many", action="store_true", help="skip the many-files variant")
    parser.add_argument("--many-max", type=int, default=1000, help="largest size for the many-files variant (default: 1000)")
    parser.add_argument("--profile", action="store_true", help="cProfile a warm check of the largest single file")
    parser.add_argument("--seed", type=int, default=SEED, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")

    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    out = args.out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    with Launcher() as launcher:  # before the inputs fill this process's memory
        all_inputs = [write_inputs(out, size, "single", args.seed) for size in args.sizes]
        if not args.no_many:
            all_inputs += [write_inputs(out, size, "many", args.seed) for size in args.sizes if size <= args.many_max]
        if TOML_MODULE != "tomllib":
            log(f"Python {sys.version.split()[0]} has no `tomllib`: the `tomllib` side measures `{TOML_MODULE}`")
        log(f"inputs written to {out}; measuring {len(all_inputs)} inputs x {args.repeat} repeats")
        try:
            compile_checkout()  # the .pyc files an installed package has
            first = all_inputs[0]
            launcher.run(process_commands(first)["check"], first.project, CHECK_EXITS)  # warm caches
            samples = measure(launcher, all_inputs, args.repeat, log)
        except BenchmarkError as error:
            print(f"bench_check: error: {error}", file=sys.stderr)
            return 2
    rows = summarize(all_inputs, samples)
    growths = growth(rows)
    profile = None
    if args.profile:
        largest = max((i for i in all_inputs if i.variant == "single"), key=lambda i: i.size)
        profile = profile_check(largest.plan_path)
    print_report(rows, growths, profile, print)
    document = {
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "repeat": args.repeat,
        "seed": args.seed,
        "toml_module": TOML_MODULE,
        "rows": rows,
        "growth": growths,
        "profile": profile,
        "samples": samples,
    }
    (out / "results.json").write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    log(f"figures written to {out / 'results.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
