"""Middleware: a database outage is a 503 with ``Retry-After``, never a 500 with a traceback;
a NUL in a staff page's query string is a 400.

PostgreSQL restarting, a dropped connection or a full connection slot all raise
``OperationalError`` or ``InterfaceError``. Every write runs in an atomic service, so whatever a
failed request had begun is rolled back; and Django's ``CONN_HEALTH_CHECKS`` (on in settings)
drops the broken connection at the end of the request, so the next one reconnects by itself.
"""

import logging

from django.conf import settings
from django.db import InterfaceError, OperationalError, connections
from django.http import HttpResponse, HttpResponseBadRequest
from django.template.loader import render_to_string
from django.urls import reverse

logger = logging.getLogger("harris.database")

# Django's own, and the drivers' themselves: a few driver calls (closing a cursor mid-iteration)
# are not wrapped by Django and raise e.g. psycopg2.OperationalError as is.
DATABASE_ERRORS = tuple(
    {OperationalError, InterfaceError}
    | {
        error
        for wrapper in connections.all()
        for error in (wrapper.Database.OperationalError, wrapper.Database.InterfaceError)
    }
)


def database_unavailable_response():
    """The 503 page, rendered without a request so that nothing in it touches the database."""
    response = HttpResponse(render_to_string("503.html"), status=503)
    response["Retry-After"] = str(settings.DATABASE_RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


class DatabaseUnavailableMiddleware:
    """Turns a database error raised by a view into the 503 page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        """The 503 for a database outage; anything else goes on to the 500 handler."""
        if not isinstance(exception, DATABASE_ERRORS):
            return None
        logger.error("Database unavailable for %s %s: %s", request.method, request.path, exception)
        return database_unavailable_response()


class StaffQueryNulMiddleware:
    """A NUL character in a staff page's query string is a 400. PostgreSQL refuses NUL in a
    string, so an admin search, filter or autocomplete holding one would fail in the database;
    the public pages check their own parameters and say which one is wrong."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.admin_prefix = None

    def __call__(self, request):
        # Looked up once, at the first request (the URLconf is not loaded at start-up), not on
        # every public request.
        if self.admin_prefix is None:
            self.admin_prefix = reverse("admin:index")
        if request.path.startswith(self.admin_prefix) and any(
            "\x00" in value for _, values in request.GET.lists() for value in values
        ):
            return HttpResponseBadRequest(
                "The address holds a NUL character, which no search or filter can use.",
                content_type="text/plain; charset=utf-8",
            )
        return self.get_response(request)
