"""Baselines: today's findings recorded, so that later runs report only new ones.

Consumes a `CheckResult` with the content fingerprints the checker computed
(`checker.fingerprints`); produces the baseline document, and the result with the
recorded findings taken out.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import attrs

from alignment_plan.diagnostics import Diagnostic
from alignment_plan.paths import UnreadableSource, read_source

from alignment_plan.results.model import CheckResult

FORMAT_VERSION = 1


class BaselineError(Exception):
    """A baseline file that cannot be read; the message is one line for the user."""


def document(result: CheckResult) -> dict:
    """The baseline file's content for `result`'s findings."""
    entries = [
        {"fingerprint": fp, "code": d.code, "file": d.span.file, "line": d.span.line, "message": d.message}
        for d, fp in zip(result.diagnostics, result.fingerprints)
    ]
    return {"version": FORMAT_VERSION, "tool": "alignment-plan", "findings": entries}


def write_baseline(result: CheckResult, path: Path) -> int:
    text = json.dumps(document(result), indent=2, ensure_ascii=False) + "\n"
    path.write_text(text, encoding="utf-8")
    return len(result.diagnostics)


_NOT_OURS = "baseline `{path}` is not a baseline this tool wrote (not UTF-8, nested too deeply or a huge number)"


def read_baseline(path: Path) -> Counter:
    """The multiset of fingerprints a baseline file records."""
    return parse_baseline(baseline_text(path), path)


def baseline_text(path: Path) -> str:
    """The text of the baseline file `path` (a regular file, within the size limit)."""
    try:
        return read_source(path, None)
    except UnreadableSource as error:
        raise BaselineError(f"cannot read baseline `{path}`: {error}") from None
    except OSError as error:
        raise BaselineError(f"cannot read baseline `{path}`: {error.strerror or error}") from None
    except UnicodeDecodeError:
        raise BaselineError(_NOT_OURS.format(path=path)) from None


def parse_baseline(text: str, path: Path) -> Counter:
    """The multiset of fingerprints the text of the baseline file `path` records."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise BaselineError(f"baseline `{path}` is not valid JSON: {error}") from None
    except (ValueError, RecursionError):
        raise BaselineError(_NOT_OURS.format(path=path)) from None
    if not isinstance(data, dict) or data.get("version") != FORMAT_VERSION:
        raise BaselineError(f"baseline `{path}` is not an alignment-plan baseline of version {FORMAT_VERSION}")
    findings = data.get("findings")
    if not isinstance(findings, list) or not all(isinstance(f, dict) and isinstance(f.get("fingerprint"), str) for f in findings):
        raise BaselineError(f"baseline `{path}` has no valid `findings` list")
    return Counter(f["fingerprint"] for f in findings)


def apply_baseline(result: CheckResult, recorded: Counter) -> CheckResult:
    """`result` without the findings the baseline records (each recorded entry matches once)."""
    remaining = Counter(recorded)
    kept: list[tuple[Diagnostic, str]] = []
    for diagnostic, fingerprint in zip(result.diagnostics, result.fingerprints):
        if remaining[fingerprint] > 0:
            remaining[fingerprint] -= 1
        else:
            kept.append((diagnostic, fingerprint))
    return attrs.evolve(
        result,
        diagnostics=tuple(d for d, _ in kept),
        fingerprints=tuple(f for _, f in kept),
        baselined=result.baselined + len(result.diagnostics) - len(kept),
    )


def stale(recorded: Counter, result: CheckResult) -> int:
    """How many recorded findings no longer occur (fixed since the baseline was written)."""
    return sum((recorded - Counter(result.fingerprints)).values())
