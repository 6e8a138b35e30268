"""Tags: what pilots say an airport has (food, camping…) and those that follow from its data."""
