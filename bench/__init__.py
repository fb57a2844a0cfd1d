"""scorekit's benchmarks: ratios against baselines measured in the same run (see README.md)."""
