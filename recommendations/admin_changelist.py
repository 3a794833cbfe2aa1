"""The recommendations changelist at scale."""

from django.contrib.admin.views.main import ChangeList

from .models import Recommendation


class RecommendationChangeList(ChangeList):
    """Filters, sorts and pages the lean queryset; only the rows shown get the computed columns
    (stale, overdue, drafts, the owner's and MOPAC's latest status, the owners), so a deep page
    costs what the first does and none of it grows with the data."""

    def get_results(self, request):
        super().get_results(request)
        shown = [row.pk for row in self.result_list]
        computed = (
            Recommendation.objects.filter(pk__in=shown)
            .with_flags()
            .with_drafts()
            .with_assessments()
            .select_related("review")
            .prefetch_related("ownerships__agency")
            .in_bulk()
        )
        self.result_list = [computed[pk] for pk in shown]
