"""The project's scripts (spec diff, mutation report)."""
