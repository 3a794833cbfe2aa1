"""The round's own admin pages, mixed into ``RoundAdmin``.

Who may do what is checked here, before any read: contributors see only their agencies'
recommendations (another's is not found, whatever the URL); progress and assessment pages are
MOPAC's; writing needs the role's permission, and the services check again.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse

from recommendations.models import PUBLISH_UPDATES, Recommendation, sees_all_agencies

from . import selectors, services
from .admin_forms import (
    AssessmentForm,
    OwnerReportForm,
    PublishForm,
    ScopeAddForm,
    ScopeRemoveForm,
    add_service_errors,
)

ADD_UPDATE = "recommendations.add_statusupdate"
SCOPE_PAGE_SIZE = 100


class RoundPagesMixin:
    """Views and URLs of the pages of one round, and the to-report queue."""

    def round_urls(self):
        """The URLs of the round's own pages, ahead of the admin's ``<id>/`` catch-all."""
        view = self.admin_site.admin_view
        pages = [
            ("queue/", self.queue_view, "queue"),
            ("<path:object_id>/scope/", self.scope_view, "scope"),
            ("<path:object_id>/progress/", self.progress_view, "progress"),
            ("<path:object_id>/assessments/", self.assessments_view, "assessments"),
            ("<path:object_id>/report/<int:rec_id>/", self.report_view, "report"),
            ("<path:object_id>/assess/<int:rec_id>/", self.assess_view, "assess"),
            ("<path:object_id>/publish/", self.publish_view, "publish"),
        ]
        return [path(route, view(func), name=f"rounds_round_{name}") for route, func, name in pages]

    # ---- helpers ----

    def round_context(self, request, round, title=None):
        """What every round page shows: the round, its deadline, links to its pages."""
        user = request.user
        return {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": title or str(round),
            "round": round,
            "days_left": round.days_left(),
            "days_overdue": -round.days_left(),
            "mopac": sees_all_agencies(user),
            "may_change": round.is_open and user.has_perm("rounds.change_round"),
            "may_report": round.is_open and user.has_perm(ADD_UPDATE),
            "may_publish": round.is_open
            and user.has_perms(["rounds.change_round", PUBLISH_UPDATES]),
        }

    def _round(self, request, object_id):
        if not self.has_view_permission(request):
            raise PermissionDenied
        return self.visible_object(request, object_id)

    def _mopac_round(self, request, object_id):
        if not sees_all_agencies(request.user):
            raise PermissionDenied("Progress and assessments are MOPAC's pages.")
        return self._round(request, object_id)

    def _recommendation(self, request, round, rec_id):
        """A recommendation in the round that the user may see; otherwise not found."""
        visible = Recommendation.objects.visible_to(request.user).filter(round_items__round=round)
        return get_object_or_404(
            visible.select_related("review").prefetch_related("ownerships__agency"), pk=rec_id
        )

    def _render(self, request, template, context):
        return TemplateResponse(request, f"admin/rounds/round/{template}", context)

    # ---- pages ----

    def queue_view(self, request):
        """The signed-in user's to-report queue in the open round."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        round = selectors.current_round()
        if round is None:
            context = {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "title": "To-report queue",
            }
            return self._render(request, "no_open_round.html", context)
        context = self.round_context(request, round, "To-report queue")
        context["to_report"] = selectors.to_report(round, request.user)
        context["reported"] = selectors.reported_by_agencies(round, request.user)
        return self._render(request, "queue.html", context)

    def scope_view(self, request, object_id):
        """The recommendations in scope: add (by autocomplete) and remove (by ticking)."""
        round = self._mopac_round(request, object_id)
        context = self.round_context(request, round, f"Scope of {round}")
        add_form, remove_form = ScopeAddForm(), ScopeRemoveForm(round=round)
        if request.method == "POST":
            if not context["may_change"]:
                raise PermissionDenied
            adding = "add" in request.POST
            form = (
                ScopeAddForm(request.POST) if adding else ScopeRemoveForm(request.POST, round=round)
            )
            if form.is_valid():
                try:
                    if adding:
                        count = services.add_to_scope(
                            round=round,
                            recommendations=form.cleaned_data["recommendations"],
                            added_by=request.user,
                        )
                        message = f"Added {count} recommendation(s) to the scope."
                    else:
                        count = services.remove_from_scope(
                            round=round,
                            recommendations=form.cleaned_data["remove"],
                            removed_by=request.user,
                        )
                        message = f"Removed {count} recommendation(s) from the scope."
                except ValidationError as error:
                    add_service_errors(form, error)
                else:
                    messages.success(request, message)
                    return HttpResponseRedirect(request.path)
            if adding:
                add_form = form
            else:
                remove_form = form
        items = selectors.scope(round).prefetch_related("ownerships__agency")
        page = Paginator(items.order_by("review__published_on", "position"), SCOPE_PAGE_SIZE)
        context.update(
            add_form=add_form,
            remove_form=remove_form,
            page=page.get_page(request.GET.get("page")),
            media=self.media + add_form.media,
        )
        return self._render(request, "scope.html", context)

    def progress_view(self, request, object_id):
        """Per owning agency: in scope, reported, assessed, outstanding."""
        round = self._mopac_round(request, object_id)
        context = self.round_context(request, round, f"Progress by agency: {round}")
        context.update(progress=selectors.agency_progress(round), totals=selectors.totals(round))
        return self._render(request, "progress.html", context)

    def assessments_view(self, request, object_id):
        """Reported and not yet assessed, each with the owner's report."""
        round = self._mopac_round(request, object_id)
        context = self.round_context(request, round, f"Assessment queue: {round}")
        queue = list(selectors.assessment_queue(round))
        for recommendation in queue:
            recommendation.owner_report = selectors.latest_owner_report(round, recommendation)
        context["queue"] = queue
        return self._render(request, "assessments.html", context)

    def report_view(self, request, object_id, rec_id):
        """Draft the owner's report on one recommendation (MOPAC: on an agency's behalf)."""
        round = self._round(request, object_id)
        recommendation = self._recommendation(request, round, rec_id)
        context = self.round_context(request, round, f"Owner's report: {recommendation}")
        if not context["may_report"]:
            raise PermissionDenied
        on_behalf = sees_all_agencies(request.user)
        form = OwnerReportForm(
            request.POST or None, recommendation=recommendation, on_behalf=on_behalf
        )
        if request.method == "POST":
            saved = self._save_update(
                request,
                form,
                services.record_owner_report,
                round=round,
                recommendation=recommendation,
                message=f"Saved the owner's report on {recommendation} as a draft.",
                next_url=reverse("admin:rounds_round_queue"),
            )
            if saved is not None:
                return saved
        context.update(
            recommendation=recommendation,
            form=form,
            on_behalf=on_behalf,
            earlier=selectors.latest_owner_report(round, recommendation),
        )
        return self._render(request, "report.html", context)

    @staticmethod
    def _save_update(request, form, service, *, round, recommendation, message, next_url):
        """Record the valid form through ``service`` and redirect with ``message``; None when
        the form, or the service, found an error (shown beside its field)."""
        if not form.is_valid():
            return None
        try:
            service(
                round=round,
                recommendation=recommendation,
                recorded_by=request.user,
                **form.cleaned_data,
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return None
        messages.success(request, message)
        return HttpResponseRedirect(next_url)

    def assess_view(self, request, object_id, rec_id):
        """MOPAC's assessment beside the owner's report, kept as a draft until publishing."""
        round = self._mopac_round(request, object_id)
        recommendation = self._recommendation(request, round, rec_id)
        context = self.round_context(request, round, f"Assess: {recommendation}")
        owner = selectors.latest_owner_report(round, recommendation)
        current = selectors.latest_assessment(round, recommendation)
        initial = {}
        if current is not None:
            initial = {
                "status": current.status,
                "status_date": current.status_date,
                "narrative": current.narrative,
                "staff_detail": current.staff_detail,
            }
        elif owner is not None:
            initial = {"status": owner.status}
        form = AssessmentForm(request.POST or None, initial=initial)
        if request.method == "POST":
            if not (context["may_report"] and context["may_change"]):
                raise PermissionDenied
            saved = self._save_update(
                request,
                form,
                services.record_assessment,
                round=round,
                recommendation=recommendation,
                message=f"Saved MOPAC's assessment of {recommendation}.",
                next_url=reverse("admin:rounds_round_assessments", args=[round.pk]),
            )
            if saved is not None:
                return saved
        context.update(
            recommendation=recommendation,
            form=form,
            owner=owner,
            current=current,
            differs=owner is not None and current is not None and owner.status != current.status,
        )
        return self._render(request, "assess.html", context)

    def publish_view(self, request, object_id):
        """The confirmation page: what will become public; confirming publishes the round."""
        round = self._mopac_round(request, object_id)
        context = self.round_context(request, round, f"Publish {round}?")
        if not round.is_open:
            raise Http404("This round is already published.")
        if not context["may_publish"]:
            raise PermissionDenied
        form = PublishForm(
            request.POST or None, initial={"summary": services.default_summary(round)}
        )
        if request.method == "POST" and form.is_valid():
            try:
                report = services.publish_round(
                    round=round, published_by=request.user, summary=form.cleaned_data["summary"]
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request, f"Published “{report.title}”: it is on the public site now."
                )
                return HttpResponseRedirect(reverse("admin:rounds_round_change", args=[round.pk]))
        context.update(
            form=form,
            preview=selectors.publish_preview(round),
            slug=services.unique_report_slug(round.title),
        )
        return self._render(request, "publish.html", context)
