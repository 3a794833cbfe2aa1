"""App configuration for progress rounds: collecting owners' reports and MOPAC's assessments
on the open recommendations of some reviews, then publishing them as a progress report."""

from django.apps import AppConfig


class RoundsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "rounds"
    verbose_name = "Progress rounds"
