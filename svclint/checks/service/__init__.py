"""Service fields (SVC5xx): what the API server validates in a Service spec, and what it ignores."""
