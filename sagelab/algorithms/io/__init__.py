"""Data formats the built-in algorithms read and write (reference/algorithms.md §1)."""
