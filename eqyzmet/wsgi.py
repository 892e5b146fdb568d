import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "eqyzmet.settings")
django_application = get_wsgi_application()

from eqyzmet.fastlane import FastLane  # noqa: E402 — after Django is set up

# Autosave, which comes in floods on exam day, goes through the fast lane first.
application = FastLane(django_application)
