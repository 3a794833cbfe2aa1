"""Admin registration for reviews, with their audit trail."""

from django.contrib import admin

from harris.admin import StaffAdmin

from .models import Review


@admin.register(Review)
class ReviewAdmin(StaffAdmin):
    list_display = ["short_name", "kind", "published_on", "stated_recommendation_count"]
    list_filter = ["kind"]
    search_fields = ["title", "short_name"]
    prepopulated_fields = {"slug": ["short_name"]}
