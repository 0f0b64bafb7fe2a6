"""Backup and restore of the whole register, history included, as one file.

The file is gzip-compressed JSON written by Django's serialisers. Rows keep their primary keys
(history refers to users and records by id); permissions and content types are referred to by
natural key, since the target database numbers those itself on ``migrate``.
Loading uses ``raw`` saves, so simple-history writes no new history rows: the restored history
is exactly the exported one.

What a backup holds is :func:`backup_models`: users and role groups, API tokens (hashes only),
and every domain app's rows with their history. Left out: uploaded import files waiting for
their confirmation (``integrations.ImportUpload``; they may hold lists of people and are purged
when they expire), stored analysis results (``analysis_cache``, recomputed), sessions, the admin
log, permissions and content types (``migrate`` makes them).

Restoring trusts nothing in the file: it must be a backup of this format, at most
``BACKUP_MAX_EXPANDED_BYTES`` once unpacked; it may hold rows of the backup's own models only;
every value is checked by its model field (type, length, choices, validators) and the database
checks relations and constraints. Any fault refuses the whole file and writes nothing.
"""

import datetime
import gzip
import json
import zlib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DatabaseError, models, transaction

from integrations.backup_upgrade import is_old_format, upgrade_rows

__all__ = [
    "BACKUP_FORMAT",
    "EXCLUDED_FROM_BACKUP",
    "RestoreError",
    "RestoreResult",
    "backup_models",
    "export_register",
    "import_register",
    "register_is_empty",
]

BACKUP_FORMAT = "systemkarta-register/1"

#: What a backup holds: users and role groups (history names its users), then every domain app.
BACKUP_APPS = ("auth", "accounts", "portfolio", "gdpr", "integrations", "stewardship")
#: Uploaded import files wait for their confirmation only; they may hold lists of people.
EXCLUDED_FROM_BACKUP = frozenset({"integrations.importupload"})
_SKIPPED = {"auth.permission", *EXCLUDED_FROM_BACKUP}
#: Unpacked size above which a file is refused before it is parsed (the default is 1 GiB).
DEFAULT_MAX_EXPANDED_BYTES = 1024 * 1024 * 1024
_READ_CHUNK = 1024 * 1024
_INSERT_BATCH = 2000


class FullPrecisionEncoder(DjangoJSONEncoder):
    """Django's encoder cuts times to milliseconds; a backup must keep history instants exact."""

    def default(self, o):
        if isinstance(o, datetime.datetime | datetime.time):
            return o.isoformat()
        return super().default(o)


class RestoreError(Exception):
    """The file cannot be restored here; nothing was written."""


@dataclass
class RestoreResult:
    """What a restore wrote, counted as it was written (not what the file claims), per model."""

    written: dict[str, int] = field(default_factory=dict)
    #: Rows of models a backup no longer holds (import uploads in older backups): not restored.
    skipped: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.written.values())


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
    from portfolio.models import Organisation, Service

    register_models = (Organisation, Service, ProcessingActivity)
    return not any(model.objects.exists() for model in register_models)


def export_register(path: str | Path) -> dict[str, int]:
    """Write the whole register with its history to ``path``; return the row count per model.

    Rows are streamed model by model into the file, dependencies first, so that a restore can
    save each row before the next one looks it up.
    """
    counts: dict[str, int] = {}
    objects = []
    for model in backup_models():
        rows = model._default_manager.order_by("pk")
        counts[model._meta.label] = rows.count()
        objects.append(rows.iterator(chunk_size=2000))

    def chained():
        for iterator in objects:
            yield from iterator

    rows_json = serializers.serialize(
        "json",
        chained(),
        use_natural_foreign_keys=True,
        use_natural_primary_keys=False,
        cls=FullPrecisionEncoder,
    )
    document = {"format": BACKUP_FORMAT, "counts": counts, "objects": json.loads(rows_json)}
    with gzip.open(path, "wt", encoding="utf-8") as handle:
        json.dump(document, handle, ensure_ascii=False)
    return counts


def max_expanded_bytes() -> int:
    return int(getattr(settings, "BACKUP_MAX_EXPANDED_BYTES", DEFAULT_MAX_EXPANDED_BYTES))


def _read_document(path: str | Path) -> dict:
    """The file's JSON document, unpacked at most up to the limit; RestoreError on any fault."""
    limit = max_expanded_bytes()
    chunks: list[bytes] = []
    size = 0
    try:
        with gzip.open(path, "rb") as handle:
            while chunk := handle.read(_READ_CHUNK):
                size += len(chunk)
                if size > limit:
                    raise RestoreError(
                        f"Filen packas upp till mer än {limit // (1024 * 1024)} MiB, gränsen för en "
                        "säkerhetskopia (BACKUP_MAX_EXPANDED_MB); inget har ändrats."
                    )
                chunks.append(chunk)
        document = json.loads(b"".join(chunks).decode("utf-8"))
    except RecursionError as exc:
        raise RestoreError("Filen är för djupt nästlad för att vara en säkerhetskopia av registret.") from exc
    except (OSError, EOFError, zlib.error, UnicodeDecodeError, ValueError) as exc:
        raise RestoreError(f"Filen kunde inte läsas som en säkerhetskopia av registret: {exc}") from exc
    if not isinstance(document, dict) or document.get("format") != BACKUP_FORMAT:
        raise RestoreError(f"Filen är inte en säkerhetskopia i formatet {BACKUP_FORMAT}.")
    if not isinstance(document.get("objects"), list):
        raise RestoreError("Säkerhetskopian saknar sin lista över rader (”objects”).")
    return document


def _rows_to_restore(document: dict) -> tuple[list[dict], dict[str, int]]:
    """The rows of the backup's own models, each shaped as a serialised row; the rest refused or skipped."""
    allowed = {model._meta.label_lower for model in backup_models()}
    rows, skipped, foreign = [], Counter(), Counter()
    objects = document["objects"]
    for number, row in enumerate(objects, start=1):
        if not (
            isinstance(row, dict)
            and isinstance(row.get("model"), str)
            and isinstance(row.get("fields"), dict)
            and row.get("pk") is not None
            and not isinstance(row.get("pk"), dict | list)
        ):
            raise RestoreError(
                f"Rad {number} i säkerhetskopian saknar modell, primärnyckel eller fält; inget har ändrats."
            )
    if is_old_format(objects):
        # Taken before systems and learning resources shared one table: read in today's shape.
        try:
            objects = upgrade_rows(objects)
        except (KeyError, TypeError, ValueError) as exc:
            raise RestoreError(
                f"Säkerhetskopian kunde inte läsas tillbaka, inget har ändrats: {exc}"
            ) from exc
    for row in objects:
        label = row["model"].lower()
        if label in EXCLUDED_FROM_BACKUP:
            skipped[label] += 1
        elif label in allowed:
            rows.append(row)
        else:
            foreign[label] += 1
    if foreign:
        names = ", ".join(f"{label} ({count})" for label, count in sorted(foreign.items())[:10])
        raise RestoreError(
            f"Filen innehåller rader som inte hör till en säkerhetskopia av registret: {names}; "
            "inget har ändrats."
        )
    return rows, dict(skipped)


def _checked_fields(model: type[models.Model]) -> list[models.Field]:
    """The fields with a rule beyond their type (choices, validators such as a length, own checks).

    Types were already enforced when the row was read (``to_python``); relations are checked by
    the database itself.
    """
    return [
        f
        for f in model._meta.concrete_fields
        if not f.is_relation
        and not f.primary_key
        and (f.choices or f.validators or type(f).validate is not models.Field.validate)
    ]


def _validate(obj: models.Model, fields: list[models.Field]) -> None:
    """Check each value as the model field would (type, length, choices, validators).

    Blank values are left to the database (NOT NULL): "required" is a rule of the forms, and
    history rows written before a field was required keep their blanks. Uniqueness, relations
    and check constraints are the database's; ``full_clean`` would ask the database row by row.
    """
    errors = {}
    for model_field in fields:
        value = getattr(obj, model_field.attname)
        if value is None or (isinstance(value, str | list | tuple | dict) and not value):
            continue
        try:
            model_field.validate(value, obj)
            model_field.run_validators(value)
        except ValidationError as exc:
            errors[model_field.name] = exc.messages
    if errors:
        detail = "; ".join(f"{name}: {' '.join(messages)}" for name, messages in errors.items())
        raise RestoreError(
            f"{obj._meta.label_lower} med id {obj.pk} har ogiltiga värden ({detail}); inget har ändrats."
        )


def import_register(path: str | Path) -> RestoreResult:
    """Restore a backup into an empty register, atomically; raise RestoreError and write nothing otherwise."""
    document = _read_document(path)
    rows, skipped = _rows_to_restore(document)
    if not register_is_empty():
        raise RestoreError("Registret är inte tomt: återläsning görs bara till en tom databas.")
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    if get_user_model().objects.exists():
        raise RestoreError("Databasen har redan användare: återläsning görs bara till en tom databas.")
    written: Counter = Counter()
    checks: dict[type, list[models.Field]] = {}
    pending: list[models.Model] = []
    try:
        with transaction.atomic():
            # The role groups that migrate created are replaced by the backup's own, ids included.
            Group.objects.all().delete()
            deferred = []
            # Rows are written as they are read, so that a natural-key look-up (a token's or a
            # history row's user) finds the rows written before it in the file.
            for wrapped in serializers.deserialize("python", rows, handle_forward_references=True):
                obj = wrapped.object
                model = type(obj)
                if model not in checks:
                    checks[model] = _checked_fields(model)
                _validate(obj, checks[model])
                written[model._meta.label] += 1
                if pending and (type(pending[0]) is not model or len(pending) >= _INSERT_BATCH):
                    _insert(pending)
                if wrapped.m2m_data or wrapped.deferred_fields:
                    # The register is empty (checked above): insert at once, no UPDATE tried first.
                    wrapped.save(force_insert=True)
                    if wrapped.deferred_fields:
                        deferred.append(wrapped)
                else:
                    pending.append(obj)
            _insert(pending)
            for wrapped in deferred:
                wrapped.save_deferred_fields()
            _reset_sequences()
    except RestoreError:
        raise
    except RecursionError as exc:
        raise RestoreError("Ett värde i säkerhetskopian är för djupt nästlat; inget har ändrats.") from exc
    except (
        serializers.base.DeserializationError,
        DatabaseError,
        ObjectDoesNotExist,
        FieldDoesNotExist,
        ValidationError,
        ValueError,
        TypeError,
        KeyError,
        AttributeError,
        OverflowError,
    ) as exc:
        raise RestoreError(f"Säkerhetskopian kunde inte läsas tillbaka, inget har ändrats: {exc}") from exc
    return RestoreResult(written=dict(written), skipped=skipped)


def _insert(objs: list[models.Model]) -> None:
    """Insert rows of one model as they are (a raw insert: no ``save()``, no defaults, no signals).

    The same insert as a deserialised object's raw ``save_base``, a batch at a time: restoring
    row by row costs a round trip per row (on PostgreSQL several times the whole restore).
    Nothing in the project listens to raw saves; simple-history ignores them.
    """
    if not objs:
        return
    from django.db import connection

    model = type(objs[0])
    fields = model._meta.local_concrete_fields
    size = max(1, connection.ops.bulk_batch_size(fields, objs))
    for start in range(0, len(objs), size):
        model._base_manager._insert(objs[start : start + size], fields=fields, raw=True)
    objs.clear()


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
