"""App configuration for the public layer: the published store, its projector, and every page,
download, feed and API answer anonymous visitors are served."""

from django.apps import AppConfig
from django.db.models.signals import post_migrate


def fill_an_empty_store(sender, using, **kwargs):
    """After ``migrate``, project a database that has staff data and no store yet (the first
    migrate after upgrading), so the public site is never empty by omission."""
    from . import projector
    from .models import PublishedReview

    if not PublishedReview.objects.using(using).exists() and projector.has_staff_data():
        projector.rebuild()


class PublicConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "public_data"
    verbose_name = "Public layer"

    def ready(self):
        from . import projector

        projector.connect()
        post_migrate.connect(fill_an_empty_store, sender=self)
