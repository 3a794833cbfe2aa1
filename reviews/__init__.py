"""The reviews and reports whose recommendations are tracked."""
