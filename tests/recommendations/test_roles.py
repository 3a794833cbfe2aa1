"""The three roles exist as groups with their permissions, with no manual setup."""

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.core.management import call_command

from recommendations.models import Role
from recommendations.roles import ROLE_PERMISSIONS, sync_roles
from tests.factories import staff_user


def permissions_of(name):
    return {
        f"{app}.{codename}"
        for app, codename in Group.objects.get(name=name).permissions.values_list(
            "content_type__app_label", "codename"
        )
    }


@pytest.mark.django_db
class TestRoles:
    def test_the_migration_creates_the_three_groups_with_their_permissions(self):
        for name, wanted in ROLE_PERMISSIONS.items():
            assert permissions_of(name) == wanted

    def test_editors_do_everything_but_user_administration(self):
        editor = staff_user(Role.EDITOR)
        assert editor.has_perms(
            [
                "recommendations.change_recommendation",
                "recommendations.publish_statusupdate",
                "recommendations.view_all_agencies",
                "reviews.change_review",
                "recommendations.view_historicalrecommendation",
            ]
        )
        assert not any(perm.startswith("auth.") for perm in editor.get_all_permissions())
        assert not editor.has_perm("recommendations.change_agencymembership")
        assert not editor.has_perm("recommendations.delete_statusupdate")

    def test_reviewers_view_everything_and_change_nothing(self):
        reviewer = staff_user(Role.REVIEWER)
        permissions = reviewer.get_all_permissions()
        assert "recommendations.view_historicalstatusupdate" in permissions
        assert all(perm.split(".")[1].startswith("view_") for perm in permissions), permissions

    def test_contributors_draft_updates_but_neither_publish_nor_read_the_audit_trail(self):
        contributor = staff_user(Role.CONTRIBUTOR)
        assert contributor.has_perm("recommendations.add_statusupdate")
        assert not contributor.has_perm("recommendations.publish_statusupdate")
        assert not contributor.has_perm("recommendations.view_all_agencies")
        assert not contributor.has_perm("recommendations.change_recommendation")
        assert not any("historical" in perm for perm in contributor.get_all_permissions())

    def test_syncing_restores_a_role_s_permissions(self):
        group = Group.objects.get(name=Role.REVIEWER)
        group.permissions.clear()
        Group.objects.filter(name=Role.EDITOR).delete()
        sync_roles(apps)
        assert permissions_of(Role.REVIEWER) == ROLE_PERMISSIONS[Role.REVIEWER]
        assert permissions_of(Role.EDITOR) == ROLE_PERMISSIONS[Role.EDITOR]


@pytest.mark.django_db(transaction=True)
def test_the_roles_come_back_after_a_flush():
    call_command("flush", interactive=False, verbosity=0)
    assert set(Group.objects.values_list("name", flat=True)) == set(ROLE_PERMISSIONS)
