"""Site-wide views: the health checks and the 500 handler (the public pages are in
``public_data``)."""

import sys

from django.http import JsonResponse
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from . import health as health_checks
from .middleware import DATABASE_ERRORS, database_unavailable_response


@never_cache
@require_safe
def health(request):
    """Liveness, for load balancers: 200 while the site can serve (the database answers), else
    503. The body names each dependency's state, and says "degraded" when the cache or the mail
    server is down: the site still serves then, uncached or with reminders waiting."""
    parts = health_checks.dependencies()
    if parts["database"] != health_checks.OK:
        status, code = "error", 503
    elif all(state == health_checks.OK for state in parts.values()):
        status, code = "ok", 200
    else:
        status, code = "degraded", 200
    return JsonResponse({"status": status, **parts}, status=code)


@never_cache
@require_safe
def ready(request):
    """Strict readiness, for monitoring and deploys: 503 unless every dependency is up."""
    parts = health_checks.dependencies()
    healthy = all(state == health_checks.OK for state in parts.values())
    return JsonResponse(
        {"status": "ok" if healthy else "error", **parts}, status=200 if healthy else 503
    )


def server_error(request):
    """The 500 handler: a database outage met outside a view (in a middleware, say) is the 503
    page with Retry-After like any other; anything else is the friendly 500 page."""
    if isinstance(sys.exc_info()[1], DATABASE_ERRORS):
        return database_unavailable_response()
    return defaults.server_error(request)
