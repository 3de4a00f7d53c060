"""Atom's benchmarks: `make bench` runs bench/run.py; results in docs/benchmarks.md."""
