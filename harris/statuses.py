"""The statuses a recommendation can be in, with their public definitions.

Shared by the staff models and the public layer, which must not import each other's modules.
"""

from django.db import models


class Status(models.TextChoices):
    """Progress on a recommendation. Resolved and Resolved by other means follow the 2017 report."""

    RESOLVED = "resolved", "Resolved"
    RESOLVED_OTHER_MEANS = "resolved_other_means", "Resolved by other means"
    IN_PROGRESS = "in_progress", "In progress"
    NOT_TAKEN_FORWARD = "not_taken_forward", "Not taken forward"
    AWAITING_RESPONSE = "awaiting_response", "Awaiting response"
    NOT_ASSESSED = "not_assessed", "Not yet assessed"

    @classmethod
    def description(cls, value):
        """The public definition of a status, shown beside it on every page."""
        return STATUS_DESCRIPTIONS[cls(value)]

    @classmethod
    def closed(cls):
        """The statuses the 2017 report counts as done."""
        return [cls.RESOLVED, cls.RESOLVED_OTHER_MEANS]


STATUS_DESCRIPTIONS = {
    # Both "Resolved" definitions are the 2017 progress report's own words.
    Status.RESOLVED: (
        "A satisfactory amount of work has taken place to address the issues raised. Some "
        "activity may need to continue on an ongoing basis."
    ),
    Status.RESOLVED_OTHER_MEANS: (
        "Work has been carried out which achieves the same outcome as the recommendation, "
        "albeit not through the same means."
    ),
    Status.IN_PROGRESS: "Work is under way but the recommendation is not yet resolved.",
    Status.NOT_TAKEN_FORWARD: "The owner has declined to take the recommendation forward.",
    Status.AWAITING_RESPONSE: "The owner has not yet said whether or how it will act.",
    Status.NOT_ASSESSED: "No published assessment of progress yet.",
}
