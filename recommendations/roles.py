"""The three staff roles and their permissions, kept in code.

A migration creates the groups and every ``migrate`` (and ``flush``) brings their permissions
back in line, so no one sets roles up by hand. Agency scoping is not a permission: a user without
``view_all_agencies`` sees only what their agencies own (``Recommendation.objects.visible_to``).
"""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions

from .models import Role

# Editable by editors; reviewers and contributors only view them.
EDITED = {
    "recommendations": ["agency", "recommendation", "recommendationowner", "recommendationlink"],
    "reviews": ["review"],
}
# Append-only records: added through the services, never changed or deleted.
APPEND_ONLY = {"recommendations": ["statusupdate", "targetdatechange"]}
# Who belongs to which agency is user administration, which editors do not do.
MEMBERSHIPS = {"recommendations": ["agencymembership"]}
HISTORY = {
    "recommendations": [
        "historicalagency",
        "historicalrecommendation",
        "historicalrecommendationowner",
        "historicalrecommendationlink",
        "historicalstatusupdate",
        "historicaltargetdatechange",
        "historicalagencymembership",
    ],
    "reviews": ["historicalreview"],
    "rounds": ["historicalround", "historicalrounditem", "historicalremindersent"],
}
# Progress rounds: editors open and change them (through rounds/services.py); everyone views.
ROUNDS = {"rounds": ["round", "rounditem"]}


def _perms(actions, models_by_app):
    return {
        f"{app}.{action}_{model}"
        for app, models in models_by_app.items()
        for model in models
        for action in actions
    }


_VIEW_EVERYTHING = (
    _perms(["view"], EDITED)
    | _perms(["view"], APPEND_ONLY)
    | _perms(["view"], MEMBERSHIPS)
    | _perms(["view"], HISTORY)
    | _perms(["view"], ROUNDS)
    | {"rounds.view_remindersent"}
    | {"recommendations.view_all_agencies"}
)

ROLE_PERMISSIONS = {
    Role.EDITOR: _VIEW_EVERYTHING
    | _perms(["add", "change", "delete"], EDITED)
    | {
        "recommendations.add_statusupdate",
        "recommendations.change_statusupdate",
        "recommendations.publish_statusupdate",
        "rounds.add_round",
        "rounds.change_round",
    },
    Role.REVIEWER: _VIEW_EVERYTHING,
    # No history permissions: the audit trail holds other agencies' staff-only notes.
    Role.CONTRIBUTOR: _perms(["view"], EDITED)
    | _perms(["view"], APPEND_ONLY)
    | _perms(["view"], ROUNDS)
    | {"recommendations.add_statusupdate", "recommendations.change_statusupdate"},
}


def _create_permissions(apps):
    for app_config in apps.get_app_configs():
        # A migration's app registry has no models modules, and Django's helper skips apps
        # without one; say it has one for the duration of the call.
        stub = getattr(app_config, "models_module", None) is None
        if stub:
            app_config.models_module = True
        try:
            create_permissions(app_config, apps=apps, verbosity=0)
        finally:
            if stub:
                app_config.models_module = None


def sync_roles(apps):
    """Create the role groups and give each exactly its permissions.

    A permission whose model a migration has yet to create is left for the sync after the last
    migration, so an early migration never depends on later models.
    """
    _create_permissions(apps)
    group_model = apps.get_model("auth", "Group")
    permission_model = apps.get_model("auth", "Permission")
    available = {
        f"{app_label}.{codename}": pk
        for pk, app_label, codename in permission_model.objects.values_list(
            "pk", "content_type__app_label", "codename"
        )
    }
    for name, wanted in ROLE_PERMISSIONS.items():
        group, _ = group_model.objects.get_or_create(name=name)
        group.permissions.set([available[dotted] for dotted in wanted if dotted in available])


def sync_roles_after_migrate(sender, **kwargs):
    """post_migrate receiver: keep the roles in line after every migrate and flush."""
    # ``migrate`` passes its final model state; ``flush`` passes none.
    sync_roles(kwargs.get("apps") or global_apps)
