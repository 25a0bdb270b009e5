"""Sample-data builders and benchmarks; the packages never import these."""
