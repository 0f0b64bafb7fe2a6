"""The municipality's product catalogue and its duplicate decisions.

The app ships a catalogue of products used in Swedish schools (``portfolio/data/
product_catalogue.json``, read by :mod:`portfolio.analysis.catalogue`). A municipality extends it
with :class:`CatalogueProduct` rows — a local product, or more former names, aliases and domains
for a shipped one (a row with the same name as a shipped product extends it). A strateg who
decides that two registrations are *not* the same product records a :class:`DuplicateDecision`;
the duplicate finder then never joins that pair again while both records are unchanged.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords
from stdnum.se import orgnr

from portfolio.text import split_lines

from .base import SearchableModel

__all__ = ["CatalogueProduct", "DuplicateDecision"]

#: The two kinds of service a decision can name, as the duplicate finder spells them.
DECISION_SERVICE_TYPES = (("application", _("system")), ("learning_resource", _("lärresurs")))

_LINES_HELP = _("Ett per rad.")


class CatalogueProduct(SearchableModel):
    """One product of the municipality's own catalogue, or its extension of a shipped product.

    The list fields hold one value per line (read with :func:`portfolio.text.split_lines`), like
    a service's aliases, so the form, the import and the admin edit them the same way.
    """

    name = models.CharField(_("namn"), max_length=200, unique=True)
    former_names = models.TextField(
        _("tidigare namn"), blank=True, help_text=_("Namn som samma produkt hade tidigare, ett per rad.")
    )
    aliases = models.TextField(
        _("alias"), blank=True, help_text=_("Förkortningar och andra sätt att skriva namnet, ett per rad.")
    )
    family = models.CharField(
        _("produktfamilj"),
        max_length=200,
        blank=True,
        help_text=_("Produkter i samma familj visas för granskning, inte som samma produkt."),
    )
    vendor_name = models.CharField(_("leverantör"), max_length=200, blank=True)
    vendor_orgnr = models.CharField(_("leverantörens organisationsnummer"), max_length=11, blank=True)
    domains = models.TextField(
        _("domäner"), blank=True, help_text=_("Registrerbara domäner som skola24.se, en per rad.")
    )
    saml_entity_ids = models.TextField(_("SAML entity ID"), blank=True, help_text=_LINES_HELP)
    separate_qualifiers = models.TextField(
        _("tillägg som är egna produkter"),
        blank=True,
        help_text=_(
            "Ord efter produktnamnet som betecknar en egen produkt hos leverantören "
            "(t.ex. ”Whiteboard” hos Microsoft), ett per rad."
        ),
    )
    capability = models.ForeignKey(
        "portfolio.Capability",
        verbose_name=_("verksamhetsförmåga"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="catalogue_products",
    )
    source = models.TextField(_("källa"), blank=True, help_text=_("Varifrån uppgifterna kommer."))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("katalogprodukt")
        verbose_name_plural = _("katalogprodukter")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("portfolio:catalogueproduct_detail", args=[self.pk])

    def search_parts(self) -> list[str]:
        return [self.name, self.former_names, self.aliases, self.vendor_name, self.family]

    def clean(self) -> None:
        if self.vendor_orgnr:
            if not orgnr.is_valid(self.vendor_orgnr):
                raise ValidationError(
                    {"vendor_orgnr": _("Ogiltigt organisationsnummer (kontrollsiffran stämmer inte).")}
                )
            self.vendor_orgnr = orgnr.format(self.vendor_orgnr)
        self.domains = "\n".join(line.lower().removeprefix("www.") for line in split_lines(self.domains))


class DuplicateDecisionQuerySet(models.QuerySet):
    def in_force(self, records: Iterable) -> set[frozenset[tuple[str, int]]]:
        """The pairs among ``records`` decided "not the same product" whose records are unchanged.

        ``records`` are :class:`portfolio.analysis.duplicates.ServiceRecord`; a decision whose
        fingerprint no longer matches the two records (a name, alias, vendor, address or entity ID
        changed) is void: the records are no longer what was judged. One query.
        """
        from portfolio.analysis.duplicates import pair_fingerprint

        by_key = {record.key: record for record in records}
        pairs: set[frozenset[tuple[str, int]]] = set()
        if not by_key:
            return pairs
        for row in self.values_list("first_type", "first_id", "second_type", "second_id", "fingerprint"):
            first, second = by_key.get((row[0], row[1])), by_key.get((row[2], row[3]))
            if first is not None and second is not None and pair_fingerprint(first, second) == row[4]:
                pairs.add(frozenset((first.key, second.key)))
        return pairs


class DuplicateDecision(models.Model):
    """A person's decision that two registrations are *not* the same product.

    The pair is stored normalised (first < second). ``fingerprint`` hashes what the finder
    matched on when the decision was taken; when either record changes the decision stops
    applying and the finder may raise the pair again.
    """

    first_type = models.CharField(_("första tjänstens typ"), max_length=20, choices=DECISION_SERVICE_TYPES)
    first_id = models.PositiveIntegerField(_("första tjänstens id"))
    second_type = models.CharField(_("andra tjänstens typ"), max_length=20, choices=DECISION_SERVICE_TYPES)
    second_id = models.PositiveIntegerField(_("andra tjänstens id"))
    fingerprint = models.CharField(_("fingeravtryck"), max_length=64)
    reason = models.TextField(_("motivering"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("beslutad av"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("beslutad"), default=timezone.now)

    history = HistoricalRecords()
    objects = DuplicateDecisionQuerySet.as_manager()

    class Meta:
        verbose_name = _("beslut: inte samma produkt")
        verbose_name_plural = _("beslut: inte samma produkt")
        ordering = ["-decided_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["first_type", "first_id", "second_type", "second_id"],
                name="%(app_label)s_%(class)s_unique_pair",
                violation_error_message=_("Det finns redan ett beslut om detta par."),
            ),
            models.CheckConstraint(
                condition=Q(first_type__lt=models.F("second_type"))
                | Q(first_type=models.F("second_type"), first_id__lt=models.F("second_id")),
                name="%(app_label)s_%(class)s_ordered_pair",
                violation_error_message=_("Paret ska vara lagrat i ordning."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.first_type}:{self.first_id} ≠ {self.second_type}:{self.second_id}"

    @property
    def pair(self) -> frozenset[tuple[str, int]]:
        return frozenset(((self.first_type, self.first_id), (self.second_type, self.second_id)))

    @classmethod
    def for_records(cls, first, second, *, reason: str = "", decided_by=None) -> DuplicateDecision:
        """An unsaved decision about two :class:`~portfolio.analysis.duplicates.ServiceRecord`.

        Orders the pair and fingerprints both records as they are now; save it through
        :func:`portfolio.services.create_with_history` (or ``save()``) so history names the user.
        """
        from portfolio.analysis.duplicates import pair_fingerprint

        a, b = sorted((first, second), key=lambda record: record.key)
        if a.key == b.key:
            raise ValueError("a decision needs two different services")
        return cls(
            first_type=a.key[0],
            first_id=a.key[1],
            second_type=b.key[0],
            second_id=b.key[1],
            fingerprint=pair_fingerprint(a, b),
            reason=reason,
            decided_by=decided_by,
        )

