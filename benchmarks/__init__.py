"""Runnable benchmarks; results in benchmarks/README.md and benchmarks/results/."""
