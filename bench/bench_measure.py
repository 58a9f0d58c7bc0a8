"""Benchmark measurement: the launcher, the timed processes and the in-process workers.

Consumes the `Inputs` that `plan_generator.write_inputs` wrote; produces raw samples:
per input, per side (`check` and `tomllib`), whole-process wall time, CPU time, exit
code and peak RSS, and in-process phase timings from a fresh interpreter each time,
with the cyclic GC's share. Repeats are interleaved and alternate which side goes first.
This file is also the child program: `--launcher` serves the launcher's requests and
`--worker KIND PATH` prints one in-process sample as JSON.
"""

from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from plan_generator import ROOT, Inputs

# `tomllib` is standard from Python 3.11; below, `tomli`, the package it was taken from
# (a dependency of alignment-plan there). Results keep the name `tomllib` for both.
TOML_MODULE = "tomllib" if sys.version_info >= (3, 11) else "tomli"
TOML_IMPORT = "import tomllib" if TOML_MODULE == "tomllib" else "import tomli as tomllib"
TOML_ONE = f"{TOML_IMPORT}, sys; tomllib.load(open(sys.argv[1], 'rb'))"
TOML_MANY = (
    f"{TOML_IMPORT}, sys, pathlib\n"
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


def child_environment(checkout: Path = ROOT, extra: dict[str, str] | None = None) -> dict[str, str]:
    """The environment of a timed child: `checkout` first on `PYTHONPATH`, bytecode on.

    An installed package has the `.pyc` files of its modules, and so does the standard
    library and every dependency. With `PYTHONDONTWRITEBYTECODE` set (some environments
    set it) a child would compile every module of the checkout from source on each run, a
    cost no user pays, so the variable is dropped here and `compile_checkout` writes the
    `.pyc` files before the first round. The references (`import lark, attrs`, tomllib)
    run with the same environment.
    """
    env = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}
    path = env.get("PYTHONPATH")
    env["PYTHONPATH"] = str(checkout) + (os.pathsep + path if path else "")
    env.update(extra or {})
    return env


def compile_checkout(checkout: Path = ROOT) -> None:
    """Write the `.pyc` files of the package in `checkout`, as installing it does."""
    command = [sys.executable, "-m", "compileall", "-q", str(checkout / "alignment_plan")]
    subprocess.run(command, env=child_environment(checkout), stdout=subprocess.DEVNULL, check=True)


def run_process(command: list[str], cwd: Path, keep_stdout: bool = False) -> Run:
    """Run `command` in `cwd`; wall and CPU time, exit code, the child's peak RSS."""
    env = child_environment()
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

    def __enter__(self) -> Launcher:
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
        # One process, no result cache: every repeat measures a cold check (`bench_speed.py`
        # measures `--jobs` and the cache).
        "check": [sys.executable, "-m", "alignment_plan", "check", "--format", "json", "--no-plans", "--no-cache", "-j", "1", target],
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
        from alignment_plan.reporters import json_report

        laps.lap("import")
        result = check_file(path)
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
        check_file(path)
        laps.lap("warm")
    else:
        tomllib = importlib.import_module(TOML_MODULE)

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


def check_file(path: Path):
    """A `check` of one file or directory, as `check` runs it, in its own project `path.parent`."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from alignment_plan.project.project import Project

    return Project.open(path.parent).check([path], dependents=False)


def child_main(argv: list[str]) -> int:
    """The child program: `--launcher`, or `--worker KIND PATH`."""
    if argv == ["--launcher"]:
        return serve_launcher()
    if len(argv) == 3 and argv[0] == "--worker":
        print(json.dumps(worker(argv[1], Path(argv[2]))))
        return 0
    print(f"usage: {Path(__file__).name} --launcher | --worker KIND PATH", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(child_main(sys.argv[1:]))
