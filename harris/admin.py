"""The base of every staff admin in the project."""

from django.contrib.admin.utils import unquote
from django.contrib.admin.widgets import RelatedFieldWidgetWrapper
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404
from simple_history.admin import SimpleHistoryAdmin

from .forms import IsoDateInput


class NoRelatedPopups:
    """A related field without the buttons that add, change or delete the related object in a
    pop-up: a recommendation's page is no place to rewrite a review, and a form half-filled in a
    pop-up is easily lost. Viewing it stays."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        widget = getattr(field, "widget", None)
        if isinstance(widget, RelatedFieldWidgetWrapper):
            widget.can_add_related = widget.can_change_related = widget.can_delete_related = False
        return field


class StaffAdmin(NoRelatedPopups, SimpleHistoryAdmin):
    """An object outside the user's queryset is not found, in the change, delete and history
    views alike. The audit trail can be browsed, never reverted: a revert would bypass the
    services' rules. Dates are entered with the browser's date picker."""

    formfield_overrides = {models.DateField: {"widget": IsoDateInput}}

    def visible_object(self, request, object_id):
        """The object if it is in this user's queryset; otherwise 404."""
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404(f"No {self.opts.verbose_name} with that ID.")
        return obj

    def change_view(self, request, object_id, form_url="", extra_context=None):
        self.visible_object(request, object_id)
        return super().change_view(request, object_id, form_url, extra_context)

    def delete_view(self, request, object_id, extra_context=None):
        self.visible_object(request, object_id)
        return super().delete_view(request, object_id, extra_context)

    def history_view(self, request, object_id, extra_context=None):
        self.visible_object(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method != "GET":
            raise PermissionDenied("The audit trail is read-only.")
        self.visible_object(request, object_id)
        return super().history_form_view(request, object_id, version_id, extra_context)


class ReadOnlyAdmin:
    """An admin whose records are written elsewhere (a command, the services): nothing is
    added, changed or deleted through it."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
