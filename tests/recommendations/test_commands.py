"""The load_harris management command."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from recommendations.models import Recommendation

pytestmark = pytest.mark.django_db


def test_load_harris_loads_then_reports_nothing_to_do():
    first, second = StringIO(), StringIO()
    call_command("load_harris", stdout=first)
    call_command("load_harris", stdout=second)
    assert "created 131 recommendations" in first.getvalue()
    assert "Already up to date" in second.getvalue()
    assert Recommendation.objects.count() == 131


def test_load_harris_fails_clearly_on_a_missing_folder(tmp_path):
    with pytest.raises(CommandError, match=r"Nothing was loaded: .*reviews\.yaml: file not found"):
        call_command("load_harris", fixtures=str(tmp_path))
    assert not Recommendation.objects.exists()
