"""backup_data and restore_data: the real data survives a round trip row for row."""

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command

from recommendations.models import Recommendation

pytestmark = pytest.mark.django_db(transaction=True)


def every_row():
    """Every row of every model of the project's apps, by primary key."""
    return {
        model._meta.label: list(model.objects.order_by("pk").values())
        for app in ("reviews", "recommendations")
        for model in apps.get_app_config(app).get_models()
    }


def test_a_backup_restores_into_an_empty_database_row_for_row(real_data, tmp_path):
    backup = tmp_path / "backup.xml"
    Recommendation.objects.filter(number="1").update(internal_notes="A staff note.")
    before = every_row()
    call_command("backup_data", str(backup), stdout=None)
    call_command("flush", "--no-input", verbosity=0)
    assert not Recommendation.objects.exists()

    call_command("restore_data", str(backup))
    assert every_row() == before
    assert sum(len(rows) for rows in before.values()) > 400


def test_restore_refuses_a_database_that_holds_data(real_data, tmp_path):
    backup = tmp_path / "backup.xml"
    call_command("backup_data", str(backup))
    with pytest.raises(CommandError, match="not empty"):
        call_command("restore_data", str(backup))


def test_a_broken_backup_restores_nothing(tmp_path):
    backup = tmp_path / "backup.xml"
    backup.write_text('<django-objects version="1.0"><object model="reviews.review">')
    with pytest.raises(CommandError, match="Nothing was restored"):
        call_command("restore_data", str(backup))
    assert not Recommendation.objects.exists()
