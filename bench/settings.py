"""Settings for benchmark runs: the production settings plus a bare view to measure against."""

from harris.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
