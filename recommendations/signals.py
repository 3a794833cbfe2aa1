"""Move the public data version whenever a public model changes (see ``public_data/version.py``)."""

from django.db.models.signals import m2m_changed, post_delete, post_save

from public_data import version
from reviews.models import Review

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
    # In the writer's transaction, not after it: the version commits (or rolls back) with the
    # data, and nothing that could fail runs once the write has been reported a success.
    version.bump()


def connect():
    """Connect the handlers; called once from the app's ready()."""
    for model in PUBLIC_MODELS:
        post_save.connect(public_data_changed, sender=model, dispatch_uid=f"bump-save-{model}")
        post_delete.connect(public_data_changed, sender=model, dispatch_uid=f"bump-del-{model}")
    m2m_changed.connect(
        public_data_changed, sender=Recommendation.owners.through, dispatch_uid="bump-owners"
    )
