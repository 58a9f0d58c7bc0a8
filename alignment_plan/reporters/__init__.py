"""Reporters stage: a `CheckResult` in, text out. Reporters never import the checker."""
