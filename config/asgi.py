"""ASGI entry point."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.prod")
application = get_asgi_application()

from config.runtime import prepare_server_process  # noqa: E402 - needs the application loaded

prepare_server_process()
