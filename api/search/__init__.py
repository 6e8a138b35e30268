"""Search: the map search box and advanced search."""
