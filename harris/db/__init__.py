"""The project's database backends (selected in ``harris/settings.py``)."""
