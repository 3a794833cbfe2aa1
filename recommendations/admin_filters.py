"""The changelists' own filters: by flag (stale, overdue, with drafts, owner and MOPAC
differing) and by owning agency."""

from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters

from harris.params import whole_number

from .models import Agency, Recommendation, RecommendationOwner, StatusUpdate, sees_all_agencies


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


class OwningAgencyFilter(admin.SimpleListFilter):
    """Status updates by an agency owning their recommendation: the agencies the user works
    for, or every agency for those who see all."""

    title = "owning agency"
    parameter_name = "agency"

    def lookups(self, request, model_admin):
        agencies = Agency.objects.order_by("name")
        if not sees_all_agencies(request.user):
            agencies = agencies.filter(memberships__user=request.user)
        return [(str(pk), name) for pk, name in agencies.values_list("pk", "name")]

    def queryset(self, request, queryset):
        if self.value() is None:
            return queryset
        agency = whole_number(self.value())
        if agency is None:
            # The admin's answer to a malformed filter: the unfiltered list, marked as such.
            raise IncorrectLookupParameters(f"No agency {self.value()!r}.")
        owned = RecommendationOwner.objects.filter(agency=agency).values("recommendation")
        return queryset.filter(recommendation__in=owned)
