"""The roles' rights on rounds: editors open and change them, everyone views, the audit trail
is for editors and reviewers."""

import pytest

from recommendations.models import Role
from tests.factories import staff_user

pytestmark = pytest.mark.django_db


def test_editors_open_and_change_rounds_but_never_delete_them():
    editor = staff_user(Role.EDITOR)
    assert editor.has_perms(["rounds.add_round", "rounds.change_round", "rounds.view_round"])
    assert editor.has_perm("rounds.view_historicalround")
    assert not editor.has_perm("rounds.delete_round")


def test_reviewers_and_contributors_only_view():
    reviewer, contributor = staff_user(Role.REVIEWER), staff_user(Role.CONTRIBUTOR)
    for user in (reviewer, contributor):
        assert user.has_perm("rounds.view_round")
        assert not user.has_perm("rounds.change_round")
    assert reviewer.has_perm("rounds.view_historicalrounditem")
    assert not contributor.has_perm("rounds.view_historicalround")
    assert not contributor.has_perm("rounds.view_remindersent")


def test_every_rounds_model_keeps_a_history():
    from django.apps import apps

    models = [
        model
        for model in apps.get_app_config("rounds").get_models()
        if not model.__name__.startswith("Historical")
    ]
    assert {model.__name__ for model in models} == {"Round", "RoundItem", "ReminderSent"}
    assert all(hasattr(model, "history") for model in models)
