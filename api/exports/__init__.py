"""Exports of the whole database for API consumers: a GeoPackage, OurAirports-style CSV files
and the GeoJSON, each with the change feed's cursor it includes."""
