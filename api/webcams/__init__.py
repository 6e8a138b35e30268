"""Webcams pilots link to an airport."""
