"""Tests of the conformance area."""
