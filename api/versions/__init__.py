"""Versions: the history of every contribution, its preview and its revert."""
