"""No tables of its own: a proxy of ``Recommendation`` gives "Load a review from its document"
its place in the admin (a link on the admin home, and URLs under /admin/extraction/)."""

from recommendations.models import Recommendation


class SourceDocument(Recommendation):
    """Recommendations loaded from a review's document (admin entry point only)."""

    class Meta:
        proxy = True
        default_permissions = ()
        verbose_name = "review loaded from its document"
        verbose_name_plural = "load a review from its document"
