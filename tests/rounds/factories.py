"""factory-boy factories for progress rounds. Rounds made here skip the services (no default
scope); tests of opening a round call ``rounds.services.open_round``."""

import datetime

import factory

from rounds.models import ReminderSent, Round, RoundItem
from tests.factories import RecommendationFactory, ReviewFactory, UserFactory


class RoundFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Round
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Progress report {2027 + n}")
    deadline = datetime.date(2030, 6, 30)

    @factory.post_generation
    def reviews(self, create, extracted, **kwargs):
        if create:
            self.reviews.set(extracted if extracted is not None else [ReviewFactory()])


class RoundItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RoundItem

    round = factory.SubFactory(RoundFactory)
    recommendation = factory.SubFactory(RecommendationFactory)


class ReminderSentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReminderSent

    round = factory.SubFactory(RoundFactory)
    user = factory.SubFactory(UserFactory)
    kind = ReminderSent.Kind.DUE_SOON
    email = factory.LazyAttribute(lambda sent: sent.user.email)
    item_count = 1
