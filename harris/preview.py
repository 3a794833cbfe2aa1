"""Render a public page in-process as an anonymous visitor gets it, for staff previews."""

from django.contrib.auth.models import AnonymousUser
from django.http import Http404, HttpRequest
from django.urls import get_resolver, resolve


def render_as_anonymous(request, url):
    """The response an anonymous visitor gets for the public ``url``, rendered in-process from
    the public view, so staff see exactly what the public sees."""
    anonymous = HttpRequest()
    anonymous.method = "GET"
    anonymous.path = anonymous.path_info = url
    anonymous.META = {
        key: request.META[key]
        for key in ("SERVER_NAME", "SERVER_PORT", "HTTP_HOST", "HTTP_X_FORWARDED_PROTO")
        if key in request.META
    }
    anonymous.user = AnonymousUser()
    match = resolve(url)
    try:
        response = match.func(anonymous, *match.args, **match.kwargs)
    except Http404 as error:
        response = get_resolver().resolve_error_handler(404)(anonymous, error)
    if hasattr(response, "render"):
        response.render()
    return response
