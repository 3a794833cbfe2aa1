"""App configuration for recommendations, their owning agencies and their status history."""

from django.apps import AppConfig
from django.db.models.signals import post_migrate


class RecommendationsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "recommendations"
    verbose_name = "Recommendations"

    def ready(self):
        from harris import append_only

        from . import roles

        post_migrate.connect(roles.sync_roles_after_migrate, sender=self)
        # A later migration may rebuild a protected table (SQLite drops its triggers) or add a
        # history table: every migrate puts the append-only triggers back.
        post_migrate.connect(append_only.reinstall_after_migrate, sender=self)
