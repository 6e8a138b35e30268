"""Set-based loads that only ever touch official columns."""
