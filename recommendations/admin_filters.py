"""The changelist filters by flag: stale, overdue, with drafts, owner and MOPAC differing."""

from django.contrib import admin

from .models import Recommendation, StatusUpdate


class FlagFilter(admin.SimpleListFilter):
    """A yes/no filter by one of the recommendations' QuerySet methods."""

    def lookups(self, request, model_admin):
        return [("yes", "Yes"), ("no", "No")]

    def flagged(self):
        raise NotImplementedError

    def queryset(self, request, queryset):
        flagged = self.flagged().values("pk")
        if self.value() == "yes":
            return queryset.filter(pk__in=flagged)
        if self.value() == "no":
            return queryset.exclude(pk__in=flagged)
        return queryset


class StaleFilter(FlagFilter):
    title = "stale (no recent published update)"
    parameter_name = "stale"

    def flagged(self):
        return Recommendation.objects.stale()


class OverdueFilter(FlagFilter):
    title = "overdue"
    parameter_name = "overdue"

    def flagged(self):
        return Recommendation.objects.overdue()


class DraftsFilter(FlagFilter):
    title = "has drafts"
    parameter_name = "drafts"

    def flagged(self):
        return Recommendation.objects.filter(updates__publication=StatusUpdate.Publication.DRAFT)


class AssessmentsDifferFilter(FlagFilter):
    title = "owner and MOPAC differ"
    parameter_name = "differ"

    def flagged(self):
        return Recommendation.objects.assessments_differ()
