"""App configuration for recommendations, their owning agencies and their status history."""

from django.apps import AppConfig
from django.db.models.signals import post_migrate


class RecommendationsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "recommendations"
    verbose_name = "Recommendations"

    def ready(self):
        from . import roles, signals

        signals.connect()
        post_migrate.connect(roles.sync_roles_after_migrate, sender=self)
