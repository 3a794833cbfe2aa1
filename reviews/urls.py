"""Public URLs for the reviews; cached for anonymous visitors until public data next changes."""

from django.urls import path

from recommendations.caching import cache_public_response as cached

from . import views

app_name = "reviews"

urlpatterns = [
    path("", cached(views.review_list), name="list"),
    path("<slug:slug>/", cached(views.review_detail), name="detail"),
]
