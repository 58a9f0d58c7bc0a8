"""Checker: plain data in (files, a workspace, options), `CheckResult` out (`check.check_files`).

Runs syntax, analysis and rules on each file; never imports a reporter or the project layer."""
