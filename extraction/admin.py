"""Registers "Load a review from its document" in the admin: the admin home links to it, and
its pages (``admin_views``) live under /admin/extraction/sourcedocument/, each behind the admin's
login and the MOPAC editor permission."""

from django.contrib import admin
from django.urls import path

from harris.admin import ReadOnlyAdmin

from . import admin_views
from .models import SourceDocument


@admin.register(SourceDocument)
class SourceDocumentAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    """No list, add or change pages of its own: the upload page stands in for the list."""

    def has_module_permission(self, request):
        return admin_views.can_extract(request.user)

    def has_view_permission(self, request, obj=None):
        return admin_views.can_extract(request.user)

    def get_urls(self):
        """The pages, each behind the admin's login (``admin_view``) with this site passed in."""

        def page(view):
            def bound(request, *args, **kwargs):
                return view(request, self.admin_site, *args, **kwargs)

            bound.csrf_exempt = getattr(view, "csrf_exempt", False)
            return self.admin_site.admin_view(bound)

        return [
            path("", page(admin_views.upload_view), name="extraction_sourcedocument_changelist"),
            path("<str:token>/", page(admin_views.rows_view), name="extraction_rows"),
            path("<str:token>/row/<int:index>/", page(admin_views.row_view), name="extraction_row"),
            path("<str:token>/check/", page(admin_views.check_view), name="extraction_check"),
            path("<str:token>/confirm/", page(admin_views.confirm_view), name="extraction_confirm"),
        ]
