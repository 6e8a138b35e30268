"""Users: registration, sessions, API tokens."""
