"""export_register / import_register: the backup routine gives back an identical register."""

import datetime
import gzip
import json

import pytest
from django.core.management import CommandError, call_command

from gdpr.models import ProcessingActivity
from integrations.backup import backup_models
from portfolio.models import Application, ApplicationUsage
from portfolio.services import set_links
from tests.factories import (
    ApplicationFactory,
    DpiaFactory,
    ProcessingActivityFactory,
    RoleAssignmentFactory,
    SchoolUnitFactory,
    TransferFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)


def _register_rows() -> dict[str, list[dict]]:
    """Every row of every backed-up model (history included), keyed by model, users by username."""
    rows = {}
    for model in backup_models():
        if model._meta.label_lower in {"auth.group", "auth.user"}:
            continue
        rows[model._meta.label] = list(model._default_manager.order_by("pk").values())
    rows["users"] = sorted(
        (u.username, u.email, u.password, sorted(g.name for g in u.groups.all()))
        for u in UserFactory._meta.model.objects.all()
    )
    return rows


def _build_register():
    user = UserFactory(username="anna", role="Dataskyddssamordnare")
    school = SchoolUnitFactory(name="Östra skolan")
    app = ApplicationFactory(name="Unikum", aliases="Unikum Skolplattform\nUNIKUM")
    app._history_user = user
    app.name = "Unikum lärplattform"
    app.save()
    set_links(app, ApplicationUsage, "application", "organisation", {school: {"users": 420}}, user=user)
    activity = ProcessingActivityFactory(special_categories=["halsa"], special_category_condition="g")
    set_links(activity, activity._meta.get_field("applications").remote_field.through, "processing_activity",
              "application", [app], user=user)
    TransferFactory(processing_activity=activity)
    DpiaFactory(processing_activity=activity, completed_on=datetime.date(2025, 3, 1))
    RoleAssignmentFactory(application=app)
    return app


def test_restore_into_an_empty_database_gives_back_every_row_and_history_entry(tmp_path):
    _build_register()
    before = _register_rows()
    backup = tmp_path / "register.json.gz"
    call_command("export_register", str(backup))

    call_command("flush", interactive=False)
    assert not Application.objects.exists()
    call_command("import_register", str(backup))

    assert _register_rows() == before
    assert Application.history.filter(history_user__username="anna").exists()


def test_restore_refuses_a_database_that_is_not_empty_and_writes_nothing(tmp_path):
    _build_register()
    backup = tmp_path / "register.json.gz"
    call_command("export_register", str(backup))
    history_rows = Application.history.count()
    with pytest.raises(CommandError, match="inte tomt"):
        call_command("import_register", str(backup))
    assert Application.history.count() == history_rows


def test_restore_of_a_damaged_file_says_so_and_changes_nothing(tmp_path):
    _build_register()
    backup = tmp_path / "register.json.gz"
    call_command("export_register", str(backup))
    with gzip.open(backup, "rt") as handle:
        document = json.load(handle)
    document["objects"].append({"model": "portfolio.application", "pk": 999, "fields": {"vendor": 123456}})
    with gzip.open(backup, "wt") as handle:
        json.dump(document, handle)
    call_command("flush", interactive=False)
    with pytest.raises(CommandError):
        call_command("import_register", str(backup))
    assert not Application.objects.exists()
    assert not ProcessingActivity.history.exists()


def test_restore_of_something_else_than_a_backup_is_refused(tmp_path):
    other = tmp_path / "other.json.gz"
    with gzip.open(other, "wt") as handle:
        json.dump([{"model": "portfolio.application"}], handle)
    with pytest.raises(CommandError, match="inte en säkerhetskopia"):
        call_command("import_register", str(other))
