"""Evaluation of regenkg against gold sets."""
