"""The benchmark harness: `python bench/run.py`. Not part of the test suite."""
