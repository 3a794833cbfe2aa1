"""Tests of the recommendations app."""
