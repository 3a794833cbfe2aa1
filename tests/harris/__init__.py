"""Tests of the project-wide pages."""
