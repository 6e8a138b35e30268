"""Where the importer gets its source files: downloads from the publishers, or a local directory."""
