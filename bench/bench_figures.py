"""Benchmark statistics: from raw samples to the figures that are printed and saved.

Consumes the `Inputs` and the raw samples of `bench_measure.measure`; produces one row
per (variant, size) with medians and minima of wall and CPU time, throughputs in bytes/s
and plans/s and the ratios tomllib / check (`summarize`), and the growth of each time
between consecutive sizes as a ratio and an exponent, 1 being linear (`growth`).
"""

from __future__ import annotations

import itertools
import math
import statistics

from plan_generator import Inputs


def _stats(values: list[float]) -> dict:
    return {"median": statistics.median(values), "min": min(values), "max": max(values)}


def summarize(all_inputs: list[Inputs], samples: dict) -> list[dict]:
    """Per (variant, size): medians and minima, throughputs, ratios (wall and CPU time)."""
    rows = []
    for inputs in all_inputs:
        entry = samples[f"{inputs.variant}/{inputs.size}"]
        row = {
            "variant": inputs.variant,
            "size": inputs.size,
            "techniques": inputs.techniques,
            "plan_bytes": inputs.plan_bytes,
            "toml_bytes": inputs.toml_bytes,
            "process": {},
            "inprocess": {},
        }
        for side, nbytes in (("check", inputs.plan_bytes), ("tomllib", inputs.toml_bytes)):
            runs = entry["process"][side]
            wall, cpu = _stats([r["seconds"] for r in runs]), _stats([r["cpu_seconds"] for r in runs])
            row["process"][side] = {
                "seconds": wall,
                "cpu_seconds": cpu,
                "bytes_per_s": nbytes / wall["median"],
                "plans_per_s": inputs.size / wall["median"],
                "cpu_plans_per_s": inputs.size / cpu["median"],
                "maxrss_mib": max(r["maxrss_kib"] for r in runs) / 1024,
                "exit_codes": sorted({r["exit_code"] for r in runs}),
                "stdout_bytes": runs[0]["stdout_bytes"],
            }
            figures = entry["inprocess"][side]
            phases = [name for name in figures[0]["wall"] if name != "drop"]
            wall = {name: _stats([f["wall"][name] for f in figures]) for name in phases}
            cpu = {name: _stats([f["cpu"][name] for f in figures]) for name in phases}
            if side == "check":
                row["diagnostics"] = figures[0]["diagnostics"]
            row["inprocess"][side] = {
                "wall": wall,
                "cpu": cpu,
                "gc_seconds": _stats([f["gc_seconds"] for f in figures]),
                "gc_share": statistics.median(f["gc_seconds"] / f["wall"]["warm"] for f in figures),
                "gc_full_collections": max(f["gc_full"] for f in figures),
                "warm_bytes_per_s": nbytes / wall["warm"]["median"],
                "warm_plans_per_s": inputs.size / wall["warm"]["median"],
                "warm_cpu_plans_per_s": inputs.size / cpu["warm"]["median"],
                "maxrss_mib": max(f["maxrss_kib"] for f in figures) / 1024,
            }
        process, inprocess = row["process"], row["inprocess"]
        row["ratio"] = {
            "process_plans": process["tomllib"]["plans_per_s"] / process["check"]["plans_per_s"],
            "process_bytes": process["tomllib"]["bytes_per_s"] / process["check"]["bytes_per_s"],
            "process_cpu_plans": process["tomllib"]["cpu_plans_per_s"] / process["check"]["cpu_plans_per_s"],
            "warm_plans": inprocess["tomllib"]["warm_plans_per_s"] / inprocess["check"]["warm_plans_per_s"],
            "warm_bytes": inprocess["tomllib"]["warm_bytes_per_s"] / inprocess["check"]["warm_bytes_per_s"],
            "warm_cpu_plans": inprocess["tomllib"]["warm_cpu_plans_per_s"] / inprocess["check"]["warm_cpu_plans_per_s"],
        }
        rows.append(row)
    return rows


GROWTH_SERIES = {
    "process_check": lambda r: r["process"]["check"]["seconds"]["median"],
    "process_check_cpu": lambda r: r["process"]["check"]["cpu_seconds"]["median"],
    "process_tomllib": lambda r: r["process"]["tomllib"]["seconds"]["median"],
    "warm_check": lambda r: r["inprocess"]["check"]["wall"]["warm"]["median"],
    "warm_check_cpu": lambda r: r["inprocess"]["check"]["cpu"]["warm"]["median"],
    "warm_check_gc": lambda r: r["inprocess"]["check"]["gc_seconds"]["median"],
    "warm_tomllib_cpu": lambda r: r["inprocess"]["tomllib"]["cpu"]["warm"]["median"],
}


def growth(rows: list[dict]) -> list[dict]:
    """Time ratio between consecutive sizes against the size ratio; exponent 1 is linear."""
    found = []
    for variant in sorted({r["variant"] for r in rows}):
        series = sorted((r for r in rows if r["variant"] == variant), key=lambda r: r["size"])
        for small, large in itertools.pairwise(series):
            size_ratio = large["size"] / small["size"]
            entry = {"variant": variant, "from": small["size"], "to": large["size"], "size_ratio": size_ratio}
            for label, pick in GROWTH_SERIES.items():
                before, after = pick(small), pick(large)
                if before > 0 and after > 0:
                    time_ratio = after / before
                    entry[label] = {"time_ratio": time_ratio, "exponent": math.log(time_ratio) / math.log(size_ratio)}
                else:
                    entry[label] = None
            found.append(entry)
    return found

