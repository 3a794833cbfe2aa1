"""On PostgreSQL, a trigram index on the store's search text, so each search word is an index
lookup rather than a scan of every text (other databases scan: fine at their sizes)."""

from django.db import migrations

INDEX = "published_rec_search_trgm"


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON public_data_publishedrecommendation "
        "USING gin (search_text gin_trgm_ops)"
    )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("public_data", "0002_published_store")]

    operations = [migrations.RunPython(create, drop)]
