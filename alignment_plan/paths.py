"""How a path is shown and matched: POSIX, relative to the project root when inside it.

Part of the lowest layer: the workspace that reads files, the settings that match
exclusion patterns and every result use this one definition.
"""

from __future__ import annotations

from pathlib import Path


def relative_posix(path: Path, root: Path) -> str:
    """`path` as a POSIX path relative to `root` (already resolved) when inside it, else absolute."""
    resolved = path.resolve()
    try:
        return resolved.relative_to(root).as_posix()
    except ValueError:
        return resolved.as_posix()


# The result cache's folder under a project root (`project.cache`); never searched for plans.
CACHE_DIRECTORY = ".alignment-plan-cache"
