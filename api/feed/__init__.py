"""The change feed: every change of airport data, oldest first, for mirrors to follow."""
