"""Benchmark profile: where one warm `check` of the largest input spends its time.

Consumes the path of a generated input; produces, as a dict for `results.json`, the
share of each pipeline stage, the top functions by own and by cumulative time (cProfile
with the cyclic GC off) and the GC's share of an unprofiled call (`--profile`).
"""

from __future__ import annotations

import time
from pathlib import Path

from bench_measure import check_file
from plan_generator import ROOT

# Pipeline stages by the function that runs each; a stage whose function is renamed is left out.
STAGES = (
    ("parse (lex, LALR, transform), every file", "alignment_plan/syntax/parser.py", "parse_module"),
    ("  of which transform to nodes", "alignment_plan/syntax/transformer.py", "to_module"),
    ("resolve names and imports (parses std on first use)", "alignment_plan/analysis/resolver.py", "resolve"),
    ("analyze plans (owners, coverage)", "alignment_plan/analysis/semantics.py", "analyze_plan"),
    ("run rules", "alignment_plan/rules/registry.py", "run_rules"),
    ("build plan results", "alignment_plan/checker/convert.py", "plan_result"),
)


def profile_check(path: Path, top: int = 25) -> dict:
    """Where a warm `check_paths` on `path` spends its time.

    The cyclic GC runs inside whatever allocation triggers it, so it would inflate the
    own time of allocating functions at random: the function breakdown is profiled
    with the collector off, and the collector's share (CPU time) is measured on a
    separate, unprofiled call with it on.
    """
    import cProfile
    import gc
    import pstats

    check_file(path)  # build the parser outside the measurements
    gc.collect()
    collected = {"seconds": 0.0}

    def on_gc(phase: str, info: dict) -> None:
        if phase == "start":
            collected["since"] = time.process_time()
        else:
            collected["seconds"] += time.process_time() - collected["since"]

    gc.callbacks.append(on_gc)
    start = time.process_time()
    check_file(path)
    with_gc = time.process_time() - start
    gc.callbacks.remove(on_gc)
    gc.collect()
    gc.disable()
    try:
        profiler = cProfile.Profile()
        profiler.enable()
        check_file(path)
        profiler.disable()
    finally:
        gc.enable()
    stats = pstats.Stats(profiler).stats
    total = max(ct for _, _, _, ct, _ in stats.values())  # check_paths itself

    def label(key) -> str:
        filename, line, function = key
        try:
            filename = Path(filename).resolve().relative_to(ROOT).as_posix()
        except ValueError:
            filename = Path(filename).name
        return f"{filename}:{line}({function})"

    def table(index: int) -> list[dict]:
        ordered = sorted(stats.items(), key=lambda item: item[1][index], reverse=True)[:top]
        return [
            {"function": label(key), "calls": nc, "self_s": tt, "self_pct": 100 * tt / total, "cum_s": ct, "cum_pct": 100 * ct / total}
            for key, (cc, nc, tt, ct, _) in ordered
        ]

    stages, callers_rows = [], []
    for stage, filename, function in STAGES:
        found = [(key, value) for key, value in stats.items() if key[2] == function and label(key).startswith(filename)]
        cumulative = sum(value[3] for _, value in found)
        if cumulative:
            stages.append({"stage": stage, "cum_s": cumulative, "cum_pct": 100 * cumulative / total})
        if function == "parse_module":
            callers_rows = [
                {"stage": f"  of which called from {caller[2]}", "cum_s": timing[3], "cum_pct": 100 * timing[3] / total}
                for _, value in found
                for caller, timing in sorted(value[4].items(), key=lambda item: -item[1][3])
            ]
    if stages and callers_rows:
        stages[1:1] = callers_rows
    return {
        "file": f"{path.parent.name}/{path.name}",
        "stages": stages,
        "unprofiled_cpu_s": with_gc,
        "gc_s": collected["seconds"],
        "gc_share": collected["seconds"] / with_gc,
        "total_s": total,
        "by_self": table(2),
        "by_cumulative": table(3),
    }

