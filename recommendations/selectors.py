"""Reads the staff admin shares. (Public pages read the published store: ``public_data``.)"""

from .models import StatusUpdate


def staff_history(recommendation, user):
    """A recommendation's whole status history for a staff user, newest first, each update
    with ``staff_note``: its staff-only detail where the user may read it."""
    return (
        StatusUpdate.objects.filter(recommendation=recommendation)
        .with_staff_note_for(user)
        .select_related("recorded_by", "corrects", "reported_on_behalf_of")
        .latest_first()
    )


def latest_by_assessment(recommendation):
    """{assessment: latest published update} — the owner's report and MOPAC's assessment."""
    latest = {}
    for update in recommendation.updates.published().latest_first():
        latest.setdefault(update.assessment, update)
    return latest
