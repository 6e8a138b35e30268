"""Read models that both the web app and the importer build: the rules of what counts as
pilots' content, and the map's GeoJSON document."""
