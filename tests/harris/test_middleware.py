"""A database outage is a 503 page with Retry-After, never a 500 or a traceback."""

from unittest import mock

import pytest
from django.db import InterfaceError, OperationalError

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("error", [OperationalError, InterfaceError])
def test_a_view_that_loses_the_database_answers_503(client, error):
    with mock.patch("public_data.views.selectors.reviews", side_effect=error("connection lost")):
        response = client.get("/about/")
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response["Cache-Control"] == "no-store"
    assert b"Sorry, the service is unavailable" in response.content
    assert b"connection lost" not in response.content


def test_an_api_view_too(client):
    with mock.patch(
        "public_data.api.views.ReviewViewSet.get_queryset",
        side_effect=OperationalError("server closed the connection"),
    ):
        response = client.get("/api/reviews/")
    assert response.status_code == 503
    assert "Retry-After" in response


def test_a_middleware_that_loses_the_database_answers_503_too(client, settings):
    settings.DEBUG = False
    client.raise_request_exception = False
    client.cookies["sessionid"] = "x" * 32
    with mock.patch(
        "django.contrib.sessions.backends.db.SessionStore.load",
        side_effect=OperationalError("terminating connection due to administrator command"),
    ):
        response = client.get("/admin/")
    assert response.status_code == 503
    assert response["Retry-After"] == "5"


def test_other_errors_are_still_the_500_page(client, settings):
    settings.DEBUG = False
    client.raise_request_exception = False
    with mock.patch("public_data.views.selectors.reviews", side_effect=RuntimeError("bug")):
        response = client.get("/about/")
    assert response.status_code == 500
    assert b"Sorry, there is a problem with the service" in response.content
