"""The generator, its templates and ``make check-generated``."""
