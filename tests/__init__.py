"""Tests, mirroring the apps they test."""
