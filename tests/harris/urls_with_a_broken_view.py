"""The site's URLs plus one view that fails, to see the 500 page a visitor would get."""

from django.urls import path

from harris.urls import urlpatterns as site_urlpatterns


def broken(request):
    raise RuntimeError("secret stack detail")


urlpatterns = [path("broken/", broken), *site_urlpatterns]
