"""Fault matrices and storms against the fake: retries, deadlines, data safety."""
