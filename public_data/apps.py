"""App configuration for the public read layer: what anonymous visitors and the API are served."""

from django.apps import AppConfig


class PublicConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "public_data"
    verbose_name = "Public read layer"
