"""Benchmark report: the tables printed at the end of a run.

Consumes the rows and growths of `bench_figures` and the optional profile of
`bench_profile`; produces lines of text through `write` (`print` from the command).
"""

from __future__ import annotations

from bench_figures import GROWTH_SERIES


def _fmt_rate(value: float) -> str:
    for unit, scale in (("G", 1e9), ("M", 1e6), ("k", 1e3)):
        if value >= scale:
            return f"{value / scale:.2f}{unit}"
    return f"{value:.1f}"


def print_report(rows: list[dict], growths: list[dict], profile: dict | None, write) -> None:
    write("Whole processes: wall median/min s, CPU (user+sys) median s, plans/s from the wall median, peak RSS MiB;")
    write("ratio = tomllib throughput / check throughput (plans/s by wall, bytes/s by wall, plans/s by CPU):")
    write(
        f"{'variant':7} {'N':>5} {'plan B':>8} {'check wall':>13} {'cpu':>6} {'plans/s':>7} {'MiB':>5} "
        f"{'toml B':>8} {'toml wall':>11} {'cpu':>5} {'plans/s':>7} {'MiB':>5} {'ratio':>5} {'bytes':>5} {'cpu':>5}"
    )
    for r in rows:
        c, t, q = r["process"]["check"], r["process"]["tomllib"], r["ratio"]
        write(
            f"{r['variant']:7} {r['size']:>5} {r['plan_bytes']:>8} "
            f"{c['seconds']['median']:>6.2f}/{c['seconds']['min']:<6.2f} {c['cpu_seconds']['median']:>6.2f} "
            f"{_fmt_rate(c['plans_per_s']):>7} {c['maxrss_mib']:>5.0f} "
            f"{r['toml_bytes']:>8} {t['seconds']['median']:>5.2f}/{t['seconds']['min']:<5.2f} {t['cpu_seconds']['median']:>5.2f} "
            f"{_fmt_rate(t['plans_per_s']):>7} {t['maxrss_mib']:>5.0f} "
            f"{q['process_plans']:>5.1f} {q['process_bytes']:>5.1f} {q['process_cpu_plans']:>5.1f}"
        )
    write("")
    write("In process, fresh interpreter (medians, s): import, first call (builds the parser), warm call, JSON render,")
    write("share of the warm call spent in the cyclic GC; ratio of warm throughputs (plans/s by wall, bytes/s, plans/s by CPU):")
    write(
        f"{'variant':7} {'N':>5} {'import':>6} {'cold':>6} {'warm':>6} {'cpu':>6} {'render':>6} {'gc%':>4} {'B/s':>7} "
        f"{'plans/s':>7} {'toml imp':>8} {'warm':>6} {'B/s':>6} {'ratio':>5} {'bytes':>5} {'cpu':>5}"
    )
    for r in rows:
        c, t, q = r["inprocess"]["check"], r["inprocess"]["tomllib"], r["ratio"]
        write(
            f"{r['variant']:7} {r['size']:>5} {c['wall']['import']['median']:>6.3f} {c['wall']['cold']['median']:>6.2f} "
            f"{c['wall']['warm']['median']:>6.2f} {c['cpu']['warm']['median']:>6.2f} {c['wall']['render']['median']:>6.3f} "
            f"{100 * c['gc_share']:>4.0f} {_fmt_rate(c['warm_bytes_per_s']):>7} {_fmt_rate(c['warm_plans_per_s']):>7} "
            f"{t['wall']['import']['median']:>8.4f} {t['wall']['warm']['median']:>6.3f} {_fmt_rate(t['warm_bytes_per_s']):>6} "
            f"{q['warm_plans']:>5.1f} {q['warm_bytes']:>5.1f} {q['warm_cpu_plans']:>5.1f}"
        )
    write("")
    write("Growth between consecutive sizes: time ratio and exponent log(time ratio)/log(size ratio); 1 = linear:")
    labels = list(GROWTH_SERIES)
    write(f"{'variant':7} {'sizes':>10} " + " ".join(f"{label:>18}" for label in labels))
    for g in growths:
        cells = [f"{g[k]['time_ratio']:>6.2f}x e={g[k]['exponent']:>5.2f}" if g[k] else "-" for k in labels]
        write(f"{g['variant']:7} {str(g['from']) + '->' + str(g['to']):>10} " + " ".join(f"{cell:>18}" for cell in cells))
    if profile:
        write("")
        write(
            f"warm check_paths on {profile['file']}: {profile['unprofiled_cpu_s']:.2f}s CPU unprofiled, "
            f"{100 * profile['gc_share']:.0f}% of it in the cyclic GC; cProfile with the GC off ({profile['total_s']:.2f}s profiled):"
        )
        write("by pipeline stage:")
        for entry in profile["stages"]:
            write(f"  {entry['cum_pct']:5.1f}%  {entry['stage']}")
        write("top by own time:")
        for entry in profile["by_self"][:15]:
            write(f"  {entry['self_pct']:5.1f}% own {entry['cum_pct']:5.1f}% cum {entry['calls']:>9}  {entry['function']}")
        write("top by cumulative time:")
        for entry in profile["by_cumulative"][:20]:
            write(f"  {entry['cum_pct']:5.1f}% cum {entry['self_pct']:5.1f}% own {entry['calls']:>9}  {entry['function']}")

