"""The README's commands and samples stay runnable and true."""
