"""Speed levers never change what a run finds.

- `--jobs N` writes byte for byte what `--jobs 1` writes;
- a run served from the result cache writes what a run without it writes, and a change
  to a file, to a file it imports (or a missing import appearing), to the configuration
  or to the tool re-checks exactly the files it must;
- runs sharing the cache, and a damaged or foreign cache entry, never give wrong output.

No timing is asserted here; `bench/` measures.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import attrs
import pytest

from alignment_plan.cli import main
from alignment_plan.paths import CACHE_DIRECTORY
from alignment_plan.project import cache as result_cache
from alignment_plan.project import parallel
from alignment_plan.project.project import Project
from alignment_plan.reporters import json_report, text as text_report
from conftest import ROOT

SHARED = '''fact shared.flag "a fact only these plans know"
failure_mode shared_mode "a failure mode the plans import" {
    story.deployment = true
}
'''


def _plan(index: int, imports: str | None) -> str:
    use = f'use "{imports}"\n' if imports else ""
    considers = "deception, shared_mode" if imports else "deception, misuse"
    return f'''use std
{use}
plan plan_{index} "Plan number {index}" {{
    operationalize {{
        good_feedback = outcomes
        assume deception: story.deployment = {"true" if index % 2 else "false"}
    }}
    feedback_process {{
        technique review_{index} "Review {index}" {{
            addresses deception
            status {("research", "prototype", "deployed")[index % 3]}
        }}
    }}
    considers {considers}
}}
'''


@pytest.fixture
def project(tmp_path) -> Path:
    """A project of 40 plan files (some import a shared file, one has a syntax error)."""
    (tmp_path / "pyproject.toml").write_text("[tool.alignment-plan]\n", encoding="utf-8")
    plans = tmp_path / "plans"
    plans.mkdir()
    (plans / "shared.plan").write_text(SHARED, encoding="utf-8")
    for index in range(40):
        text = _plan(index, "shared.plan" if index % 4 == 0 else None)
        if index == 7:
            text = text.replace("considers", "considers considers")
        (plans / f"p{index:02d}.plan").write_text(text, encoding="utf-8")
    shutil.copy(ROOT / "plans" / "literature_scenarios.plan", plans / "example.plan")  # scenarios too
    return tmp_path


def _outputs(root: Path, **how) -> tuple[str, str]:
    result = Project.open(root, **how).check([root])
    return json_report.render(result), text_report.render(result, color=False, show_plans=True, precision=1)


@pytest.fixture
def checked(monkeypatch) -> list[str]:
    """The display paths of the files actually checked (not served from the cache)."""
    seen: list[str] = []
    original = parallel.check_file

    def spy(path, workspace, options):
        seen.append(workspace.display(path))
        return original(path, workspace, options)

    monkeypatch.setattr(parallel, "check_file", spy)
    return seen


def test_jobs_give_the_output_of_one_process(project):
    assert parallel.jobs_for(41, 2) == 2, "the fixture is too small to fork workers"
    alone = _outputs(project, jobs=1)
    assert _outputs(project, jobs=2) == alone
    assert _outputs(project, jobs=3) == alone
    assert json.loads(alone[0])["summary"]["error"] >= 1  # the broken file is in there


def test_jobs_on_the_command_line(project, monkeypatch, tmp_path_factory):
    monkeypatch.chdir(project)
    out = tmp_path_factory.mktemp("out")
    assert main(["check", "--no-cache", "-j", "1", "--format", "json", "-o", str(out / "one.json")]) == 1
    assert main(["check", "--no-cache", "--jobs", "2", "--format", "json", "-o", str(out / "two.json")]) == 1
    assert main(["check", "--format", "json", "-o", str(out / "default.json")]) == 1  # all CPUs, cache
    one = (out / "one.json").read_bytes()
    assert one == (out / "two.json").read_bytes() == (out / "default.json").read_bytes()
    assert main(["check", "--jobs", "0"]) == 2


def test_cached_run_gives_the_uncached_output(project, checked):
    fresh = _outputs(project)
    assert _outputs(project, cache=True) == fresh
    assert len(checked) == 42
    checked.clear()
    assert _outputs(project, cache=True) == fresh
    assert checked == []  # every file served from the cache
    assert _outputs(project, cache=True, jobs=2) == fresh


def test_the_cache_folder_is_ignored_by_git_and_tagged(project):
    Project.open(project, cache=True).check([project])
    folder = project / CACHE_DIRECTORY
    assert (folder / ".gitignore").read_text(encoding="utf-8").splitlines()[-1] == "*"
    assert (folder / "CACHEDIR.TAG").read_text(encoding="utf-8").startswith("Signature: 8a477f597d28d172789f06886806bc55")
    subprocess.run(["git", "init", "-q", str(project)], check=True)
    status = subprocess.run(["git", "status", "--porcelain", "--untracked-files=all"], cwd=project, capture_output=True, text=True)
    assert CACHE_DIRECTORY not in status.stdout
    assert "plans/p00.plan" in status.stdout


def test_a_changed_file_is_checked_again_alone(project, checked):
    Project.open(project, cache=True).check([project])
    checked.clear()
    target = project / "plans" / "p01.plan"
    target.write_text(target.read_text(encoding="utf-8").replace("status prototype", "status deployed"), encoding="utf-8")
    assert _outputs(project, cache=True) == _outputs(project)
    assert checked == ["plans/p01.plan"]


def test_a_changed_import_rechecks_exactly_its_importers(project, checked):
    Project.open(project, cache=True).check([project])
    checked.clear()
    shared = project / "plans" / "shared.plan"
    shared.write_text(SHARED.replace("story.deployment = true", "story.deployment = false"), encoding="utf-8")
    cached = _outputs(project, cache=True)
    importers = sorted(f"plans/p{i:02d}.plan" for i in range(0, 40, 4))
    assert sorted(checked) == sorted(importers + ["plans/shared.plan"])
    assert cached == _outputs(project)


def test_a_missing_import_that_appears_invalidates(project, checked):
    orphan = project / "plans" / "orphan.plan"
    orphan.write_text(_plan(99, "later.plan"), encoding="utf-8")
    before = _outputs(project, cache=True)
    assert "cannot import `later.plan`" in before[0]
    checked.clear()
    (project / "plans" / "later.plan").write_text(SHARED, encoding="utf-8")
    after = _outputs(project, cache=True)
    assert checked == ["plans/later.plan", "plans/orphan.plan"]  # the new file itself, and its importer
    assert "cannot import `later.plan`" not in after[0]
    assert after == _outputs(project)


@pytest.mark.parametrize(
    "overrides",
    [{"select": ("AP3",)}, {"severity": {"AP301": "error"}}, {"min-status": "deployed"}, {"per-file-ignores": {"plans/p1*.plan": ("AP301",)}}],
    ids=["select", "severity", "min-status", "per-file-ignores"],
)
def test_a_configuration_change_invalidates(project, checked, overrides):
    Project.open(project, cache=True).check([project])
    checked.clear()
    changed = Project.open(project, overrides, cache=True).check([project])
    assert checked, "a changed configuration was served from the cache"
    assert json_report.render(changed) == json_report.render(Project.open(project, overrides).check([project]))


def test_a_new_tool_invalidates(project, checked, monkeypatch):
    Project.open(project, cache=True).check([project])
    checked.clear()
    monkeypatch.setattr(result_cache, "tool_fingerprint", lambda: "another version")
    Project.open(project, cache=True).check([project])
    assert len(checked) == 42


def test_the_tool_fingerprint_follows_the_version(monkeypatch):
    before = result_cache.tool_fingerprint()
    result_cache.tool_fingerprint.cache_clear()
    monkeypatch.setattr(result_cache, "__version__", "999.0")
    try:
        assert result_cache.tool_fingerprint() != before
    finally:
        result_cache.tool_fingerprint.cache_clear()


def _entries(project: Path) -> list[Path]:
    return sorted((project / CACHE_DIRECTORY).glob("*/*/*.json"))


def test_a_damaged_or_foreign_entry_is_a_miss(project, checked):
    fresh = _outputs(project)
    _outputs(project, cache=True)
    entries = _entries(project)
    entries[0].write_text('{"result": {"cla', encoding="utf-8")
    foreign = {"result": {"class": "Popen", "fields": [["touch", str(project / "pwned")]]}}
    entries[1].write_text(json.dumps(foreign), encoding="utf-8")
    entries[2].write_text(json.dumps({"result": {"class": "Span", "fields": ["x", 1, 1, 1, 2]}}))
    checked.clear()
    assert _outputs(project, cache=True) == fresh
    assert len(checked) == 3
    assert not (project / "pwned").exists()


def test_runs_sharing_the_cache_at_once(project):
    expected = _outputs(project)[0]
    command = [sys.executable, "-m", "alignment_plan", "check", "--format", "json", "-j", "1"]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    runs = [subprocess.Popen(command, cwd=project, stdout=subprocess.PIPE, env=env) for _ in range(3)]
    outputs = [run.communicate()[0].decode("utf-8") for run in runs]
    assert outputs == [expected] * 3
    assert not list((project / CACHE_DIRECTORY).glob("*/*/.*.tmp"))
    again = subprocess.run(command, cwd=project, stdout=subprocess.PIPE, env=env)
    assert again.stdout.decode("utf-8") == expected


def test_an_entry_this_machine_did_not_sign_is_never_trusted(project, checked, monkeypatch, tmp_path_factory):
    """A pull request can commit a cache folder: an entry forged to say "no findings" for a
    broken plan, signed with another key (or none), is a miss and the plan is checked."""
    fresh = _outputs(project)
    _outputs(project, cache=True)
    entries = _entries(project)
    # The attacker's copy: every entry rewritten to claim a clean result, signed elsewhere.
    with monkeypatch.context() as patch:
        patch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("attacker")))
        attacker = result_cache.ResultCache(project, Project.open(project).workspace())
    for entry in entries:
        signature, _, text = entry.read_text(encoding="utf-8").partition("\n")
        data = json.loads(text)
        data["result"]["fields"][1] = []  # no diagnostics
        forged = json.dumps(data)
        entry.write_text(attacker._sign(forged.encode("utf-8")) + "\n" + forged, encoding="utf-8")
    checked.clear()
    assert _outputs(project, cache=True) == fresh
    assert len(checked) == len(entries)


def test_a_cache_folder_that_is_a_link_is_not_used(project, checked, tmp_path_factory):
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    (project / CACHE_DIRECTORY).symlink_to(elsewhere, target_is_directory=True)
    fresh = _outputs(project, cache=True)
    assert list(elsewhere.iterdir()) == []  # nothing written through the link
    checked.clear()
    assert _outputs(project, cache=True) == fresh and len(checked) == 42


def test_an_entry_reads_back_as_the_result_it_was_written_from(tmp_path):
    # Every result class of every repository plan and of generated plans (explanations,
    # scenarios, label checks, fractions, enums): what `loads` gives equals what was stored.
    from plan_generator import generate_plans, render_plan_file

    from alignment_plan.checker.check import CheckOptions, check_file

    (tmp_path / "generated.plan").write_text(render_plan_file(generate_plans(40)), encoding="utf-8")
    workspace = Project.open(ROOT, isolated=True).workspace()
    workspace.allow(tmp_path)
    paths = [*sorted((ROOT / "plans").glob("*.plan")), *sorted((ROOT / "tests" / "cases").rglob("*.plan"))]
    results = [check_file(path, workspace, CheckOptions()) for path in [*paths, tmp_path / "generated.plan"]]
    assert sum(len(r.plans) for r in results) > 40 and any(r.scenarios for r in results)
    for result in results:
        assert result_cache.loads(result_cache.dumps(result)) == result, result.file


def test_each_file_keeps_its_most_recently_used_entries(project, checked):
    """Editing a file again and again does not grow the cache: the file keeps
    KEEP_PER_FILE entries, the one in use among them; the other files keep theirs."""
    target = project / "plans" / "p01.plan"
    original = target.read_text(encoding="utf-8")
    Project.open(project, cache=True).check([project])
    before = set(_entries(project))
    for edit in range(result_cache.KEEP_PER_FILE + 3):
        target.write_text(original + f"# edit {edit}\n", encoding="utf-8")
        Project.open(project, cache=True).check([project])
    after = set(_entries(project))
    added = after - before
    assert len(after) == len(before) + result_cache.KEEP_PER_FILE - 1  # p01's first entry pruned too
    assert len({entry.parent for entry in added}) == 1  # all in p01's folder
    checked.clear()
    Project.open(project, cache=True).check([project])
    assert checked == []  # the latest version is among those kept


def test_clean_removes_the_cache_and_nothing_else(project, monkeypatch, capsys, tmp_path_factory):
    monkeypatch.chdir(project / "plans")  # the root is found as every command finds it
    Project.open(project, cache=True).check([project])
    assert main(["clean"]) == 0
    assert not (project / CACHE_DIRECTORY).exists() and (project / "plans" / "p00.plan").is_file()
    assert "removed the result cache" in capsys.readouterr().err
    assert main(["clean"]) == 0 and "no result cache" in capsys.readouterr().err
    # A link in its place is removed, not followed.
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    (elsewhere / "keep.txt").write_text("mine", encoding="utf-8")
    (project / CACHE_DIRECTORY).symlink_to(elsewhere, target_is_directory=True)
    assert main(["clean"]) == 0
    assert not (project / CACHE_DIRECTORY).is_symlink() and (elsewhere / "keep.txt").is_file()
    # A folder of that name that this tool did not make is left alone.
    (project / CACHE_DIRECTORY).mkdir()
    (project / CACHE_DIRECTORY / "notes.txt").write_text("not a cache", encoding="utf-8")
    capsys.readouterr()
    assert main(["clean"]) == 2
    err = capsys.readouterr().err
    assert "was not made by alignment-plan" in err and err.count("\n") == 1
    assert (project / CACHE_DIRECTORY / "notes.txt").is_file()


def test_a_command_resolves_each_path_once_and_only_inside_the_command(tmp_path):
    from alignment_plan import paths

    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    link = tmp_path / "link"
    link.symlink_to(tmp_path / "a")
    with paths.resolving_once():
        assert paths.resolved(link) == tmp_path.resolve() / "a"
        link.unlink()
        link.symlink_to(tmp_path / "b")
        assert paths.resolved(link) == tmp_path.resolve() / "a"  # remembered for the command
    assert paths.resolved(link) == tmp_path.resolve() / "b"  # the language server sees changes


def test_findings_of_many_files_are_shown_from_one_index_of_their_lines():
    from alignment_plan.results.model import CheckResult

    sources = tuple((f"f{index}.plan", (f"line of {index}",)) for index in range(3))
    result = CheckResult(files=(), diagnostics=(), plans=(), rules=(), sources=sources)
    assert result.source_lines("f2.plan") == ("line of 2",) and result.source_lines("nope") == ()
    assert attrs.evolve(result, sources=()).source_lines("f2.plan") == ()
    assert attrs.evolve(result) == result


def test_a_linked_folder_inside_the_cache_is_never_written_or_pruned_through(project, tmp_path_factory):
    """A pull request can commit `.alignment-plan-cache/xx/<file's folder>` as a link to a
    folder elsewhere: writing an entry, and pruning that file's old entries, must not
    touch what is there."""
    Project.open(project, cache=True).check([project])
    folder = next(entry.parent for entry in _entries(project) if "p03" not in entry.name)
    victim = tmp_path_factory.mktemp("victim")
    for index in range(result_cache.KEEP_PER_FILE + 2):
        (victim / f"precious{index}.json").write_text("{}", encoding="utf-8")
    before = sorted(victim.iterdir())
    for entry in folder.iterdir():
        entry.unlink()
    folder.rmdir()
    folder.symlink_to(victim, target_is_directory=True)
    fresh = _outputs(project)
    assert _outputs(project, cache=True) == fresh
    assert sorted(victim.iterdir()) == before  # nothing written, nothing pruned there


def test_a_file_result_keeps_only_the_lines_its_findings_are_on(tmp_path):
    """What reporters quote and fingerprints hash are the findings' own lines; a result
    that kept the whole file held 4 MiB of text for a file of 1000 plans."""
    from alignment_plan.analysis.workspace import Workspace
    from alignment_plan.checker.check import check_file

    plan = tmp_path / "one.plan"
    plan.write_text((ROOT / "plans" / "debate.plan").read_text(encoding="utf-8"), encoding="utf-8")
    lines = plan.read_text(encoding="utf-8").split("\n")
    result = check_file(plan, Workspace(tmp_path))
    found = {d.span.line for d in result.diagnostics}
    assert found and len(result.source_lines) == len(lines) - (lines[-1] == "")
    for number, line in enumerate(result.source_lines, 1):
        assert line == (lines[number - 1] if number in found else "")


def test_the_text_report_is_written_in_pieces(project, monkeypatch):
    """`check` writes the text report as it renders it, a few thousand lines at a time,
    never holding all of it (4 MB of text for 1000 plans)."""
    result = Project.open(project).check([project])
    whole = text_report.render(result, show_plans=True)
    monkeypatch.setattr(text_report, "_CHUNK", 100)
    pieces = list(text_report.chunks(result, show_plans=True))
    assert len(pieces) > 5 and all(piece.endswith("\n") for piece in pieces)
    assert "".join(pieces) == whole


def test_the_collection_at_exit_has_nothing_left_to_walk(project):
    """The program freezes what a command leaves (a workspace of every module checked
    waits in a cycle until then): after 1000 files, walking it cost 0.25 s at exit."""
    code = (
        "import gc, sys; from alignment_plan.cli import main; sys.argv[1:] = "
        "['check', '--no-cache', '--format', 'json', '-o', sys.argv[1], 'plans']; "
        "code = main(); print(code, len(gc.get_objects()), gc.get_freeze_count())"
    )
    out = project / "out.json"
    completed = subprocess.run(
        [sys.executable, "-c", code, str(out)], cwd=project, capture_output=True, text=True, timeout=120,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    exit_code, tracked, frozen = map(int, completed.stdout.split())
    assert exit_code == 1 and json.loads(out.read_text())["plans"], completed.stderr
    assert tracked < 100 < 10_000 < frozen


def _edited_while_workers_check(tmp_path, monkeypatch) -> tuple[Path, str]:
    """40 plans importing a file outside the checked folder, which changes after a worker
    process has read it and before this process reads it (`parallel.check_file` spied on,
    until `monkeypatch` undoes it). The plans folder, and the text the import gets."""
    (tmp_path / "pyproject.toml").write_text("[tool.alignment-plan]\n", encoding="utf-8")
    (tmp_path / "lib").mkdir()
    shared = tmp_path / "lib" / "shared.plan"
    shared.write_text(SHARED, encoding="utf-8")
    plans = tmp_path / "plans"
    plans.mkdir()
    for index in range(40):
        (plans / f"p{index:02d}.plan").write_text(_plan(index, "../lib/shared.plan"), encoding="utf-8")
    parent, original = os.getpid(), parallel.check_file
    edited = SHARED.replace("a failure mode the plans import", "edited while the workers checked")

    def edit_after_reading(path, workspace, options):
        if os.getpid() == parent:  # this process reads the import only once it has changed
            for _ in range(400):
                if shared.read_text(encoding="utf-8") == edited:
                    break
                time.sleep(0.05)
        result = original(path, workspace, options)
        if os.getpid() != parent:  # a worker has read the old text: now it changes
            shared.write_text(edited, encoding="utf-8")
        return result

    monkeypatch.setattr(parallel, "check_file", edit_after_reading)
    return plans, edited


def test_an_import_that_changes_while_workers_check_is_never_cached_as_seen(tmp_path, monkeypatch):
    """A cache entry records each import's state as the process that checked the file read
    it, so the old result is not served for the new text."""
    plans, edited = _edited_while_workers_check(tmp_path, monkeypatch)
    # Not looking for dependents: this process reads nothing in `lib` before the workers do.
    Project.open(tmp_path, jobs=2, cache=True).check([plans], dependents=False)  # fills the cache
    assert (tmp_path / "lib" / "shared.plan").read_text(encoding="utf-8") == edited, "no worker checked a file"
    monkeypatch.undo()
    served = json_report.render(Project.open(tmp_path, jobs=1, cache=True).check([plans], dependents=False))
    assert served == json_report.render(Project.open(tmp_path, jobs=1).check([plans], dependents=False))
    assert "edited while the workers checked" in served


def test_an_import_that_changes_while_workers_check_is_never_replayed_as_seen(tmp_path, monkeypatch, capsys):
    """The record of a whole run (replayed by the next identical run) holds the states the
    checks saw: a file seen two ways holds both, and never matches again."""
    plans, _ = _edited_while_workers_check(tmp_path, monkeypatch)
    monkeypatch.chdir(tmp_path)
    argv = ["check", "--format", "json", "--no-dependents", "plans"]
    main([*argv, "-j", "2"])  # checks, and records the run
    monkeypatch.undo()
    monkeypatch.chdir(tmp_path)
    capsys.readouterr()
    main([*argv, "-j", "1"])
    again = capsys.readouterr().out
    main([*argv, "--no-cache"])
    assert again == capsys.readouterr().out


def test_a_worker_that_stops_never_leaves_the_run_waiting(project):
    """A worker process can be killed (out of memory, a signal) or crash: its files are
    checked by this process instead, and the output is what one process writes. The run
    happens in a child process with a time limit: the failure this guards against is a
    run that waits forever for the dead worker's results."""
    code = (
        "import os, sys\n"
        "from alignment_plan.project import parallel\n"
        "from alignment_plan.project.project import Project\n"
        "from alignment_plan.reporters import json_report\n"
        "parent, real = os.getpid(), parallel.check_file\n"
        "def stop_in_a_worker(path, workspace, options):\n"
        "    if os.getpid() != parent:\n"
        "        os._exit(3)  # as a worker the kernel killed\n"
        "    return real(path, workspace, options)\n"
        "parallel.check_file = stop_in_a_worker\n"
        "from pathlib import Path\n"
        "root = Path(sys.argv[1])\n"
        "sys.stdout.write(json_report.render(Project.open(root, jobs=2).check([root])))\n"
    )
    assert parallel.jobs_for(41, 2) == 2
    completed = subprocess.run(
        [sys.executable, "-c", code, str(project)], capture_output=True, text=True, timeout=60,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout == json_report.render(Project.open(project, jobs=1).check([project]))


@pytest.mark.parametrize("failing", ["semaphores", "processes"])
def test_where_no_worker_can_start_one_process_checks_everything(project, monkeypatch, failing):
    """A container without `/dev/shm` has no semaphores; a machine at its process limit
    cannot fork: `--jobs` then checks every file in this process, as `--jobs 1` does."""
    import concurrent.futures
    import multiprocessing

    def refuse(*args, **kwargs):
        raise OSError(38, "Function not implemented")

    alone = _outputs(project, jobs=1)
    if failing == "semaphores":
        monkeypatch.setattr(type(multiprocessing.get_context("fork")), "Value", refuse)
    else:
        monkeypatch.setattr(concurrent.futures.ProcessPoolExecutor, "submit", refuse)
    assert _outputs(project, jobs=2) == alone


def test_an_interrupted_run_does_not_wait_for_its_workers(project):
    """Interrupted in this process alone (SIGINT sent to it, not to its group), a run stops
    its workers instead of waiting for them to check all they took."""
    code = (
        "import os, sys, time\n"
        "from pathlib import Path\n"
        "from alignment_plan.project import parallel\n"
        "from alignment_plan.project.project import Project\n"
        "parent, real = os.getpid(), parallel.check_file\n"
        "def slow_worker(path, workspace, options):\n"
        "    if os.getpid() != parent:\n"
        "        time.sleep(60)  # a worker far from done\n"
        "    elif path.name == 'p10.plan':\n"
        "        raise KeyboardInterrupt\n"
        "    return real(path, workspace, options)\n"
        "parallel.check_file = slow_worker\n"
        "start = time.monotonic()\n"
        "try:\n"
        "    Project.open(Path(sys.argv[1]), jobs=2).check([Path(sys.argv[1])])\n"
        "except KeyboardInterrupt:\n"
        "    print(round(time.monotonic() - start))\n"
    )
    completed = subprocess.run(
        [sys.executable, "-c", code, str(project)], capture_output=True, text=True, timeout=60,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert completed.returncode == 0, completed.stderr
    assert int(completed.stdout) < 20, completed.stdout  # not the minute a worker sleeps
