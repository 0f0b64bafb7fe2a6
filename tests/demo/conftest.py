"""One demo build shared by a module's tests (rolled back afterwards) to keep the suite fast."""

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction

from integrations.demo import build_demo


@pytest.fixture(scope="module")
def built(django_db_setup, django_db_blocker):
    """``(manifest, user)`` of a scale-1, seed-1 demo built once per module by ``user``."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            user = get_user_model().objects.create(username="demobyggare")
            yield build_demo(scale=1, seed=1, user=user), user
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
