"""regenkg."""
