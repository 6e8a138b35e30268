"""Airports: detail, GeoJSON, search."""
