"""Photos pilots upload of an airport."""
