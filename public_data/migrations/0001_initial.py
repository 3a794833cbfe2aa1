"""The public data version's table and its one row."""

import time

from django.db import migrations, models


def create_row(apps, schema_editor):
    # Started from the clock, as public/version.py does: see its _initial().
    apps.get_model("public_data", "PublicDataVersion").objects.get_or_create(
        pk=1, defaults={"version": time.time_ns() // 1000}
    )


class Migration(migrations.Migration):
    initial = True

    dependencies = []

    operations = [
        migrations.CreateModel(
            name="PublicDataVersion",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("version", models.BigIntegerField()),
            ],
            options={"verbose_name": "public data version"},
        ),
        migrations.RunPython(create_row, migrations.RunPython.noop),
    ]
