"""SARIF reporter: SARIF 2.1.0 as GitHub code scanning ingests it.

One run; the driver lists only the rules that ran, with their documentation; results
point at repository-relative files under `%SRCROOT%`, with 1-based regions counted in
code points (`columnKind`), and carry the content fingerprints the checker computed, so
an alert survives edits elsewhere in the file. Files that cannot be read or parsed go
into the invocation as tool execution notifications, so the log stays valid.
"""

from __future__ import annotations

from pathlib import PurePath
from urllib.parse import quote

from alignment_plan import __version__
from alignment_plan.diagnostics import SYNTAX_ERROR_RULE, Severity, Span
from alignment_plan.reporters import jsontext
from alignment_plan.results.model import CheckResult, RuleInfo

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
SRCROOT = "%SRCROOT%"
FINGERPRINT_KEY = "alignmentPlan/v1"
LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def _artifact(file: str) -> dict | None:
    """A repository-relative location; an absolute `file:` URI for a file named outside the
    project root; None for the packaged catalog (`<std>`), which is no file."""
    if file.startswith("<"):
        return None
    if PurePath(file).is_absolute():
        return {"uri": PurePath(file).as_uri()}
    return {"uri": quote(file, safe="/", errors="surrogateescape"), "uriBaseId": SRCROOT}


def _region(span: Span) -> dict:
    return {
        "startLine": span.line,
        "startColumn": span.column,
        "endLine": span.end_line,
        "endColumn": span.end_column,
    }


def _location(span: Span) -> dict | None:
    artifact = _artifact(span.file)
    if artifact is None:
        return None
    return {"physicalLocation": {"artifactLocation": artifact, "region": _region(span)}}


def _reflow(text: str) -> str:
    """Docstring paragraphs as single lines: viewers wrap text themselves."""
    return "\n\n".join(" ".join(p.split()) for p in text.split("\n\n") if p.strip())


def _descriptor(rule: RuleInfo) -> dict:
    full = _reflow(rule.description or rule.summary)
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": full},
        "help": {"text": f"{rule.summary}\n\n{full}", "markdown": f"**{rule.code} {rule.name}**: {rule.summary}\n\n{full}"},
        "defaultConfiguration": {"level": LEVELS[rule.severity]},
        "properties": {"tags": ["alignment-plan"]},
    }


def document(result: CheckResult) -> dict:
    rules = list(result.rules)
    index = {rule.code: i for i, rule in enumerate(rules)}
    results = []
    for position, d in enumerate(result.diagnostics):
        entry: dict = {
            "ruleId": d.code,
            "level": LEVELS[d.severity],
            "message": {"text": d.message + (f" (help: {d.help})" if d.help else "")},
            "locations": [loc for loc in [_location(d.span)] if loc],
        }
        if d.code in index:
            entry["ruleIndex"] = index[d.code]
        if position < len(result.fingerprints):
            entry["partialFingerprints"] = {FINGERPRINT_KEY: result.fingerprints[position]}
        related = []
        for number, r in enumerate(d.related, start=1):
            location = _location(r.span)
            if location is not None:
                related.append({"id": number, "message": {"text": r.message}, **location})
        if related:
            entry["relatedLocations"] = related
        results.append(entry)
    notifications = []
    for error in result.file_errors:
        notification: dict = {"level": "error", "message": {"text": f"cannot read `{error.file}`: {error.message}"}}
        artifact = _artifact(error.file)
        if artifact is not None:
            notification["locations"] = [{"physicalLocation": {"artifactLocation": artifact}}]
        notifications.append(notification)
    unparsed = sorted({d.span.file for d in result.diagnostics if d.rule == SYNTAX_ERROR_RULE})
    for file in unparsed:
        notification = {
            "level": "warning",
            "message": {"text": f"`{file}` does not parse; the declaration around each syntax error was not checked"},
        }
        artifact = _artifact(file)
        if artifact is not None:
            notification["locations"] = [{"physicalLocation": {"artifactLocation": artifact}}]
        notifications.append(notification)
    invocation: dict = {"executionSuccessful": not result.file_errors}
    if notifications:
        invocation["toolExecutionNotifications"] = notifications
    run = {
        "tool": {
            "driver": {
                "name": "alignment-plan",
                "version": __version__,
                "semanticVersion": __version__,
                "rules": [_descriptor(rule) for rule in rules],
            }
        },
        "invocations": [invocation],
        "columnKind": "unicodeCodePoints",
        "results": results,
    }
    return {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}


def render(result: CheckResult) -> str:
    return jsontext.dumps(document(result)) + "\n"
