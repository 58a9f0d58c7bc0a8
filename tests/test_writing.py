"""Writing outputs: `-o FILE` and `report -d DIR` write atomically, through no symbolic link,
keep a file's mode, and never over a file the run read; a failure leaves the old output whole."""

from __future__ import annotations

import json
import os
import shutil
import stat

import pytest
from conftest import ROOT

from alignment_plan.cli import main
from alignment_plan.paths import CACHE_DIRECTORY
from alignment_plan.reporters import json_report
from alignment_plan.reporters.html import site

HEAD = ROOT / "tests" / "fixtures" / "report" / "head"


@pytest.fixture
def project(tmp_path, monkeypatch):
    """A copy of the report fixtures (`assistant.plan` imports `team.plan`), as the working directory."""
    shutil.copytree(HEAD, tmp_path / "plans")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    return tmp_path


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main([*argv[:1], "--isolated", *argv[1:]])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def one_line_error(err: str, *words: str) -> None:
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err and "internal error" not in err, err
    for word in words:
        assert word in err, err


def leftovers(directory) -> list[str]:
    return [p.name for p in directory.iterdir() if p.name.endswith(".tmp")]


# -o FILE --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "argv",
    [
        ("check", "-o", "plans/team.plan", "plans/team.plan"),
        ("check", "--format", "json", "-o", "plans/assistant.plan", "plans"),
        ("check", "-o", "plans/team.plan", "plans/assistant.plan"),  # imported, not named
        ("classify", "-o", "plans/scoped.plan", "plans/scoped.plan"),
        ("report", "--format", "markdown", "-o", "plans/../plans/team.plan", "plans"),
        ("report", "--compare", "base.json", "-o", "base.json", "plans"),
        ("check", "--baseline", "baseline.json", "-o", "baseline.json", "plans"),
    ],
)
def test_output_never_overwrites_an_input(project, capsys, argv):
    (project / "base.json").write_text((ROOT / "tests" / "fixtures" / "report" / "base.json").read_text())
    assert run(capsys, "check", "--baseline", "baseline.json", "plans")[0] == 0
    before = user_files(project)
    code, out, err = run(capsys, *argv)
    assert code == 2 and out == ""
    one_line_error(err, "is an input of this run")
    assert user_files(project) == before


def user_files(project) -> dict:
    """Every file under `project` but the result cache's entries, which a run may add."""
    return {p: p.read_bytes() for p in project.rglob("*") if p.is_file() and CACHE_DIRECTORY not in p.parts}


def test_output_refuses_a_hard_link_to_an_input(project, capsys):
    os.link(project / "plans" / "team.plan", project / "out.txt")
    code, _, err = run(capsys, "check", "-o", "out.txt", "plans")
    assert code == 2
    one_line_error(err, "`out.txt`", "input")


def test_output_replaces_a_symbolic_link_instead_of_writing_through_it(project, capsys):
    (project / "elsewhere").mkdir()
    (project / "elsewhere" / "precious").write_text("keep me\n")
    (project / "out.json").symlink_to("elsewhere/precious")
    code, _, _ = run(capsys, "check", "--format", "json", "-o", "out.json", "plans")
    assert code in (0, 1)
    assert (project / "elsewhere" / "precious").read_text() == "keep me\n"
    assert not (project / "out.json").is_symlink() and '"diagnostics"' in (project / "out.json").read_text()


def test_output_keeps_the_mode_of_the_file_it_replaces(project, capsys):
    target = project / "out.txt"
    target.write_text("old\n")
    target.chmod(0o640)
    assert run(capsys, "report", "-o", "out.txt", "plans")[0] == 0
    assert stat.S_IMODE(target.stat().st_mode) == 0o640 and target.read_text().startswith("plan ")
    assert leftovers(project) == []


def test_a_new_output_file_gets_the_usual_mode(project, capsys):
    umask = os.umask(0o022)
    try:
        assert run(capsys, "report", "-o", "new.txt", "plans")[0] == 0
    finally:
        os.umask(umask)
    assert stat.S_IMODE((project / "new.txt").stat().st_mode) == 0o644


def test_a_lone_surrogate_in_a_report_is_written_escaped(project, capsys, monkeypatch):
    """A lone surrogate (a file name that is not UTF-8 brings them) used to fail after the
    file was opened, leaving it empty; then to stop the run. It is written as `\\ud800`,
    which in JSON is the escape of that code point, so the report reads back whole."""
    (project / "out.json").write_text('{"old": true}\n')
    monkeypatch.setattr(json_report, "render", lambda result: '{"title": "\ud800"}\n')
    monkeypatch.setattr(json_report, "chunks", lambda result: iter([json_report.render(result)]))  # what `check` writes
    code, _, err = run(capsys, "check", "--format", "json", "-o", "out.json", "plans")
    assert code != 2 and "Traceback" not in err
    assert (project / "out.json").read_bytes() == b'{"title": "\\ud800"}\n'
    assert json.loads((project / "out.json").read_text(encoding="utf-8")) == {"title": "\ud800"}
    assert leftovers(project) == []


def test_output_into_a_directory_or_a_missing_one_is_a_clear_error(project, capsys):
    (project / "adir").mkdir()
    code, _, err = run(capsys, "check", "-o", "adir", "plans")
    assert code == 2
    one_line_error(err, "`adir`", "is a directory")
    code, _, err = run(capsys, "check", "-o", "no/such/out.txt", "plans")
    assert code == 2
    one_line_error(err, "`no/such/out.txt`")


# report -d DIR ---------------------------------------------------------------------------


def test_site_never_writes_through_a_link_inside_the_directory(project, capsys):
    (project / "somewhere").mkdir()
    (project / "somewhere" / "victim.html").write_text("keep me\n")
    (project / "plan-report").mkdir()
    (project / "plan-report" / "index.html").symlink_to("../somewhere/victim.html")
    code, out, _ = run(capsys, "report", "--format", "html", "plans")
    assert code == 0 and "plan-report/index.html" in out
    assert (project / "somewhere" / "victim.html").read_text() == "keep me\n"
    index = project / "plan-report" / "index.html"
    assert not index.is_symlink() and index.read_text().startswith("<!doctype html>")
    assert leftovers(project / "plan-report") == []


def test_site_into_a_dangling_link_is_a_clear_error(project, capsys):
    (project / "plan-report").symlink_to("gone")
    code, _, err = run(capsys, "report", "--format", "html", "plans")
    assert code == 2
    one_line_error(err, "`plan-report`", "symbolic link", "`gone`", "does not exist")
    assert "File exists" not in err


def test_site_into_a_linked_directory_that_exists(project, capsys):
    """The directory the user names may be a link; only what is inside it is never followed."""
    (project / "real").mkdir()
    (project / "plan-report").symlink_to("real")
    assert run(capsys, "report", "--format", "html", "plans")[0] == 0
    assert (project / "real" / "index.html").is_file()


def test_site_into_a_file_is_a_clear_error(project, capsys):
    (project / "plan-report").write_text("a file\n")
    code, _, err = run(capsys, "report", "--format", "html", "plans")
    assert code == 2
    one_line_error(err, "`plan-report`", "not a directory")


def test_a_site_that_fails_to_render_leaves_the_old_site(project, capsys, monkeypatch):
    assert run(capsys, "report", "--format", "html", "plans")[0] == 0
    old = {p.name: p.read_bytes() for p in (project / "plan-report").iterdir()}
    assert len(old) >= 3
    real_plan_page, calls = site.plan_page, []

    def second_page_fails(*args, **kwargs):
        calls.append(1)
        if len(calls) < 2:
            return real_plan_page(*args, **kwargs).replace("Alignment", "Changed")
        raise RuntimeError("a reporter bug")

    monkeypatch.setattr(site, "plan_page", second_page_fails)
    code, _, err = run(capsys, "report", "--format", "html", "plans")
    assert code == 2 and "Traceback" not in err
    assert {p.name: p.read_bytes() for p in (project / "plan-report").iterdir()} == old


def test_output_never_overwrites_a_file_a_worker_process_read(tmp_path, monkeypatch, capsys):
    """With `--jobs`, worker processes read most of the files and their imports; the run
    still counts every one of them as its input."""
    from alignment_plan.project import parallel

    plans = tmp_path / "plans"
    plans.mkdir()
    (plans / "shared.plan").write_text('failure_mode shared_mode "imported by some plans" {\n}\n')
    for index in range(40):
        use = 'use "shared.plan"\n' if index % 4 == 3 else ""
        considers = "shared_mode" if use else "deception"
        (plans / f"p{index:02d}.plan").write_text(f'use std\n{use}\nplan p{index} "plan {index}" {{\n  considers {considers}\n}}\n')
    monkeypatch.chdir(tmp_path)
    assert parallel.jobs_for(41, 2) == 2, "too few files to fork workers"
    before = user_files(tmp_path)
    for flags in (["--no-cache"], []):  # with the cache: the first run fills it, the others are served
        for target in ("plans/p00.plan", "plans/p20.plan", "plans/p39.plan", "plans/shared.plan"):
            code, out, err = run(capsys, "check", *flags, "-j", "2", "--format", "json", "-o", target, "plans")
            assert code == 2 and out == "", (flags, target, err)
            one_line_error(err, "is an input of this run")
    assert user_files(tmp_path) == before
