"""WSGI entry point for production servers (``gunicorn harris.wsgi``)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "harris.settings")

application = get_wsgi_application()
