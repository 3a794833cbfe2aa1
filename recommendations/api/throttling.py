"""The API's throttle: each client address, anonymous or not, at ``API_THROTTLE_RATE``."""

from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle


class AnonymousThrottle(AnonRateThrottle):
    """Throttles each address; reads its rate on every request so a settings change applies."""

    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES[self.scope]
