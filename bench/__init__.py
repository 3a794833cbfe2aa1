"""Benchmarks: synthetic data at scale and a load test against the production server."""
