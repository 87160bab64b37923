"""Contract tests: the spec, its examples and the generated models agree."""
