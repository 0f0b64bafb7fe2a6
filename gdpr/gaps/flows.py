"""Rules that read data flows: personal data leaving the organisation must be in the record.

Also :func:`activity_flows`, the query helper that lists the data flows of the systems and
learning resources a processing activity is carried out in (for its page and its export).

The rule reads the flows with ONE query of its own over every service in the context, so the
cost of ``find_gaps`` stays constant whatever the number of activities and flows.
"""

from collections import defaultdict
from collections.abc import Iterable, Iterator

from django.utils.translation import gettext_lazy as _

from gdpr.models import ProcessingActivity, ProcessingActivityService
from portfolio.models import DataFlow
from portfolio.text import fold

from .base import Context, GapFinding, Rule, Severity, TargetType, register

__all__ = ["ExternalFlowNotInRecipients", "activity_flows", "names_recipient"]


def activity_flows(activities: Iterable[ProcessingActivity] | None = None) -> dict[int, list[DataFlow]]:
    """activity pk → the data flows in or out of its systems and learning resources (three queries)."""
    activity_ids = None if activities is None else [a.pk for a in activities]
    links = ProcessingActivityService.objects.all()
    if activity_ids is not None:
        links = links.filter(processing_activity__in=activity_ids)
    by_service: dict[int, set[int]] = defaultdict(set)
    for activity_id, service_id in links.values_list("processing_activity_id", "service_id"):
        by_service[service_id].add(activity_id)
    flows = DataFlow.objects.touching(by_service).select_related("source_service", "target_service")
    result: dict[int, list[DataFlow]] = defaultdict(list)
    for flow in flows.order_by("name", "pk"):
        owners = by_service.get(flow.source_service_id, set()) | by_service.get(flow.target_service_id, set())
        for activity_id in sorted(owners):
            result[activity_id].append(flow)
    return dict(result)


def names_recipient(recipients: str, recipient: str) -> bool:
    """Whether the record's ``recipients`` text names ``recipient`` (case-folded, as a phrase)."""
    wanted = fold(recipient)
    return bool(wanted) and wanted in fold(recipients)


@register
class ExternalFlowNotInRecipients(Rule):
    """A flow that carries personal data out of the organisation discloses it to a recipient, which
    Art. 30(1)(d) wants named in the record: the flow register shows what the record forgot."""

    code = "EXTERNAL_FLOW_NOT_IN_RECIPIENTS"
    title = _("Dataflöde till extern mottagare saknas bland mottagarna")
    severity = Severity.MEDIUM
    basis = _("Art. 30.1 d")
    fix = _(
        "Lägg till mottagaren i behandlingens mottagare, eller rätta dataflödet om det inte för "
        "personuppgifter."
    )
    field = "recipients"

    def check(self, ctx: Context) -> Iterator[GapFinding]:
        app_ids = {pk for pks in ctx.activity_applications.values() for pk in pks}
        lr_ids = {pk for pks in ctx.activity_learning_resources.values() for pk in pks}
        if not app_ids and not lr_ids:
            return
        flows = DataFlow.objects.carrying_personal_data().leaving_organisation().order_by("name", "pk")
        if not ctx.whole_register:
            # Over the whole register nearly every service is in some record: a list of them all
            # would cost more to send than the few flows it leaves out.
            flows = flows.filter(source_service__in=app_ids | lr_ids)
        # Each record meets only the flows of its own services, in the flows' order.
        flows_of: dict[int, list[tuple[int, DataFlow]]] = {}
        for index, flow in enumerate(flows):
            flows_of.setdefault(flow.source_service_id, []).append((index, flow))
        for activity in ctx.activities:
            apps = set(ctx.activity_applications.get(activity.pk, []))
            lrs = set(ctx.activity_learning_resources.get(activity.pk, []))
            for _index, flow in sorted(
                (pair for pk in apps | lrs for pair in flows_of.get(pk, ())), key=lambda pair: pair[0]
            ):
                if names_recipient(activity.recipients, flow.target_external):
                    continue
                service = ctx.applications.get(flow.source_service_id) or ctx.learning_resources.get(
                    flow.source_service_id
                )
                is_system = flow.source_service_id in apps
                kind = TargetType.APPLICATION if is_system else TargetType.LEARNING_RESOURCE
                yield self.finding(
                    target_type=TargetType.PROCESSING_ACTIVITY,
                    target_id=activity.pk,
                    target_name=activity.name,
                    explanation=_(
                        "Dataflödet ”%(flow)s” skickar personuppgifter från %(service)s till "
                        "”%(recipient)s”, som inte står bland behandlingens mottagare."
                    )
                    % {"flow": flow.name, "service": service or "", "recipient": flow.target_external},
                    activity_id=activity.pk,
                    activity_name=activity.name,
                    services=((str(kind), flow.source_service_id),),
                )
