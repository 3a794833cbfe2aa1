"""The public, read-only, anonymous JSON API, described by an OpenAPI 3 schema."""
