"""Checker cases with inline expectations: every `# expect: CODE` and nothing else."""

from __future__ import annotations

from collections import Counter

import pytest

from conftest import check_paths
from conftest import CASES, ROOT, case_files, expectations


@pytest.mark.parametrize("path", case_files(), ids=lambda p: str(p.relative_to(CASES)))
def test_case(path):
    result = check_paths([path], root=ROOT)
    assert not result.file_errors
    found = Counter(
        (d.span.line, d.code) for d in result.diagnostics if d.span.file == path.relative_to(ROOT).as_posix()
    )
    expected = expectations(path)
    missing = expected - found
    extra = found - expected
    messages = {(d.span.line, d.code): d.message for d in result.diagnostics}
    assert not missing and not extra, (
        f"missing: {sorted(missing)}; extra: {sorted((k, messages.get(k)) for k in extra)}"
    )
