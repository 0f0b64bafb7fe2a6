"""Importing thousands of rows in seconds: Form validation without a query per row, writes in bulk.

The spreadsheet importer validates every row with the register's own Form and, row by row,
would spend its time in the database: each choice field looks its record up, the model checks
each foreign key again, each constraint is tried with a query, and each save is an INSERT, a
history INSERT and the links'. Nothing here changes *what* is checked, only where:

* :class:`KnownRecords` answers a choice field's and a foreign key's "does this record exist?"
  from the records the import has already read or created (one query per model, not per row).
  Whatever it does not hold — a filtered queryset, an unknown key — goes to Django's own check,
  so a wrong value gets Django's own error.
* The model's constraints (unique external id, check constraints) are left to the database,
  which enforces the same ``Meta.constraints``. :class:`BulkWriter` collects new records (with
  their links) and changed ones and writes them with their history in a few statements
  (``portfolio.services.create_with_history`` and ``update_with_history``). If the database
  refuses any of them, :class:`BulkWriteRefused` is raised and the importer runs the file again
  row by row, so the report then says row, column, value and reason exactly as the row-by-row
  import always has.
"""

from __future__ import annotations

import contextlib
import copy
from collections.abc import Iterable, Iterator
from typing import Any

from django import forms
from django.db import DatabaseError, models

from portfolio.services import create_with_history, update_with_history

__all__ = ["BulkWriteRefused", "BulkWriter", "KnownRecords", "bulk_capable"]


class BulkWriteRefused(Exception):
    """The database refused a bulk insert; nothing of it was kept. Redo the rows one by one."""


def bulk_capable(form_class: type) -> bool:
    """Whether new records of ``form_class`` can be written by :class:`BulkWriter`.

    Its links must all be history-keeping link models (``RegisterForm.link_fields``): a plain
    many-to-many field would need the record's primary key before it is written.
    """
    model = form_class._meta.model
    link_fields = getattr(form_class, "link_fields", {})
    fields = form_class._meta.fields or ()
    return all(f.name in link_fields for f in model._meta.many_to_many if f.name in fields)


def _links_of(form: forms.ModelForm) -> list[tuple[type[models.Model], str, str, list[models.Model]]]:
    """(link model, owner field, target field, targets) for each link field a valid ``form`` saves."""
    return [
        (through, owner_field, target_field, list(form.cleaned_data[name] or []))
        for name, (through, owner_field, target_field, *_kind) in getattr(form, "link_fields", {}).items()
        if name in form.cleaned_data and name in form.fields
    ]


class _SharedFields(dict):
    """A form class's fields that each form instance shares instead of deep-copying."""

    def __deepcopy__(self, memo: dict) -> dict:
        return dict(self)


class KnownRecords:
    """The records an import may point at, by model and primary key, read once per model.

    A record object the import itself holds (found by its look-ups or created by an earlier
    row) is trusted as it is, like Django trusts a model instance given to a choice field.
    """

    def __init__(self) -> None:
        self._by_model: dict[type[models.Model], dict[Any, models.Model]] = {}
        self._shared: dict[type, _SharedFields | None] = {}
        self._links: dict[tuple[type[models.Model], str], dict[Any, list[Any]]] = {}

    def find(self, model: type[models.Model], value: Any) -> models.Model | None:
        if isinstance(value, model):
            return value
        if isinstance(value, bool) or not isinstance(value, int):
            return None
        if model not in self._by_model:
            rows = model._base_manager.all()
            kind = getattr(model, "KIND", None)
            if kind is not None:  # a kind of service (a proxy): only the rows of that kind
                rows = rows.filter(kind=kind)
            self._by_model[model] = {obj.pk: obj for obj in rows}
        return self._by_model[model].get(value)

    def add(self, obj: models.Model) -> None:
        if obj.pk is None:
            return
        # A system is also a row of the service table that roles and costs point at.
        for model in {type(obj), type(obj)._meta.concrete_model}:
            if model in self._by_model:
                self._by_model[model][obj.pk] = obj

    def give_links(self, instance: models.Model, link_fields: dict[str, tuple]) -> None:
        """Give a stored ``instance`` its links, read for all records at once, as a prefetch would.

        Its Form's initial values and the comparison with the row read them; without this,
        each would be a query per row. Whoever changes links drops the instance's
        ``_prefetched_objects_cache`` and calls :meth:`note_links` (the importer does).
        """
        cache = instance.__dict__.setdefault("_prefetched_objects_cache", {})
        for name, (through, owner_field, target_field, *kind) in link_fields.items():
            if name in cache or kind:
                continue  # links of one service kind are not a relation of the model to fill
            key = (through, owner_field)
            if key not in self._links:
                by_owner: dict[Any, list[Any]] = {}
                rows = through._default_manager.values_list(f"{owner_field}_id", f"{target_field}_id")
                for owner, target in rows.order_by("pk"):
                    by_owner.setdefault(owner, []).append(target)
                self._links[key] = by_owner
            target_model = through._meta.get_field(target_field).related_model
            targets = [self.find(target_model, pk) for pk in self._links[key].get(instance.pk, [])]
            queryset = getattr(instance, name).all()  # not run: filled as prefetch_related fills it
            queryset._result_cache = targets
            queryset._prefetch_done = True
            cache[name] = queryset

    def note_links(self, form: forms.ModelForm) -> None:
        """Remember the links the saved ``form`` gave its record (a later row may read them)."""
        for through, owner_field, _target_field, targets in _links_of(form):
            self.note_link_targets(through, owner_field, form.instance.pk, targets)

    def note_link_targets(
        self, through: type[models.Model], owner_field: str, owner: Any, targets: list[models.Model]
    ) -> None:
        if (through, owner_field) in self._links:
            self._links[(through, owner_field)][owner] = [target.pk for target in targets]

    def form(self, form_class: type[forms.ModelForm], **kwargs: Any) -> forms.ModelForm:
        """``form_class(**kwargs)`` whose choice fields answer from memory.

        A Form deep-copies all its fields (widgets, choice lists) for every instance, which costs
        an import more than validating the row does. For a form class that neither changes its
        fields in ``__init__`` nor limits a choice field's records, the fields are copied once
        per import and shared by every row's form: validation reads fields, it does not change
        them. The form is still an instance of ``form_class``, with its every rule and message.
        """
        fields = self._shared_fields(form_class)
        if fields is None:
            form = form_class(**kwargs)
            for field in form.fields.values():
                self._bind_choice_field(field)
            return form
        form = form_class.__new__(form_class)
        form.base_fields = fields  # read by BaseForm.__init__ instead of the class's own
        form.__init__(**kwargs)
        del form.base_fields
        return form

    def _shared_fields(self, form_class: type[forms.ModelForm]) -> _SharedFields | None:
        if form_class not in self._shared:
            mro = form_class.__mro__
            own_init = any("__init__" in vars(c) for c in mro[: mro.index(forms.ModelForm)])
            limited = any(
                getattr(field, "get_limit_choices_to", lambda: None)()
                for field in form_class.base_fields.values()
            )
            fields = None
            if not own_init and not limited:
                fields = _SharedFields(copy.deepcopy(form_class.base_fields))
                for field in fields.values():
                    self._bind_choice_field(field)
            self._shared[form_class] = fields
        return self._shared[form_class]

    @contextlib.contextmanager
    def validating(self, form: forms.ModelForm, *, constraints_by_database: bool) -> Iterator[None]:
        """Validate ``form`` (made by :meth:`form`) with the foreign-key checks answered from memory.

        ``constraints_by_database``: leave the model's ``Meta.constraints`` to the database (only
        for a new record that :class:`BulkWriter` inserts, so that a violation is still caught).
        """
        instance = form.instance
        original_clean_fields = instance.clean_fields

        def clean_fields(exclude=None):
            exclude = set(exclude or ())
            for field in instance._meta.concrete_fields:
                if (
                    field.many_to_one
                    and field.name not in exclude
                    and not field.get_limit_choices_to()
                    and field.remote_field.field_name == field.related_model._meta.pk.name
                    and self.find(field.related_model, getattr(instance, field.attname)) is not None
                ):
                    exclude.add(field.name)  # the record exists: what ForeignKey.validate asks
            original_clean_fields(exclude=exclude)

        instance.clean_fields = clean_fields
        if constraints_by_database:
            instance.validate_constraints = lambda exclude=None: None
        try:
            yield
        finally:
            del instance.clean_fields
            instance.__dict__.pop("validate_constraints", None)

    def _bind_choice_field(self, field: forms.Field) -> None:
        if not isinstance(field, forms.ModelChoiceField) or field.queryset is None:
            return
        model = field.queryset.model
        # A kind of service (``Application.objects``) filters by kind only, as ``find`` does.
        limited = field.queryset.query.has_filters() and getattr(model, "KIND", None) is None
        if field.to_field_name not in (None, model._meta.pk.name) or limited:
            return  # chosen by another field, or limited choices: Django checks them itself
        if isinstance(field, forms.ModelMultipleChoiceField):
            django_clean = field.clean

            def clean_many(value):
                if not value and not field.required:
                    return []  # Django's queryset.none(), without compiling a query to learn it is empty
                if not isinstance(value, (list, tuple)) or not value:
                    return django_clean(value)
                records = [self.find(model, item) for item in value]
                if any(record is None for record in records):
                    return django_clean(value)
                field.run_validators(value)
                unique = {(r.pk if r.pk is not None else id(r)): r for r in records}
                return list(unique.values())

            field.clean = clean_many
        else:
            django_to_python = field.to_python

            def to_python(value):
                if value in field.empty_values:
                    return None
                record = self.find(model, value)
                return record if record is not None else django_to_python(value)

            field.to_python = to_python


def _referenced_first(models_: Iterable[type[models.Model]]) -> list[type[models.Model]]:
    """``models_`` ordered so that each comes after those of them its foreign keys point at."""
    models_ = list(models_)
    among = set(models_)
    ordered: list[type[models.Model]] = []

    def visit(model: type[models.Model]) -> None:
        if model in ordered:
            return
        for field in model._meta.concrete_fields:
            if field.many_to_one and field.related_model in among and field.related_model is not model:
                visit(field.related_model)
        ordered.append(model)

    for model in models_:
        visit(model)
    return ordered


class BulkWriter:
    """Collects an import's new records (with their links) and changed ones; writes them in bulk.

    Records are inserted model by model, each after the models it points at, so a vendor created
    for row 3 is written before the system of row 3 that points at it. ``flush`` writes
    what is collected; the importer calls it before any row that needs a collected record to
    be in the database (an update of it, a save row by row) and at the end of the file.
    """

    def __init__(self, *, user, reason: str, known: KnownRecords) -> None:
        self.user = user
        self.reason = reason
        self.known = known
        self._pending: dict[type[models.Model], list[models.Model]] = {}
        self._updates: dict[type[models.Model], list[models.Model]] = {}
        self._pending_ids: set[int] = set()
        #: (record, link model, owner field, targets) of the links collected, noted once written
        self._new_links: list[tuple[models.Model, type[models.Model], str, list[models.Model]]] = []
        #: (model, key) of the stored records with a change waiting, whichever object holds it
        self._updated_keys: set[tuple[type[models.Model], Any]] = set()

    @property
    def pending(self) -> bool:
        return bool(self._pending_ids)

    def is_pending(self, obj: Any) -> bool:
        """Whether ``obj`` (or another object for the same stored record) waits for ``flush``."""
        if id(obj) in self._pending_ids:
            return True
        return getattr(obj, "pk", None) is not None and (type(obj), obj.pk) in self._updated_keys

    def create(self, form: forms.ModelForm) -> models.Model:
        """Collect the new record of the valid ``form`` and its links, as ``save_form`` would save them."""
        instance = form.save(commit=False)
        self._collect(instance)
        for through, owner_field, target_field, targets in _links_of(form):
            for target in targets:
                self._collect(through(**{owner_field: instance, target_field: target}))
            self._new_links.append((instance, through, owner_field, targets))
        return instance

    def update(self, form: forms.ModelForm) -> models.Model:
        """Collect the changed stored record of the valid ``form`` (its links unchanged)."""
        instance = form.save(commit=False)
        self._updates.setdefault(type(instance), []).append(instance)
        self._pending_ids.add(id(instance))
        self._updated_keys.add((type(instance), instance.pk))
        return instance

    def _collect(self, obj: models.Model) -> None:
        self._pending.setdefault(type(obj), []).append(obj)
        self._pending_ids.add(id(obj))

    def flush(self) -> None:
        """Insert everything collected, with history; raise :class:`BulkWriteRefused` if refused."""
        if not self._pending_ids:
            return
        pending, updates, new_links = self._pending, self._updates, self._new_links
        self._pending, self._updates, self._pending_ids, self._updated_keys = {}, {}, set(), set()
        self._new_links = []
        try:
            for model in _referenced_first(pending):
                # A record pointing at one inserted a moment ago (a link at its system, a system at
                # its new vendor) takes that one's key: bulk_create reads it from the related object.
                objs = pending[model]
                create_with_history(objs, user=self.user, reason=self.reason)
                for obj in objs:
                    self.known.add(obj)
            for objs in updates.values():
                # After the inserts: a changed record may now point at a new vendor.
                update_with_history(objs, user=self.user, reason=self.reason)
        except DatabaseError as exc:
            raise BulkWriteRefused(str(exc)) from exc
        for instance, through, owner_field, targets in new_links:
            self.known.note_link_targets(through, owner_field, instance.pk, targets)
