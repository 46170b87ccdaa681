"""regenkg.index."""
