"""Benchmark of clusterharvest (run with ``make bench``; not part of the test suite)."""
