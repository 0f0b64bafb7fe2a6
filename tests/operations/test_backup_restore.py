"""export_register / import_register: the backup routine gives back an identical register, holds
only what it should, and refuses — whole, with a clear message, writing nothing — any other file."""

import datetime
import gzip
import json

import pytest
from django.contrib.auth.models import Permission
from django.core import serializers
from django.core.management import CommandError, call_command
from django.test import override_settings

from accounts.models import ApiToken
from analysis_cache.models import AnalysisResult
from gdpr.gaps.acknowledgements import acknowledge
from gdpr.gaps.base import GapFinding
from gdpr.models import PersonErasure, ProcessingActivity, ProcessingActivityService
from integrations.backup import backup_models
from integrations.models import ImportUpload
from portfolio.models import Application, DuplicateDecision, ServiceUsage
from portfolio.services import set_links
from stewardship.models import ReviewItem
from stewardship.notifications import send_due_notifications
from stewardship.services import confirm_item, start_round
from tests.factories import (
    ApplicationFactory,
    CatalogueProductFactory,
    DataFlowFactory,
    DpiaFactory,
    ProcessingActivityFactory,
    RoleAssignmentFactory,
    SchoolUnitFactory,
    TransferFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)


def _register_rows() -> dict[str, list]:
    """Every row of every backed-up model and of their many-to-many tables (history included)."""
    rows = {}
    for model in backup_models():
        rows[model._meta.label] = list(model._default_manager.order_by("pk").values())
        for m2m in model._meta.local_many_to_many:
            through = m2m.remote_field.through
            if through._meta.auto_created:
                # Permissions are renumbered by migrate: compare them by natural key.
                near, far = m2m.m2m_field_name(), m2m.m2m_reverse_field_name()
                links = through.objects.select_related()
                pairs = ((str(getattr(k, near)), str(getattr(k, far))) for k in links)
                rows[through._meta.label] = sorted(pairs)
    return rows


def _build_register():
    user = UserFactory(username="anna", role="Dataskyddssamordnare")
    school = SchoolUnitFactory(name="Östra skolan")
    app = ApplicationFactory(name="Unikum", aliases="Unikum Skolplattform\nUNIKUM")
    app._history_user = user
    app.name = "Unikum lärplattform"
    app.save()
    set_links(app, ServiceUsage, "service", "organisation", {school: {"users": 420}}, user=user)
    activity = ProcessingActivityFactory(special_categories=["halsa"], special_category_condition="g")
    set_links(activity, ProcessingActivityService, "processing_activity", "service", [app], user=user)
    TransferFactory(processing_activity=activity)
    DpiaFactory(processing_activity=activity, completed_on=datetime.date(2025, 3, 1))
    RoleAssignmentFactory(application=app)
    return app


def _build_full_register():
    """The demo with every kind of row a register gathers: users, tokens, rounds, acknowledgements …"""
    call_command("seed_demo", verbosity=0)  # also stores the analyses (not part of a backup)
    call_command("create_demo_users", "--force", verbosity=0)
    call_command("create_api_token", "it", "--read-only", verbosity=0)
    call_command("create_api_token", "strateg", verbosity=0)
    admin = UserFactory._meta.model.objects.get(username="admin")
    it = UserFactory._meta.model.objects.get(username="it")
    it.user_permissions.add(Permission.objects.get(codename="view_apitoken"))
    DataFlowFactory()
    activity = ProcessingActivity.objects.order_by("pk").first()
    finding = GapFinding(
        code="art30_retention", title="Gallringsfrist saknas", severity="low", basis="art. 30",
        target_type="processing_activity", target_id=activity.pk, target_name=activity.name,
        explanation="", fix="", activity_id=activity.pk,
    )
    acknowledge(finding, reason="Gallringsbeslut på väg", user=admin)
    today = datetime.date.today()
    kinds = ["application", "management_object", "processing_activity"]
    deadline = today + datetime.timedelta(days=30)
    round_ = start_round(name="Årlig genomgång", deadline=deadline, kinds=kinds, user=None, start=today)
    send_due_notifications(rounds=type(round_).objects.filter(pk=round_.pk))
    item = ReviewItem.objects.with_targets().filter(round=round_, service__kind="application").first()
    confirm_item(item, user=admin, expected_version=item.target.version)
    ImportUpload.objects.create(user=it, kind="inventory", filename="elever.xlsx", size=3, sha256="0" * 64,
                                content=b"Anna Andersson, 20150101-1234")
    # The catalogue's own entries and the "not the same product" decisions are the strateg's work.
    apps = list(Application.objects.order_by("pk")[:2])
    CatalogueProductFactory(name="Kommunens egen lärplattform", aliases="Lärplattformen")
    DuplicateDecision.objects.create(
        first_type="application", first_id=apps[0].pk, second_type="application", second_id=apps[1].pk,
        fingerprint="0" * 16, reason="Olika produkter", decided_by=admin,
    )
    # The record of an erasure (Art. 17) is the register's accountability: it is backed up too.
    PersonErasure.objects.create(
        pseudonym="Person 7 (borttagen 2026-11-02)", erased_by=admin, reason="Begäran", changed={"x": 1}
    )


def _document(path) -> dict:
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        return json.load(handle)


def _write(path, document) -> None:
    with gzip.open(path, "wt", encoding="utf-8") as handle:
        json.dump(document, handle)


def _assert_nothing_written() -> None:
    assert not Application.objects.exists()
    assert not Application.history.exists()
    assert not UserFactory._meta.model.objects.exists()


def test_a_register_with_every_kind_of_row_comes_back_identical(tmp_path):
    _build_full_register()
    before = _register_rows()
    empty = [label for label, rows in before.items() if not rows]
    assert empty == [], "the round trip must cover every kind of row"
    assert ApiToken.objects.count() == 2
    assert AnalysisResult.objects.exists()  # stored analyses exist …

    backup = tmp_path / "register.json.gz"
    call_command("export_register", str(backup))
    in_file = {row["model"] for row in _document(backup)["objects"]}
    assert "integrations.importupload" not in in_file  # may hold lists of people
    assert not any(label.startswith("analysis_cache.") for label in in_file)  # … but are not backed up

    call_command("flush", interactive=False)
    call_command("import_register", str(backup))

    assert _register_rows() == before
    assert not ImportUpload.objects.exists()
    token_user = ApiToken.objects.get(read_only=True).user
    assert token_user.username == "it" and token_user.check_password("demo-it-avd-2026")


def test_a_backup_in_todays_format_with_uploads_still_restores_without_them(tmp_path, capsys):
    """Backups written before uploads were left out hold their rows: restored without them."""
    _build_register()
    anna = UserFactory._meta.model.objects.get(username="anna")
    ApiToken.issue(anna, name="verktyg")
    ImportUpload.objects.create(user=anna, kind="inventory", filename="lista.xlsx", size=1, sha256="0" * 64,
                                content=b"x")
    before = _register_rows()
    backup = tmp_path / "old.json.gz"
    call_command("export_register", str(backup))
    document = _document(backup)
    document["objects"] += serializers.serialize(
        "python", ImportUpload.objects.all(), use_natural_foreign_keys=True
    )
    document["objects"] = json.loads(json.dumps(document["objects"], cls=serializers.json.DjangoJSONEncoder))
    _write(backup, document)

    call_command("flush", interactive=False)
    call_command("import_register", str(backup))

    assert _register_rows() == before
    assert not ImportUpload.objects.exists()
    assert "1 rad av integrations.importupload lämnades utanför" in capsys.readouterr().out


def test_restore_reports_what_it_wrote_not_what_the_file_claims(tmp_path, capsys):
    _build_register()
    backup = tmp_path / "register.json.gz"
    call_command("export_register", str(backup))
    document = _document(backup)
    document["counts"] = {"portfolio.Application": 999999}
    _write(backup, document)
    call_command("flush", interactive=False)
    capsys.readouterr()
    call_command("import_register", str(backup))
    written = sum(model._default_manager.count() for model in backup_models())
    assert f"{written} poster återlästa från " in capsys.readouterr().out
    assert written < 999999


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
    document = _document(backup)
    document["objects"].append({"model": "portfolio.service", "pk": 999, "fields": {"vendor": 123456}})
    _write(backup, document)
    call_command("flush", interactive=False)
    with pytest.raises(CommandError):
        call_command("import_register", str(backup))
    assert not Application.objects.exists()
    assert not ProcessingActivity.history.exists()


def test_restore_of_something_else_than_a_backup_is_refused(tmp_path):
    other = tmp_path / "other.json.gz"
    _write(other, [{"model": "portfolio.service"}])
    with pytest.raises(CommandError, match="inte en säkerhetskopia"):
        call_command("import_register", str(other))


@pytest.fixture(scope="module")
def _small_backup(tmp_path_factory):
    return tmp_path_factory.mktemp("backup") / "small.json.gz"


@pytest.fixture
def exported(tmp_path, _small_backup):
    """A copy of a backup of a small register (made once), and an empty database for its restore."""
    if not _small_backup.exists():
        _build_register()
        call_command("export_register", str(_small_backup))
        call_command("flush", interactive=False)
    backup = tmp_path / "register.json.gz"
    backup.write_bytes(_small_backup.read_bytes())
    _assert_nothing_written()
    return backup


def _tamper(backup, change) -> None:
    document = _document(backup)
    change(document)
    _write(backup, document)


def _first(document, model):
    return next(row for row in document["objects"] if row["model"] == model)


def test_rows_of_models_outside_the_backup_are_refused(exported):
    from django.contrib.sessions.models import Session

    _tamper(exported, lambda d: d["objects"].append({
        "model": "sessions.session", "pk": "planted",
        "fields": {"session_data": "x", "expire_date": "2099-01-01T00:00:00Z"},
    }))
    with pytest.raises(CommandError, match=r"inte hör till en säkerhetskopia.*sessions\.session"):
        call_command("import_register", str(exported))
    assert not Session.objects.filter(pk="planted").exists()
    _assert_nothing_written()


@pytest.mark.parametrize(
    ("model", "field", "value", "message"),
    [
        ("portfolio.service", "name", "x" * 5000, "name"),
        ("portfolio.service", "lifecycle_status", "bogus", "lifecycle_status"),
        ("gdpr.processingactivity", "special_categories", ["inte_en_kategori"], "special_categories"),
        ("portfolio.historicalservice", "name", "y" * 5000, "historicalservice"),
    ],
)
def test_values_the_model_would_refuse_are_refused(exported, model, field, value, message):
    def change(document):
        _first(document, model)["fields"][field] = value

    _tamper(exported, change)
    with pytest.raises(CommandError, match=f"ogiltiga värden.*{message}|{message}.*ogiltiga värden"):
        call_command("import_register", str(exported))
    _assert_nothing_written()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.pop("objects"), "saknar sin lista"),
        (lambda d: d.pop("format"), "inte en säkerhetskopia"),
        (lambda d: d["objects"][5].pop("fields"), "Rad 6 .*saknar"),
        (lambda d: d["objects"][5].pop("model"), "Rad 6 .*saknar"),
        (lambda d: d["objects"][5].pop("pk"), "Rad 6 .*saknar"),
        (lambda d: d["objects"].insert(0, "inte en rad"), "Rad 1 .*saknar"),
        (lambda d: _first(d, "portfolio.service")["fields"].update(okand=1), "inget har ändrats"),
        (lambda d: _first(d, "portfolio.service")["fields"].update(created="inte ett datum"),
         "inget har ändrats"),
    ],
)
def test_a_malformed_file_is_refused_with_a_message_and_nothing_written(exported, change, message):
    _tamper(exported, change)
    with pytest.raises(CommandError, match=message):
        call_command("import_register", str(exported))
    _assert_nothing_written()


def test_deeply_nested_json_is_refused(tmp_path):
    deep = tmp_path / "deep.json.gz"
    with gzip.open(deep, "wt") as handle:
        handle.write('{"format": "systemkarta-register/1", "objects": ' + "[" * 200_000 + "]" * 200_000 + "}")
    with pytest.raises(CommandError, match="djupt nästlad"):
        call_command("import_register", str(deep))


def test_a_file_that_is_not_gzip_or_not_utf8_is_refused(tmp_path):
    plain = tmp_path / "plain.json.gz"
    plain.write_text('{"format": "systemkarta-register/1", "objects": []}')
    with pytest.raises(CommandError, match="kunde inte läsas"):
        call_command("import_register", str(plain))
    latin = tmp_path / "latin.json.gz"
    with gzip.open(latin, "wb") as handle:
        handle.write('{"format": "Ö"}'.encode("latin-1"))
    with pytest.raises(CommandError, match="kunde inte läsas"):
        call_command("import_register", str(latin))


@override_settings(BACKUP_MAX_EXPANDED_BYTES=4 * 1024 * 1024)
def test_a_file_that_unpacks_beyond_the_limit_is_refused_before_it_is_parsed(tmp_path):
    bomb = tmp_path / "bomb.json.gz"
    with gzip.open(bomb, "wb", compresslevel=9) as handle:
        handle.write(b'{"format": "systemkarta-register/1", "objects": ["')
        block = b" " * (1024 * 1024)
        for _ in range(64):  # 64 MiB unpacked from some 64 KiB
            handle.write(block)
        handle.write(b'"]}')
    assert bomb.stat().st_size < 200_000
    with pytest.raises(CommandError, match="mer än 4 MiB.*BACKUP_MAX_EXPANDED_MB"):
        call_command("import_register", str(bomb))


def test_the_default_limit_on_the_unpacked_size_is_one_gibibyte():
    from django.conf import settings

    assert settings.BACKUP_MAX_EXPANDED_BYTES == 1024 * 1024 * 1024
