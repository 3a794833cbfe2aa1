"""Recommendations, their owning agencies and their status history."""
