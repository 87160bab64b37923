"""Secrets never leak; hostile input is refused."""
