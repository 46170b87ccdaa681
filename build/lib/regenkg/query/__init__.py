"""regenkg.query."""
