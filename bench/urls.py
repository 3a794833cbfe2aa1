"""The site's URLs plus ``/bench/bare/``: the framework's ceiling, measured in the same run."""

from django.http import HttpResponse
from django.urls import path

from harris.urls import urlpatterns as site_urlpatterns


def bare(request):
    """The least a Django view can do: no database, no template. ``?bytes=N`` pads the body to
    N bytes, to compare a page with a bare response of the same size."""
    size = request.GET.get("bytes", "")
    return HttpResponse(b"x" * int(size) if size.isdigit() else b"ok", content_type="text/plain")


urlpatterns = [path("bench/bare/", bare), *site_urlpatterns]
