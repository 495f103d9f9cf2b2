"""HTML views of the monitoring module, split by subject."""
