"""Hostile input: a repository, a plan or a configuration written by an attacker.

`check` runs in CI on pull requests from strangers. Nothing it reads may leak what lies
outside the project, block, blow up, or write into what a terminal or CI runner executes.
Each test here is the regression test of one way that went wrong (issue "Hostile input").
"""

from __future__ import annotations

import json
import os
import sys

import pytest

from alignment_plan.cli import main

SECRET = "MY_TOKEN=hunter2"
posix_only = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs and symlinks")


@pytest.fixture
def repo(tmp_path, monkeypatch):
    """An empty project (a `.git` marks the root) as the working directory, with a secret
    file beside it, outside the root."""
    root = tmp_path / "repo"
    root.mkdir()
    (root / ".git").mkdir()
    (tmp_path / "secret.txt").write_text(SECRET + "\n", encoding="utf-8")
    monkeypatch.chdir(root)
    return root


def write(path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


# Files outside the root, and files that are not files -------------------------------


@posix_only
@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "concise"])
def test_a_link_out_of_the_project_is_refused_without_quoting_it(repo, capsys, fmt):
    (repo / "env.plan").symlink_to(repo.parent / "secret.txt")
    write(repo / "ok.plan", 'fact a "x"\n')
    for argv in (["check", "--format", fmt, "."], ["check", "--format", fmt, "env.plan"]):
        code, out, err = run(capsys, *argv)
        assert code == 2
        assert "hunter2" not in out + err
        assert "env.plan" in out and "outside the project root" in out


@posix_only
def test_a_link_out_of_the_project_is_not_read_by_the_report(repo, capsys, tmp_path):
    (repo / "env.plan").symlink_to(repo.parent / "secret.txt")
    code, _, err = run(capsys, "report", "--format", "html", "-d", str(tmp_path / "site"), ".")
    assert code == 2
    site = "".join(p.read_text(encoding="utf-8") for p in (tmp_path / "site").glob("*.html"))
    assert "hunter2" not in site + err


def test_a_file_named_outside_the_project_is_still_checked(repo, capsys):
    outside = repo.parent / "elsewhere" / "p.plan"
    write(outside, 'fact a "x"\n')
    code, out, _ = run(capsys, "check", "--format", "concise", str(outside))
    assert code == 0 and "checked 1 file" in out


def test_a_configured_path_outside_the_project_is_not_read(repo, capsys):
    write(repo.parent / "elsewhere" / "p.plan", "fact a\n")  # a syntax error, if it were read
    write(repo / "pyproject.toml", '[tool.alignment-plan]\npaths = ["../elsewhere"]\n')
    code, out, _ = run(capsys, "check", "--format", "concise")
    assert code == 2 and "outside the project root" in out and "AP001" not in out


@posix_only
@pytest.mark.parametrize("how", ["named", "imported", "present"])
def test_a_fifo_never_blocks(repo, capsys, how):
    os.mkfifo(repo / "x.plan")
    write(repo / "main.plan", 'use "x.plan"\n' if how == "imported" else 'fact a "x"\n')
    named = {"named": "x.plan", "imported": "main.plan", "present": "main.plan"}[how]
    code, out, _ = run(capsys, "check", "--format", "concise", named)
    if how == "present":  # the search for plans importing main.plan skips it
        assert code == 0
    else:
        assert code == 2 and "not a regular file" in out


def test_an_unreadable_import_is_trouble_as_when_named(repo, capsys):
    (repo / "latin1.plan").write_bytes("# caf\xe9\n".encode("latin-1"))
    write(repo / "main.plan", 'use "latin1.plan"\n')
    code, out, _ = run(capsys, "check", "--format", "concise", "--exit-zero", "main.plan")
    assert code == 2
    assert "latin1.plan:1:1: error cannot read file: file is not valid UTF-8" in out
    assert "AP002" in out


def test_a_file_larger_than_the_limit_is_refused(repo, capsys, monkeypatch):
    from alignment_plan import paths

    monkeypatch.setattr(paths, "MAX_SOURCE_BYTES", 1000)
    write(repo / "big.plan", "# " + "x" * 2000 + "\n")
    code, out, _ = run(capsys, "check", "--format", "concise", "big.plan")
    assert code == 2 and "larger than 1000 bytes, the limit for a plan file" in out


def test_a_nul_in_an_import_path_is_a_finding(repo, capsys):
    write(repo / "main.plan", 'use "\\u0000x.plan"\nfact a "x"\n')
    write(repo / "other.plan", 'fact b "y"\n')
    code, out, err = run(capsys, "check", "--format", "concise", "main.plan")
    assert "internal error" not in err
    assert code == 2 and "path contains a NUL character" in out
    # …and the search for dependents of another file is not broken by it.
    code, out, err = run(capsys, "check", "--format", "concise", "other.plan")
    assert code == 0 and "internal error" not in err


def test_deep_import_chains_stop_at_the_limit(repo, capsys):
    from alignment_plan.analysis.resolver import MAX_IMPORT_DEPTH

    depth = MAX_IMPORT_DEPTH + 20
    for number in range(depth):
        write(repo / f"f{number}.plan", f'use "f{number + 1}.plan"\nfact x{number} "t"\n')
    write(repo / f"f{depth}.plan", 'fact last "t"\n')
    code, out, err = run(capsys, "check", "--format", "concise", "--no-dependents", "f0.plan")
    assert "internal error" not in err
    assert code == 1 and f"imports nest more than {MAX_IMPORT_DEPTH} files deep" in out
