"""alignment-plan: a declarative language for AI-alignment plans and the checker that keeps them honest."""

__version__ = "0.1.0"
