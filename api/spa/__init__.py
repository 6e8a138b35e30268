"""The browser app (the built SPA), served by the API on its own port."""
