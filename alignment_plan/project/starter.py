"""Project layer: what `alignment-plan init` puts into a project.

Consumes the text of the project's `pyproject.toml` (or None when there is none);
produces the starter plan (`starter.plan`, shipped beside this module, checked clean by
the test suite), the `[tool.alignment-plan]` table created or completed without changing
a key that is already set, and the pre-commit and CI snippets `init` prints.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from pathlib import Path

import attrs

from alignment_plan import __version__
from alignment_plan.paths import package_text
from alignment_plan.project.settings import SECTION, ConfigError, parse_toml

# The table's header as people write it: `[tool.alignment-plan]`, maybe spaced or quoted.
_HEADER = re.compile(r'^[ \t]*\[[ \t]*tool[ \t]*\.[ \t]*(?:alignment-plan|"alignment-plan")[ \t]*\][ \t]*(?:#.*)?$', re.MULTILINE)


def starter_plan() -> str:
    return package_text("project/starter.plan")


@attrs.frozen
class TableEdit:
    """How `[tool.alignment-plan]` changes: the new file text (None: nothing to write), the
    keys added, the keys already set (left as they were), and, when the table is written in
    a form that cannot be completed safely, the lines to add by hand."""

    text: str | None
    added: tuple[str, ...] = ()
    kept: tuple[str, ...] = ()
    by_hand: str | None = None


def complete_table(text: str | None, values: Mapping[str, object], where: Path) -> TableEdit:
    """`text` (a `pyproject.toml`, None when there is none) with each key of `values` that
    `[tool.alignment-plan]` lacks added to it, creating the table when needed; raises
    `ConfigError` when `text` is not valid TOML."""
    document = parse_toml(text, where) if text is not None else {}
    tool = document.get("tool", {})
    if not isinstance(tool, dict):
        raise ConfigError(f"`{where}`: `tool` must be a table")
    table = tool.get("alignment-plan")
    kept = tuple(key for key in values if isinstance(table, dict) and key in table)
    missing = {key: value for key, value in values.items() if key not in kept}
    if not missing:
        return TableEdit(text=None, kept=kept)
    lines = "".join(f"{key} = {json.dumps(value)}\n" for key, value in missing.items())
    if text is None:
        new = f"[{SECTION}]\n{lines}"
    elif table is None:
        new = text + ("\n" if text and not text.endswith("\n") else "") + ("\n" if text.strip() else "")
        new += f"[{SECTION}]\n{lines}"
    else:
        headers = list(_HEADER.finditer(text))
        if len(headers) != 1:
            return TableEdit(text=None, kept=kept, by_hand=lines)
        end = headers[0].end()
        new = text[:end] + "\n" + lines.rstrip("\n") + text[end:]
    newline = "\r\n" if text is not None and "\r\n" in text else "\n"
    new = new.replace("\r\n", "\n").replace("\n", newline)
    # Whatever the file looked like, the edit must have added exactly these keys.
    expected = dict(table or {}, **missing)
    try:
        written = parse_toml(new, where)
    except ConfigError:
        return TableEdit(text=None, kept=kept, by_hand=lines)
    if written.get("tool", {}).get("alignment-plan") != expected or _without_table(written) != _without_table(document):
        return TableEdit(text=None, kept=kept, by_hand=lines)
    return TableEdit(text=new, added=tuple(missing), kept=kept)


def _without_table(document: dict) -> dict:
    tool = {key: value for key, value in document.get("tool", {}).items() if key != "alignment-plan"}
    return dict(document, tool=tool)


def precommit_snippet() -> str:
    """Local hooks doing what the repository's `.pre-commit-hooks.yaml` offers, installed
    from the package index at this version."""
    hooks = "".join(
        f"""\
      - id: alignment-plan-{command}
        name: alignment-plan {command}
        entry: alignment-plan {command} --force-exclude
        language: python
        additional_dependencies: ["alignment-plan=={__version__}"]
        files: \\.plan$
{extra}"""
        for command, extra in (("format", ""), ("check", "        require_serial: true\n"))
    )
    return "repos:\n  - repo: local\n    hooks:\n" + hooks


def ci_snippet() -> str:
    return f"""\
name: plans
on:
  pull_request:
  push:
    branches: [main]
jobs:
  plans:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-python@v5
        with:
          python-version: "3.12"
      - run: pip install "alignment-plan=={__version__}"
      - run: alignment-plan format --check
      - run: alignment-plan check
"""
