"""What search engines read: robots.txt and the sitemap of every airport page."""
