"""Content fingerprints of findings, for baselines and SARIF `partialFingerprints`.

A fingerprint hashes the code, the file and the text of the finding's line with
whitespace collapsed, plus the index of the occurrence among findings with the same
three: moving a line, or editing elsewhere in the file, keeps it; changing the line
itself makes the finding new.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Mapping, Sequence

from alignment_plan.diagnostics import Diagnostic


def _normalized(line: str) -> str:
    return " ".join(line.split())


def fingerprints(diagnostics: Sequence[Diagnostic], sources: Mapping[str, Sequence[str]]) -> tuple[str, ...]:
    """One fingerprint per diagnostic, in the same order."""
    seen: Counter = Counter()
    out = []
    for diagnostic in diagnostics:
        lines = sources.get(diagnostic.span.file, ())
        line = diagnostic.span.line
        text = _normalized(lines[line - 1]) if 0 < line <= len(lines) else ""
        key = (diagnostic.code, diagnostic.span.file, text)
        digest = hashlib.sha256("\0".join((*key, str(seen[key]))).encode("utf-8", "surrogatepass")).hexdigest()[:32]
        seen[key] += 1
        out.append(digest)
    return tuple(out)
