"""A repeat `check` over unchanged files replays the recorded run (`project/runs.py`):
the same output, standard error and exit code, byte for byte; any change to what decides
the output (a file, an import, the configuration, the baseline, a flag) runs it again;
a record this machine did not sign, or an output that does not match it, is never written."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from alignment_plan.cli import main
from alignment_plan.paths import CACHE_DIRECTORY
from alignment_plan.project import runs

SHARED = '''fact shared.flag "a fact only these plans know"
failure_mode shared_mode "a failure mode the plans import" {
    story.deployment = true
}
'''


def _plan(index: int) -> str:
    use = 'use "shared.plan"\n' if index % 2 else ""
    return f'''use std
{use}
plan plan_{index} "Plan number {index}" {{
    operationalize {{
        good_feedback = outcomes
    }}
    feedback_process {{
        technique review_{index} "Review {index}" {{
            addresses deception
            status prototype
        }}
    }}
    considers deception{", shared_mode" if index % 2 else ""}
}}
'''


@pytest.fixture
def project(tmp_path, monkeypatch) -> Path:
    (tmp_path / "pyproject.toml").write_text("[tool.alignment-plan]\n", encoding="utf-8")
    plans = tmp_path / "plans"
    plans.mkdir()
    (plans / "shared.plan").write_text(SHARED, encoding="utf-8")
    for index in range(6):
        (plans / f"p{index}.plan").write_text(_plan(index), encoding="utf-8")
    (plans / "p5.plan").write_text(_plan(5).replace("status prototype", "status prototyp"), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def replayed(monkeypatch) -> list[bool]:
    """One entry per run that looked for a record: whether it replayed one."""
    seen: list[bool] = []
    real = runs.RunOutputs.replay

    def replay(self):
        found = real(self)
        seen.append(found is not None)
        return found

    monkeypatch.setattr(runs.RunOutputs, "replay", replay)
    return seen


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(["check", *argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize(
    "argv",
    [
        ("--format", "json"),
        ("--format", "text"),
        ("--format", "text", "--no-plans", "--fail-under", "90"),
        ("--format", "sarif", "--exit-zero"),
        ("--statistics",),
        ("--format", "junit", "plans/p1.plan"),
    ],
)
def test_a_replay_writes_what_the_run_wrote(project, capsys, replayed, argv):
    fresh = run(capsys, "--no-cache", *argv)
    first = run(capsys, *argv)
    again = run(capsys, *argv)
    assert first == fresh and again == fresh
    assert replayed == [False, True]
    assert fresh[0] != 2


def test_a_replay_writes_the_output_file_and_the_job_summary(project, capsys, replayed, monkeypatch, tmp_path_factory):
    out = tmp_path_factory.mktemp("out")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(out / "summary.md"))
    assert run(capsys, "--format", "github", "-o", str(out / "one.txt"))[0] == 1
    assert run(capsys, "--format", "github", "-o", str(out / "two.txt"))[0] == 1
    assert replayed == [False, True]
    assert (out / "one.txt").read_bytes() == (out / "two.txt").read_bytes()
    summary = (out / "summary.md").read_text(encoding="utf-8")
    assert summary[: len(summary) // 2] == summary[len(summary) // 2 :] and "plan_1" in summary
    # -o still never writes over a file the run read.
    code, _, err = run(capsys, "--format", "github", "-o", "plans/p1.plan")
    assert code == 2 and "is an input of this run" in err and replayed[-1] is True


def _change_file(project):
    (project / "plans" / "p2.plan").write_text(_plan(2).replace("status prototype", "status research"), encoding="utf-8")


def _change_import(project):
    (project / "plans" / "shared.plan").write_text(SHARED.replace("= true", "= false"), encoding="utf-8")


def _change_configuration(project):
    (project / "pyproject.toml").write_text('[tool.alignment-plan]\nmin-status = "research"\n', encoding="utf-8")


def _add_file(project):
    (project / "plans" / "p9.plan").write_text(_plan(9), encoding="utf-8")


def _remove_file(project):
    (project / "plans" / "p3.plan").unlink()


@pytest.mark.parametrize("change", [_change_file, _change_import, _change_configuration, _add_file, _remove_file])
def test_a_change_to_what_decides_the_output_runs_it_again(project, capsys, replayed, change):
    run(capsys, "--format", "json")
    change(project)
    changed = run(capsys, "--format", "json")
    assert replayed == [False, False]
    assert changed == run(capsys, "--no-cache", "--format", "json")
    assert run(capsys, "--format", "json") == changed and replayed[-1] is True


def test_another_flag_or_a_new_baseline_is_another_run(project, capsys, replayed):
    run(capsys, "--format", "text")
    run(capsys, "--format", "text", "--no-plans")
    run(capsys, "--format", "text", "--color", "always")
    assert replayed == [False, False, False]
    run(capsys, "--baseline", "baseline.json")  # writes the baseline: never replayed
    assert run(capsys, "--baseline", "baseline.json")[0] == 0  # the findings are in it
    assert run(capsys, "--baseline", "baseline.json")[0] == 0 and replayed[-1] is True
    (project / "plans" / "p4.plan").write_text(_plan(4).replace("addresses deception", "addresses deceptio"), encoding="utf-8")
    code, out, _ = run(capsys, "--baseline", "baseline.json", "--format", "json")
    assert code == 1 and json.loads(out)["summary"]["error"] >= 1
    code, _, _ = run(capsys, "--baseline", "baseline.json", "--update-baseline")
    assert code == 0
    assert run(capsys, "--baseline", "baseline.json", "--format", "json")[0] == 0  # the new baseline's text
    assert replayed.count(True) == 1  # only the unchanged repeat with the first baseline


def test_a_run_applies_the_baseline_its_record_is_keyed_by(project, capsys, replayed, monkeypatch):
    """The baseline's text is part of a run's key. Edited during the run (after the key is
    made), the run still applies the text of its key, so a later run with that text may
    replay it."""
    from alignment_plan.project.project import Project

    run(capsys, "--baseline", "baseline.json")  # writes the baseline
    kept = (project / "baseline.json").read_text(encoding="utf-8")
    emptied = json.dumps({**json.loads(kept), "findings": []})
    real = Project.run

    def edited_meanwhile(self, *args, **kwargs):
        (project / "baseline.json").write_text(emptied, encoding="utf-8")
        return real(self, *args, **kwargs)

    monkeypatch.setattr(Project, "run", edited_meanwhile)
    during = run(capsys, "--baseline", "baseline.json", "--format", "json")
    monkeypatch.setattr(Project, "run", real)
    (project / "baseline.json").write_text(kept, encoding="utf-8")
    assert during[0] == 0, during  # the findings the keyed text records are left out
    assert run(capsys, "--baseline", "baseline.json", "--format", "json") == during and replayed[-1] is True
    assert during == run(capsys, "--no-cache", "--baseline", "baseline.json", "--format", "json")


def test_a_run_that_cannot_read_a_file_is_not_recorded(project, capsys, replayed, tmp_path_factory):
    outside = tmp_path_factory.mktemp("outside") / "elsewhere.plan"
    outside.write_text(_plan(7), encoding="utf-8")
    (project / "plans" / "link.plan").symlink_to(outside)  # leads out of the project: refused
    assert run(capsys, "--format", "json")[0] == 2
    assert run(capsys, "--format", "json")[0] == 2
    assert not list((project / CACHE_DIRECTORY / runs.FOLDER).glob("*.json"))


def test_a_record_or_output_this_machine_did_not_write_is_never_replayed(project, capsys, replayed):
    fresh = run(capsys, "--format", "json")
    folder = project / CACHE_DIRECTORY / runs.FOLDER
    (record,) = folder.glob("*.json")
    output = record.with_suffix(".out")
    output.write_bytes(output.read_bytes().replace(b'"error"', b'"errors"', 1))  # change what it says
    assert output.read_bytes() != fresh[1].encode()
    assert run(capsys, "--format", "json") == fresh and replayed[-1] is False
    signature, _, text = record.read_text(encoding="utf-8").partition("\n")
    data = json.loads(text)
    data["exit"] = 0
    record.write_text(signature + "\n" + json.dumps(data), encoding="utf-8")  # signed for other text
    assert run(capsys, "--format", "json") == fresh and replayed[-1] is False
    assert run(capsys, "--format", "json") == fresh and replayed[-1] is True  # recorded anew


def test_the_most_recently_used_runs_are_kept(project, capsys, replayed):
    for threshold in range(runs.KEEP_RUNS + 2):
        run(capsys, "--format", "text", "--fail-under", str(threshold))
    assert len(list((project / CACHE_DIRECTORY / runs.FOLDER).glob("*.json"))) == runs.KEEP_RUNS
    assert len(list((project / CACHE_DIRECTORY / runs.FOLDER).glob("*.out"))) == runs.KEEP_RUNS


def test_a_report_written_whole_is_recorded_whole(project, tmp_path):
    # A format rendered as one string is copied in one piece, not character by character.
    from alignment_plan.project.cache import ResultCache
    from alignment_plan.project.project import Project

    project_ = Project.open(project, cache=True)
    outputs = runs.RunOutputs(ResultCache(project, project_.workspace()), "k" * 40)
    assert list(outputs.record("a whole report\n")) == ["a whole report\n"]
    outputs.forget()
