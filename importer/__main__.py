"""`python -m importer`."""

from importer.cli import app

app()
