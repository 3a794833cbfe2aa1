"""Bump the public data version whenever a public model changes (see ``caching.py``)."""

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

from reviews.models import Review

from .caching import bump_public_version
from .models import Agency, Recommendation, RecommendationLink, RecommendationOwner, StatusUpdate

PUBLIC_MODELS = (
    Review,
    Agency,
    Recommendation,
    RecommendationOwner,
    RecommendationLink,
    StatusUpdate,
)


def public_data_changed(sender, **kwargs):
    # After commit: a reader that sees the new version must also see the new data.
    transaction.on_commit(bump_public_version)


def connect():
    """Connect the handlers; called once from the app's ready()."""
    for model in PUBLIC_MODELS:
        post_save.connect(public_data_changed, sender=model, dispatch_uid=f"bump-save-{model}")
        post_delete.connect(public_data_changed, sender=model, dispatch_uid=f"bump-del-{model}")
    m2m_changed.connect(
        public_data_changed, sender=Recommendation.owners.through, dispatch_uid="bump-owners"
    )
