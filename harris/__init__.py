"""Harris Tracker: the Django project package (settings, URLs, WSGI/ASGI)."""
