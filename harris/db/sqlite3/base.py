"""Django's SQLite backend, but ``flush`` keeps the tables' triggers.

SQLite has no TRUNCATE: Django flushes a table with ``DELETE FROM``, which the append-only
triggers (``harris/append_only.py``) refuse. So the flush drops the triggers of the tables it
empties, deletes, and creates them again from their own SQL in ``sqlite_master``, all in the one
transaction the flush runs in. That is what PostgreSQL's TRUNCATE amounts to (it fires no row
triggers), and it keeps every trigger exactly as it was without knowing which ones exist.

``manage.py flush`` and the flush between transactional tests (``transactional_db``,
``live_server``) both go through ``sql_flush``.
"""

from itertools import chain

from django.db.backends.sqlite3 import base, operations


class DatabaseOperations(operations.DatabaseOperations):
    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        """Django's DELETEs, between dropping the tables' triggers and creating them again."""
        statements = super().sql_flush(
            style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade
        )
        if not statements:
            return statements
        if allow_cascade:
            # The same tables Django's own sql_flush empties.
            tables = chain.from_iterable(self._references_graph(table) for table in tables)
        tables = sorted(set(tables))
        with self.connection.cursor() as cursor:
            cursor.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name IN "
                f"({', '.join(['%s'] * len(tables))}) ORDER BY name",
                tables,
            )
            triggers = cursor.fetchall()
        return [
            *(f"DROP TRIGGER {self.quote_name(name)};" for name, _ in triggers),
            *statements,
            *(f"{sql};" for _, sql in triggers),
        ]


class DatabaseWrapper(base.DatabaseWrapper):
    ops_class = DatabaseOperations
