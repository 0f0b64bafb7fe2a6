"""The form that starts a review round."""

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from stewardship.models import ReviewKind, ReviewRound

__all__ = ["RoundForm"]

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class RoundForm(forms.ModelForm):
    """Name, dates and kinds, plus one filter per kind written as in the register's list URL.

    The filter text is what follows ``?`` in a register list's address (for example
    ``lifecycle_status=i_drift&management_object=3``), so a selection made on a list page can be
    pasted here; it is checked by the kind's own FilterSet when the round starts.
    """

    filter_application = forms.CharField(label=_("Urval av system"), required=False)
    filter_learning_resource = forms.CharField(label=_("Urval av lärresurser"), required=False)
    filter_management_object = forms.CharField(label=_("Urval av förvaltningsobjekt"), required=False)
    filter_processing_activity = forms.CharField(label=_("Urval av behandlingar"), required=False)

    class Meta:
        model = ReviewRound
        fields = ["name", "start", "deadline", "reminder_days", "kinds"]
        widgets = {"start": DATE_WIDGET, "deadline": DATE_WIDGET}

    def __init__(self, *args, allowed_kinds: list[str] | None = None, **kwargs):
        """``allowed_kinds``: the kinds offered (those the user may change); all when ``None``."""
        super().__init__(*args, **kwargs)
        self.fields["kinds"].required = True
        allowed = [k.value for k in ReviewKind] if allowed_kinds is None else list(allowed_kinds)
        self.fields["kinds"].choices = [(k.value, k.label) for k in ReviewKind if k.value in allowed]
        for kind in ReviewKind:
            if kind.value not in allowed:
                del self.fields[f"filter_{kind.value}"]
        if not self.is_bound:
            today = timezone.localdate()
            self.initial.setdefault("name", _("Årlig genomgång %(year)s") % {"year": today.year})
            self.initial.setdefault("start", today)
            self.initial.setdefault("deadline", today + datetime.timedelta(days=30))
            # Coming from a list page's "Granska urvalet": only the kinds whose selection was carried.
            carried = [k for k in allowed if self.initial.get(f"filter_{k}")]
            self.initial.setdefault("kinds", carried or allowed)
        for kind in ReviewKind:
            if f"filter_{kind.value}" not in self.fields:
                continue
            self.fields[f"filter_{kind.value}"].help_text = _(
                "Som efter ? i registerlistans adress, t.ex. lifecycle_status=i_drift. Tomt = alla."
            )

    def selection_filters(self) -> dict[str, str]:
        return {
            kind.value: self.cleaned_data.get(f"filter_{kind.value}", "").strip()
            for kind in ReviewKind
            if self.cleaned_data.get(f"filter_{kind.value}", "").strip()
        }
