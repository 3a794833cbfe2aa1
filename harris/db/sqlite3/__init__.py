"""Django's SQLite backend, with a flush that keeps the append-only triggers."""
