"""The public data version: one row, moved by every write to public data in the writer's own
transaction, so it is exactly as durable and as current as the data it describes."""

from django.db import models


class PublicDataVersion(models.Model):
    """The one row (pk 1) holding the current public data version (``public_data/version.py``)."""

    version = models.BigIntegerField()

    class Meta:
        verbose_name = "public data version"

    def __str__(self):
        return f"public data version {self.version}"
