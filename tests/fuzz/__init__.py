"""Property-based fuzzing of the client's decoding and round trips."""
