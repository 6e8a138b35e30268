"""Health, metadata about the data and catalogues."""
