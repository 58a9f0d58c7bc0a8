"""JUnit XML reporter: one test suite per checked file, one failing test case per
finding (as CI systems display lint results), a passing case for a clean file, and an
error case for a file that cannot be read."""

from __future__ import annotations

import re
from itertools import groupby
from xml.etree import ElementTree as ET

from alignment_plan.results.model import CheckResult


_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml(text: str) -> str:
    """Text without the characters XML 1.0 cannot carry at all (escaping is ElementTree's job)."""
    return _NOT_XML.sub("\ufffd", text)


def render(result: CheckResult) -> str:
    root = ET.Element("testsuites", name="alignment-plan")
    by_file = {file: list(found) for file, found in groupby(result.diagnostics, key=lambda d: d.span.file)}
    unreadable = {error.file: error for error in result.file_errors}
    total = failures = errors = 0
    for file in sorted(set(result.files) | set(by_file) | set(unreadable)):
        suite = ET.SubElement(root, "testsuite", name=_xml(file))
        cases = failed = broken = 0
        if file in unreadable:
            case = ET.SubElement(suite, "testcase", name="read", classname=_xml(file))
            ET.SubElement(case, "error", message=_xml(f"cannot read file: {unreadable[file].message}"), type="unreadable")
            cases, broken = 1, 1
        for d in by_file.get(file, ()):
            case = ET.SubElement(
                suite, "testcase", name=f"{d.code} {d.rule} at {d.span.line}:{d.span.column}", classname=_xml(file),
                file=_xml(file), line=str(d.span.line),
            )
            failure = ET.SubElement(case, "failure", message=_xml(d.message), type=d.severity.value)
            failure.text = _xml(
                f"{file}:{d.span.line}:{d.span.column}: {d.severity.value} {d.code} {d.message}"
                + (f"\nhelp: {d.help}" if d.help else "")
            )
            cases, failed = cases + 1, failed + 1
        if cases == 0:
            ET.SubElement(suite, "testcase", name="check", classname=_xml(file))
            cases = 1
        suite.set("tests", str(cases))
        suite.set("failures", str(failed))
        suite.set("errors", str(broken))
        total, failures, errors = total + cases, failures + failed, errors + broken
    root.set("tests", str(total))
    root.set("failures", str(failures))
    root.set("errors", str(errors))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
