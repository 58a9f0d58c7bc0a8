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
`check_paths` on the largest single file. Standard library only; no timing is asserted
anywhere.

    python bench/bench_check.py [--sizes 10,100,1000] [--repeat 5] [--out bench/out] [--profile]
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import os
import platform
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Self

ROOT = Path(__file__).resolve().parents[1]
STD_PLAN = ROOT / "alignment_plan" / "catalog" / "std.plan"
SEED = 20230601

FIX_KINDS = ("training_data", "architecture", "inductive_bias")
STATUSES = ("research", "prototype", "deployed", "validated")
BINDING_CHOICES = {
    "good_feedback": ("outcomes", "reasons", "informed", "verifier"),
    "counterfactual": ("physical_process", "idealized_evaluator"),
    "split": ("offline", "online"),
    "boundary": ("model", "model_and_overseers"),
    "stakes": ("high",),
}
FEEDBACK_TECHNIQUES = (
    ("code_review", "Programmers review each output before it is rewarded"),
    ("debate", "Two copies argue and a judge rewards the more honest one"),
    ("recursive_reward_modeling", "Assistants help the overseer evaluate hard outputs"),
    ("cognition_audit", "Interpretability audit of the reasoning behind rewarded outputs"),
    ("elk_probe", "Probe that reports the model's latent knowledge to the overseer"),
    ("process_supervision", "Reward each reasoning step, not only the final answer"),
    ("amplified_oversight", "Overseer amplified by decomposition into checkable subquestions"),
)
FIND_TECHNIQUES = (
    ("red_team", "Red team searches for situations that elicit bad actions"),
    ("adversarial_training", "Train on the adversarial situations the red team finds"),
    ("relaxed_adversarial_training", "Search over pseudo-inputs for latent bad behaviour"),
    ("anomaly_detection", "Flag deployment situations far from the training distribution"),
    ("honeypots", "Situations that look like opportunities to defect, watched closely"),
    ("interpretability_search", "Search activations for circuits that plan bad actions"),
    ("canary_deployment", "Staged deployment with rollback on the first bad action"),
)
DOMAINS = ("pull requests", "customer support", "lab protocols", "tax returns", "email triage", "chip layouts")


# Generation -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Technique:
    name: str
    title: str
    addresses: tuple[str, ...]
    status: str
    evidence: tuple[str, ...]
    fixes: tuple[str, ...]


@dataclass(frozen=True)
class Assumption:
    failure_mode: str
    fact: str
    value: bool


@dataclass(frozen=True)
class PlanSpec:
    name: str
    title: str
    bindings: tuple[tuple[str, str], ...]
    assumptions: tuple[Assumption, ...]
    feedback_process: tuple[Technique, ...]
    find_and_fix: tuple[Technique, ...]
    considers: tuple[str, ...]
    out_of_scope: tuple[tuple[str, str], ...] = field(default=())


def std_vocabulary(text: str) -> tuple[list[str], dict[str, dict[str, bool]]]:
    """The facts of the std catalog and, per failure mode, the facts it states."""
    facts = re.findall(r"^fact\s+(\S+)", text, re.MULTILINE)
    failure_modes = {}
    for name, body in re.findall(r"^failure_mode\s+(\w+)\s+\"[^\"]*\"\s*\{(.*?)^\}", text, re.MULTILINE | re.DOTALL):
        stated = re.findall(r"^\s*([\w.]+)\s*=\s*(true|false)\s*$", body, re.MULTILINE)
        failure_modes[name] = {fact: value == "true" for fact, value in stated}
    return facts, failure_modes


def _technique(rng: random.Random, name: str, title: str, considers, plan_index: int, with_fixes: bool) -> Technique:
    addresses = tuple(rng.sample(considers, rng.randint(1, min(3, len(considers)))))
    status = rng.choice(STATUSES)
    evidence = ()
    if status != "research" and rng.random() < 0.9:
        evidence = (f"https://example.org/evidence/{plan_index}/{name}",)
    fixes = tuple(rng.sample(FIX_KINDS, rng.randint(1, 2))) if with_fixes else ()
    return Technique(name, title, addresses, status, evidence, fixes)


def generate_plans(count: int, seed: int = SEED, std_text: str | None = None) -> list[PlanSpec]:
    """`count` varied plans over the std vocabulary, the same for the same seed."""
    facts, failure_modes = std_vocabulary(std_text if std_text is not None else STD_PLAN.read_text(encoding="utf-8"))
    if not facts or not failure_modes:
        raise ValueError("no facts or failure modes found in the std catalog")
    rng = random.Random(seed)
    names = sorted(failure_modes)
    plans = []
    for index in range(count):
        considers = rng.sample(names, rng.randint(min(3, len(names)), min(6, len(names))))
        bindings = [("good_feedback", rng.choice(BINDING_CHOICES["good_feedback"]))]
        for slot in ("counterfactual", "split", "boundary", "stakes"):
            if rng.random() < 0.6:
                bindings.append((slot, rng.choice(BINDING_CHOICES[slot])))
        assumptions, seen = [], set()
        for _ in range(rng.randint(0, 3)):
            failure_mode = rng.choice(considers)
            open_facts = [f for f in facts if f not in failure_modes[failure_mode] and not f.startswith("story.")]
            if not open_facts:
                continue
            fact = rng.choice(open_facts)
            if (failure_mode, fact) not in seen:
                seen.add((failure_mode, fact))
                assumptions.append(Assumption(failure_mode, fact, rng.random() < 0.5))
        domain = rng.choice(DOMAINS)
        feedback = tuple(
            _technique(rng, name, f"{title} ({domain})", considers, index, with_fixes=False)
            for name, title in rng.sample(FEEDBACK_TECHNIQUES, rng.randint(2, 4))
        )
        find = tuple(
            _technique(rng, name, f"{title} ({domain})", considers, index, with_fixes=True)
            for name, title in rng.sample(FIND_TECHNIQUES, rng.randint(2, 4))
        )
        out_of_scope = ()
        if "misuse" in considers and rng.random() < 0.7:
            out_of_scope = (("misuse", "Handled by access control and the deployment policy, not by training"),)
        plans.append(
            PlanSpec(
                name=f"plan_{index:06d}",
                title=f"Assistant {index} trained on feedback about {domain}",
                bindings=tuple(bindings),
                assumptions=tuple(assumptions),
                feedback_process=feedback,
                find_and_fix=find,
                considers=tuple(considers),
                out_of_scope=out_of_scope,
            )
        )
    return plans


def _plan_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def render_plan(plan: PlanSpec) -> str:
    """One plan in the `.plan` language."""
    lines = [f"plan {plan.name} {_plan_string(plan.title)} {{", "    operationalize {"]
    lines += [f"        {slot} = {definition}" for slot, definition in plan.bindings]
    lines += [
        f"        assume {a.failure_mode}: {a.fact} = {'true' if a.value else 'false'}" for a in plan.assumptions
    ]
    lines.append("    }")
    for step, techniques in (("feedback_process", plan.feedback_process), ("find_and_fix", plan.find_and_fix)):
        lines.append(f"    {step} {{")
        for t in techniques:
            lines.append(f"        technique {t.name} {_plan_string(t.title)} {{")
            lines.append(f"            addresses {', '.join(t.addresses)}")
            if t.fixes:
                lines.append(f"            fixes {', '.join(t.fixes)}")
            lines.append(f"            status {t.status}")
            lines += [f"            evidence {_plan_string(e)}" for e in t.evidence]
            lines.append("        }")
        lines.append("    }")
    lines.append(f"    considers {', '.join(plan.considers)}")
    lines += [f"    out_of_scope {name} {_plan_string(reason)}" for name, reason in plan.out_of_scope]
    lines.append("}")
    return "\n".join(lines) + "\n"


def render_plan_file(plans: list[PlanSpec]) -> str:
    return "use std\n\n" + "\n".join(render_plan(plan) for plan in plans)


def _toml_string(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a valid TOML basic string here


def _toml_array(items) -> str:
    return "[" + ", ".join(_toml_string(item) for item in items) + "]"


def render_toml(plans: list[PlanSpec]) -> str:
    """The same information as `render_plan_file`, as a TOML document."""
    lines = ['use = ["std"]', ""]
    for plan in plans:
        lines += ["[[plan]]", f"name = {_toml_string(plan.name)}", f"title = {_toml_string(plan.title)}"]
        lines.append(f"considers = {_toml_array(plan.considers)}")
        lines += ["", "[plan.operationalize.bindings]"]
        lines += [f"{slot} = {_toml_string(definition)}" for slot, definition in plan.bindings]
        for a in plan.assumptions:
            lines += ["", "[[plan.operationalize.assume]]", f"failure_mode = {_toml_string(a.failure_mode)}"]
            lines += [f"fact = {_toml_string(a.fact)}", f"value = {'true' if a.value else 'false'}"]
        for step, techniques in (("feedback_process", plan.feedback_process), ("find_and_fix", plan.find_and_fix)):
            for t in techniques:
                lines += ["", f"[[plan.{step}.technique]]", f"name = {_toml_string(t.name)}"]
                lines += [f"title = {_toml_string(t.title)}", f"addresses = {_toml_array(t.addresses)}"]
                if t.fixes:
                    lines.append(f"fixes = {_toml_array(t.fixes)}")
                lines.append(f"status = {_toml_string(t.status)}")
                if t.evidence:
                    lines.append(f"evidence = {_toml_array(t.evidence)}")
        for name, reason in plan.out_of_scope:
            lines += ["", "[[plan.out_of_scope]]", f"failure_mode = {_toml_string(name)}"]
            lines.append(f"reason = {_toml_string(reason)}")
        lines.append("")
    return "\n".join(lines)


@dataclass(frozen=True)
class Inputs:
    """The files of one (size, variant), in a project directory of their own."""

    size: int
    variant: str  # "single" or "many"
    project: Path
    plan_path: Path  # a file, or a directory of files
    toml_path: Path  # likewise
    plan_bytes: int
    toml_bytes: int
    techniques: int


# Each input is its own project (a `pyproject.toml` marks the root and holds an empty
# configuration), so that `check FILE`, which also looks for plans that import FILE, scans
# only this input and not the checkout or the other inputs.
PROJECT_MARKER = "# A generated benchmark input: its own project root, default settings.\n[tool.alignment-plan]\n"


def write_inputs(out: Path, size: int, variant: str, seed: int = SEED) -> Inputs:
    """Generate and write the plan and TOML inputs of `size` plans."""
    plans = generate_plans(size, seed)
    techniques = sum(len(p.feedback_process) + len(p.find_and_fix) for p in plans)
    project = out / f"{variant}_{size}"
    if project.exists():
        shutil.rmtree(project)
    project.mkdir(parents=True)
    (project / "pyproject.toml").write_text(PROJECT_MARKER, encoding="utf-8")
    if variant == "single":
        plan_path, toml_path = project / "plans.plan", project / "plans.toml"
        plan_path.write_text(render_plan_file(plans), encoding="utf-8")
        toml_path.write_text(render_toml(plans), encoding="utf-8")
        sizes = (plan_path.stat().st_size, toml_path.stat().st_size)
        return Inputs(size, variant, project, plan_path, toml_path, *sizes, techniques)
    plan_path, toml_path = project / "plans", project / "toml"
    plan_path.mkdir()
    toml_path.mkdir()
    plan_bytes = toml_bytes = 0
    for plan in plans:
        target = plan_path / f"{plan.name}.plan"
        target.write_text(render_plan_file([plan]), encoding="utf-8")
        plan_bytes += target.stat().st_size
        target = toml_path / f"{plan.name}.toml"
        target.write_text(render_toml([plan]), encoding="utf-8")
        toml_bytes += target.stat().st_size
    return Inputs(size, variant, project, plan_path, toml_path, plan_bytes, toml_bytes, techniques)


# Measurement ----------------------------------------------------------------------------

TOML_ONE = "import tomllib, sys; tomllib.load(open(sys.argv[1], 'rb'))"
TOML_MANY = (
    "import tomllib, sys, pathlib\n"
    "for p in sorted(pathlib.Path(sys.argv[1]).glob('*.toml')):\n"
    "    with open(p, 'rb') as f: tomllib.load(f)"
)


CHECK_EXITS = (0, 1)  # clean or findings; 2 (trouble) fails the benchmark


class BenchmarkError(Exception):
    """A measured command failed (exit code 2 from check, anything but 0 from tomllib)."""


@dataclass(frozen=True)
class Run:
    seconds: float
    cpu_seconds: float  # user + system time of the child
    exit_code: int
    maxrss_kib: int
    stdout_bytes: int
    stdout: str  # only when asked for
    stderr_tail: str


def run_process(command: list[str], cwd: Path, keep_stdout: bool = False) -> Run:
    """Run `command` in `cwd`; wall and CPU time, exit code, the child's peak RSS."""
    path = os.environ.get("PYTHONPATH")
    env = {**os.environ, "PYTHONPATH": str(ROOT) + (os.pathsep + path if path else "")}
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        process = subprocess.Popen(command, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=out, stderr=err)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        size = out.tell()
        out.seek(0)
        stdout = out.read().decode("utf-8", "replace") if keep_stdout else ""
        err.seek(0)
        lines = err.read().decode("utf-8", "replace").strip().splitlines()
    cpu = usage.ru_utime + usage.ru_stime
    return Run(seconds, cpu, process.returncode, usage.ru_maxrss, size, stdout, lines[-1] if lines else "")


def serve_launcher() -> int:
    """The launcher side: run each command read from stdin, answer with its `Run` as JSON."""
    for line in sys.stdin:
        request = json.loads(line)
        run = run_process(request["command"], Path(request["cwd"]), request["keep_stdout"])
        print(json.dumps(asdict(run)), flush=True)
    return 0


class Launcher:
    """Starts the measured commands from a small helper process started first.

    Linux charges a child's peak RSS with the memory of the process that forked it, so
    commands started from this process, which holds the generated inputs, or from a test
    runner, would all report at least that size.
    """

    def __enter__(self) -> Self:
        command = [sys.executable, str(Path(__file__).resolve()), "--launcher"]
        self._process = subprocess.Popen(command, cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        return self

    def __exit__(self, *exc) -> None:
        self._process.stdin.close()
        self._process.wait()
        self._process.stdout.close()

    def run(self, command: list[str], cwd: Path, allowed: tuple[int, ...] = (0,), keep_stdout: bool = False) -> Run:
        request = {"command": command, "cwd": str(cwd), "keep_stdout": keep_stdout}
        self._process.stdin.write(json.dumps(request) + "\n")
        self._process.stdin.flush()
        answer = self._process.stdout.readline()
        if not answer:
            raise BenchmarkError("the process launcher exited early")
        run = Run(**json.loads(answer))
        if run.exit_code not in allowed:
            raise BenchmarkError(
                f"`{' '.join(command)}` exited with {run.exit_code}: {run.stderr_tail or 'no output on stderr'}"
            )
        return run


def process_commands(inputs: Inputs) -> dict[str, list[str]]:
    """Both whole-process commands, to be run in `inputs.project`."""
    toml_code = TOML_ONE if inputs.variant == "single" else TOML_MANY
    target = str(inputs.plan_path.relative_to(inputs.project))
    return {
        "check": [sys.executable, "-m", "alignment_plan", "check", "--format", "json", "--no-plans", target],
        "tomllib": [sys.executable, "-c", toml_code, str(inputs.toml_path.relative_to(inputs.project))],
    }


def worker_commands(inputs: Inputs) -> dict[str, list[str]]:
    me = str(Path(__file__).resolve())
    return {
        "check": [sys.executable, me, "--worker", "check", str(inputs.plan_path)],  # root: its parent
        "tomllib": [sys.executable, me, "--worker", "tomllib", str(inputs.toml_path)],
    }


class _Laps:
    """Wall (`perf_counter`) and CPU (`process_time`) time of consecutive phases."""

    def __init__(self) -> None:
        self.wall: dict[str, float] = {}
        self.cpu: dict[str, float] = {}
        self._mark = (time.perf_counter(), time.process_time())

    def lap(self, name: str) -> None:
        now = (time.perf_counter(), time.process_time())
        self.wall[name] = now[0] - self._mark[0]
        self.cpu[name] = now[1] - self._mark[1]
        self._mark = (time.perf_counter(), time.process_time())


def worker(kind: str, path: Path) -> dict:
    """In-process timings, run in a fresh interpreter so that the import is cold.

    `cold` is the first call (for check it builds the lark parser), `warm` a second call
    after the first result is dropped; `gc` is the time the cyclic collector spent during
    the warm call.
    """
    import gc
    import resource

    collecting = {"seconds": 0.0, "full": 0}

    def on_gc(phase: str, info: dict) -> None:
        if phase == "start":
            collecting["since"] = time.perf_counter()
        else:
            collecting["seconds"] += time.perf_counter() - collecting["since"]
            collecting["full"] += info["generation"] == 2

    laps = _Laps()
    if kind == "check":
        sys.path.insert(0, str(ROOT))
        from alignment_plan.project.project import Project

        def check_paths(paths, root):
            return Project.open(root).check(paths, dependents=False)

        from alignment_plan.reporters import json_report

        laps.lap("import")
        result = check_paths([path], root=path.parent)
        laps.lap("cold")
        json_report.render(result)
        laps.lap("render")
        figures = {
            "plans": len(result.plans),
            "techniques": sum(len(p.techniques) for p in result.plans),
            "errors": sum(1 for d in result.diagnostics if d.severity.value == "error"),
            "diagnostics": len(result.diagnostics),
        }
        del result
        gc.collect()
        gc.callbacks.append(on_gc)
        laps.lap("drop")
        check_paths([path], root=path.parent)
        laps.lap("warm")
    else:
        import tomllib

        laps.lap("import")
        files = [path] if path.is_file() else sorted(path.glob("*.toml"))
        texts = [f.read_text(encoding="utf-8") for f in files]
        laps.lap("read")
        documents = [tomllib.loads(text) for text in texts]
        laps.lap("cold")
        figures = {"plans": sum(len(d.get("plan", [])) for d in documents)}
        del documents
        gc.collect()
        gc.callbacks.append(on_gc)
        laps.lap("drop")
        for text in texts:
            tomllib.loads(text)
        laps.lap("warm")
    gc.callbacks.remove(on_gc)
    figures.update(wall=laps.wall, cpu=laps.cpu, gc_seconds=collecting["seconds"], gc_full=collecting["full"])
    figures["maxrss_kib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return figures


def measure(launcher: Launcher, all_inputs: list[Inputs], repeat: int, log) -> dict:
    """Interleaved measurements: each repeat runs every size and variant, both sides."""
    samples: dict = {}
    for index in range(repeat):
        for inputs in all_inputs:
            key = f"{inputs.variant}/{inputs.size}"
            entry = samples.setdefault(key, {"process": {"check": [], "tomllib": []}, "inprocess": {"check": [], "tomllib": []}})
            sides = ("check", "tomllib") if index % 2 == 0 else ("tomllib", "check")
            for side in sides:
                allowed = CHECK_EXITS if side == "check" else (0,)
                run = launcher.run(process_commands(inputs)[side], inputs.project, allowed)
                entry["process"][side].append(
                    {
                        "seconds": run.seconds,
                        "cpu_seconds": run.cpu_seconds,
                        "exit_code": run.exit_code,
                        "maxrss_kib": run.maxrss_kib,
                        "stdout_bytes": run.stdout_bytes,
                    }
                )
            for side in sides:
                run = launcher.run(worker_commands(inputs)[side], ROOT, keep_stdout=True)
                figures = json.loads(run.stdout)
                if figures["plans"] != inputs.size:
                    raise BenchmarkError(f"{side} on {key} saw {figures['plans']} plans, expected {inputs.size}")
                if side == "check" and figures["errors"]:
                    raise BenchmarkError(f"the generated input {key} has {figures['errors']} errors")
                entry["inprocess"][side].append(figures)
        log(f"  repeat {index + 1}/{repeat} done")
    return samples


# Summary --------------------------------------------------------------------------------


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

    sys.path.insert(0, str(ROOT))
    from alignment_plan.project.project import Project

    def check_paths(paths, root):
        return Project.open(root).check(paths, dependents=False)


    check_paths([path], root=path.parent)  # build the parser outside the measurements
    gc.collect()
    collected = {"seconds": 0.0}

    def on_gc(phase: str, info: dict) -> None:
        if phase == "start":
            collected["since"] = time.process_time()
        else:
            collected["seconds"] += time.process_time() - collected["since"]

    gc.callbacks.append(on_gc)
    start = time.process_time()
    check_paths([path], root=path.parent)
    with_gc = time.process_time() - start
    gc.callbacks.remove(on_gc)
    gc.collect()
    gc.disable()
    try:
        profiler = cProfile.Profile()
        profiler.enable()
        check_paths([path], root=path.parent)
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
    parser.add_argument("--worker", nargs=2, metavar=("KIND", "PATH"), help=argparse.SUPPRESS)
    parser.add_argument("--launcher", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.launcher:
        return serve_launcher()
    if args.worker:
        print(json.dumps(worker(args.worker[0], Path(args.worker[1]))))
        return 0
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
        log(f"inputs written to {out}; measuring {len(all_inputs)} inputs x {args.repeat} repeats")
        try:
            first = all_inputs[0]
            launcher.run(process_commands(first)["check"], first.project, CHECK_EXITS)  # warm caches and bytecode
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
