"""Backup and restore of the whole register, history included, as one file.

The file is gzip-compressed JSON written by Django's serialisers. Rows keep their primary keys
(history refers to users and records by id); permissions and content types are referred to by
natural key, since the target database numbers those itself on ``migrate``.
Loading uses ``raw`` saves, so simple-history writes no new history rows: the restored history
is exactly the exported one.
"""

import datetime
import gzip
import io
import json
from pathlib import Path

from django.apps import apps
from django.core import serializers
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DatabaseError, transaction

__all__ = [
    "BACKUP_FORMAT",
    "RestoreError",
    "backup_models",
    "export_register",
    "import_register",
    "register_is_empty",
]

BACKUP_FORMAT = "systemkarta-register/1"

#: What a backup holds: users and role groups (history names its users), then every domain app.
BACKUP_APPS = ("auth", "accounts", "portfolio", "gdpr", "integrations", "stewardship")
_SKIPPED = {"auth.permission"}


class FullPrecisionEncoder(DjangoJSONEncoder):
    """Django's encoder cuts times to milliseconds; a backup must keep history instants exact."""

    def default(self, o):
        if isinstance(o, datetime.datetime | datetime.time):
            return o.isoformat()
        return super().default(o)


class RestoreError(Exception):
    """The file cannot be restored here; nothing was written."""


def backup_models() -> list[type]:
    """The models a backup contains, in an order that loads (dependencies first)."""
    chosen = []
    for label in BACKUP_APPS:
        try:
            config = apps.get_app_config(label)
        except LookupError:
            continue
        for model in config.get_models():
            if model._meta.label_lower not in _SKIPPED and not model._meta.proxy:
                chosen.append(model)
    return serializers.sort_dependencies([(None, chosen)], allow_cycles=True)


def register_is_empty() -> bool:
    from gdpr.models import ProcessingActivity
    from portfolio.models import Application, LearningResource, Organisation

    register_models = (Organisation, Application, LearningResource, ProcessingActivity)
    return not any(model.objects.exists() for model in register_models)


def export_register(path: str | Path) -> dict[str, int]:
    """Write the whole register with its history to ``path``; return the row count per model."""
    counts: dict[str, int] = {}
    objects = []
    for model in backup_models():
        rows = model._default_manager.order_by("pk")
        counts[model._meta.label] = rows.count()
        objects.append(rows.iterator(chunk_size=2000))
    buffer = io.StringIO()

    def chained():
        for iterator in objects:
            yield from iterator

    serializers.serialize(
        "json", chained(), stream=buffer, use_natural_foreign_keys=True, use_natural_primary_keys=False,
        cls=FullPrecisionEncoder,
    )
    document = {"format": BACKUP_FORMAT, "counts": counts, "objects": json.loads(buffer.getvalue())}
    with gzip.open(path, "wt", encoding="utf-8") as handle:
        json.dump(document, handle, ensure_ascii=False)
    return counts


def import_register(path: str | Path) -> dict[str, int]:
    """Restore a backup into an empty register, atomically; raise RestoreError and write nothing otherwise."""
    try:
        with gzip.open(path, "rt", encoding="utf-8") as handle:
            document = json.load(handle)
    except (OSError, EOFError, json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise RestoreError(f"Filen kunde inte läsas som en säkerhetskopia av registret: {exc}") from exc
    if not isinstance(document, dict) or document.get("format") != BACKUP_FORMAT:
        raise RestoreError(f"Filen är inte en säkerhetskopia i formatet {BACKUP_FORMAT}.")
    if not register_is_empty():
        raise RestoreError("Registret är inte tomt: återläsning görs bara till en tom databas.")
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    if get_user_model().objects.exists():
        raise RestoreError("Databasen har redan användare: återläsning görs bara till en tom databas.")
    payload = json.dumps(document["objects"])
    try:
        with transaction.atomic():
            # The role groups that migrate created are replaced by the backup's own, ids included.
            Group.objects.all().delete()
            loaded = list(serializers.deserialize("json", payload, handle_forward_references=True))
            for wrapped in loaded:
                wrapped.save()
            for wrapped in loaded:
                if wrapped.deferred_fields:
                    wrapped.save_deferred_fields()
            _reset_sequences()
    except (serializers.base.DeserializationError, DatabaseError, ObjectDoesNotExist, ValidationError) as exc:
        raise RestoreError(f"Säkerhetskopian kunde inte läsas tillbaka, inget har ändrats: {exc}") from exc
    return dict(document.get("counts", {}))


def _reset_sequences() -> None:
    """After explicit primary keys, PostgreSQL's sequences must move past them (SQLite needs nothing)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    statements = connection.ops.sequence_reset_sql(_NoStyle(), backup_models())
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


class _NoStyle:
    def __getattr__(self, name):
        return lambda text: text


