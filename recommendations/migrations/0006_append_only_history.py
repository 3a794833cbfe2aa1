"""Database triggers that refuse UPDATE and DELETE of published and withheld status updates,
target date changes and every audit (django-simple-history) row: see ``harris/append_only.py``.

It depends on the apps whose history tables it protects, so every one of them exists here.
"""

from django.db import migrations

from harris import append_only


class Migration(migrations.Migration):
    dependencies = [
        ("recommendations", "0005_status_update_reported_on_behalf_of"),
        ("reviews", "0002_review_history"),
        ("rounds", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(
            append_only.install_migration, append_only.uninstall_migration, elidable=False
        ),
    ]
