"""App configuration for loading a review's recommendations from its document (PDF, DOCX or
text): extraction, checking in the admin, and import through the spreadsheet import."""

from django.apps import AppConfig


class ExtractionConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "extraction"
    verbose_name = "Loading from documents"
