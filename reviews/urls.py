"""Public URLs for the reviews."""

from django.urls import path

from . import views

app_name = "reviews"

urlpatterns = [
    path("", views.review_list, name="list"),
    path("<slug:slug>/", views.review_detail, name="detail"),
]
