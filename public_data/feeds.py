"""Atom feeds of published status updates: all, per agency and per review, from the store."""

from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from . import selectors
from .models import PublishedAgency, PublishedReview

FEED_LENGTH = 50


class PublishedUpdatesFeed(Feed):
    """The latest published updates across every recommendation."""

    feed_type = Atom1Feed
    title = "Harris Tracker: published updates"
    subtitle = "Published progress updates on the recommendations of the Harris reviews."

    def link(self, obj=None):
        return reverse("recommendations:list")

    def entries(self, obj):
        return selectors.published_entries()

    def items(self, obj=None):
        return self.entries(obj)[:FEED_LENGTH]

    def item_title(self, item):
        return f"{item.recommendation}: {item.get_status_display()}"

    def item_description(self, item):
        return item.narrative

    def item_link(self, item):
        return item.get_absolute_url()

    def item_guid(self, item):
        return f"tag:harris-tracker,{item.published_at:%Y-%m-%d}:status-update/{item.anchor}"

    item_guid_is_permalink = False

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.published_at


class AgencyUpdatesFeed(PublishedUpdatesFeed):
    """Published updates on one agency's recommendations."""

    def get_object(self, request, slug):
        return get_object_or_404(PublishedAgency, slug=slug)

    def title(self, obj):
        return f"Harris Tracker: updates on {obj.name}'s recommendations"

    def link(self, obj=None):
        return obj.get_absolute_url()

    def entries(self, obj):
        return super().entries(obj).filter(recommendation__ownerships__agency=obj)


class ReviewUpdatesFeed(PublishedUpdatesFeed):
    """Published updates on one review's recommendations."""

    def get_object(self, request, slug):
        return get_object_or_404(PublishedReview, slug=slug)

    def title(self, obj):
        return f"Harris Tracker: updates on the {obj.short_name} recommendations"

    def link(self, obj=None):
        return obj.get_absolute_url()

    def entries(self, obj):
        return super().entries(obj).filter(recommendation__review=obj)
