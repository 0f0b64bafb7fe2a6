"""Every defect the DemoManifest names is in the data, checked with plain ORM conditions.

The analyses (duplicates, SSO, PM3, GDPR gaps) are tested elsewhere against this manifest; here
the manifest itself is held to the data, so that "the analysis finds the planted defect" means
something. Fields documented as EXACT are compared both ways.
"""

import datetime
from collections import Counter

import pytest
from django.db.models import Count, Q
from django.utils import timezone

from gdpr.choices import DpiaStatus, LegalBasis, ResidualRisk, TransferMechanism
from gdpr.models import Dpia, ProcessingActivity, Transfer
from portfolio import models as pm
from portfolio.choices import ApprovalStatus, CostKind, Federation, PlanStatus, RoleChoices
from portfolio.text import strip_diacritics

pytestmark = pytest.mark.django_db


def services(**filters) -> set[str]:
    names = set(pm.Application.objects.filter(**filters).values_list("name", flat=True))
    return names | set(pm.LearningResource.objects.filter(**filters).values_list("name", flat=True))


def service_names(queryset_method: str) -> set[str]:
    return {
        *getattr(pm.Application.objects, queryset_method)().values_list("name", flat=True),
        *getattr(pm.LearningResource.objects, queryset_method)().values_list("name", flat=True),
    }


def activities(names) -> list[ProcessingActivity]:
    found = list(ProcessingActivity.objects.filter(name__in=names))
    assert len(found) == len(names) > 0
    return found


#
# Landscape
#


def test_at_least_ten_duplicate_groups_across_systems_and_learning_resources(built):
    manifest, _user = built
    assert len(manifest.duplicate_groups) >= 10
    kinds = set()
    for group in manifest.duplicate_groups:
        assert len(group) >= 2
        apps = set(pm.Application.objects.filter(name__in=group).values_list("name", flat=True))
        lrs = set(pm.LearningResource.objects.filter(name__in=group).values_list("name", flat=True))
        assert apps | lrs == set(group)
        kinds.add((bool(apps), bool(lrs)))
    assert (True, True) in kinds, "one group spans a system and a learning resource"


def test_duplicate_groups_use_every_kind_of_variation(built):
    manifest, _user = built
    names = [n for group in manifest.duplicate_groups for n in group]
    assert any(n.isupper() for n in names), "case"
    assert any(n.endswith((" AB", " Inc", " AS")) for n in names), "legal suffix"
    assert any(any(c.isdigit() for c in n.split()[-1]) and "." in n for n in names), "version number"
    assert any(n.endswith((" app", " för skolan")) for n in names), "filler words"
    assert any(strip_diacritics(a) == b for a in names for b in names if a != b), "diacritics"
    with_alias = pm.LearningResource.objects.filter(name__in=names).exclude(aliases="")
    assert with_alias.exists(), "aliases"
    shared_entity = (
        pm.Application.objects.filter(name__in=names)
        .exclude(saml_entity_ids="")
        .values("saml_entity_ids")
        .annotate(n=Count("pk"))
        .filter(n__gte=2)
    )
    assert shared_entity.exists(), "same SAML entity ID"
    cross = next(g for g in manifest.duplicate_groups if "Google Classroom" in g)
    urls = [*pm.Application.objects.filter(name__in=cross).values_list("url", flat=True)]
    urls += pm.LearningResource.objects.filter(name__in=cross).values_list("url", flat=True)
    assert len(urls) == 2 and len({url.split("/")[2] for url in urls}) == 1, "same host"


def test_test_environments_are_named_as_such_and_belong_to_a_product(built):
    manifest, _user = built
    assert len(manifest.test_environments) >= 3
    for name in manifest.test_environments:
        env = pm.Application.objects.get(name=name)
        product = pm.Application.objects.get(name=manifest.test_environment_of[name])
        assert env.vendor_id == product.vendor_id
        lowered = name.lower()
        assert "testmiljö" in lowered or "-test" in lowered or " test" in lowered or "staging" in lowered
        assert not any(name in group for group in manifest.duplicate_groups)


def test_several_systems_serve_attendance_and_learning_platform(built):
    manifest, _user = built
    attendance = pm.Application.objects.in_use().filter(capabilities__name="Närvaro och frånvaro")
    platform = pm.Application.objects.in_use().filter(capabilities__name="Lärplattform")
    assert attendance.values("vendor").distinct().count() >= 4
    assert platform.values("vendor").distinct().count() >= 3
    for capability, names in manifest.overlapping_capabilities.items():
        assert len(names) >= 2
        assert services(name__in=names, capabilities__name=capability) == set(names)


def test_outside_sso_is_exactly_the_services_logging_in_with_local_accounts(built):
    manifest, _user = built
    assert service_names("outside_sso") == set(manifest.outside_sso)
    assert set(manifest.outside_sso_large) <= set(manifest.outside_sso)
    assert len(manifest.outside_sso_large) >= 5
    for model in (pm.Application, pm.LearningResource):
        for service in model.objects.with_user_count().filter(name__in=manifest.outside_sso_large):
            assert service.user_count >= 1000, service.name
    assert len(manifest.outside_sso) < 0.1 * (
        pm.Application.objects.count() + pm.LearningResource.objects.count()
    )


def test_federation_claims_without_entity_id_are_exactly_the_planted_ones(built):
    manifest, _user = built
    assert services(federation=Federation.SKOLFEDERATION, saml_entity_ids="") == set(
        manifest.federation_without_entity_id
    )
    assert len(manifest.federation_without_entity_id) >= 2


#
# PM3
#


def objects_without(role: str) -> set[str]:
    holding = pm.RoleAssignment.objects.filter(role=role).values("management_object")
    return set(pm.ManagementObject.objects.exclude(pk__in=holding).values_list("name", flat=True))


def test_objects_without_owner_or_leads_are_exactly_the_planted_ones(built):
    manifest, _user = built
    assert objects_without(RoleChoices.OBJECT_OWNER) == set(manifest.objects_without_owner) != set()
    assert (
        objects_without(RoleChoices.MANAGEMENT_LEAD) == set(manifest.objects_without_management_lead) != set()
    )
    assert objects_without(RoleChoices.OBJECT_LEAD_IT) == set(manifest.objects_without_object_lead) != set()


def test_systems_without_object_or_owner_are_exactly_the_planted_ones(built):
    manifest, _user = built
    no_object = pm.Application.objects.in_use().filter(management_object__isnull=True)
    assert set(no_object.values_list("name", flat=True)) == set(manifest.systems_without_object) != set()
    owners = pm.RoleAssignment.objects.filter(role=RoleChoices.SYSTEM_OWNER).values("service")
    no_owner = pm.Application.objects.exclude(pk__in=owners)
    assert set(no_owner.values_list("name", flat=True)) == set(manifest.systems_without_owner) != set()


def test_roles_of_inactive_people_and_past_their_end_date(built):
    manifest, _user = built
    today = timezone.localdate()
    inactive = pm.RoleAssignment.objects.filter(person__active=False).select_related("person", "service")
    assert {(r.person.name, r.role, str(r.target)) for r in inactive} == set(
        manifest.roles_held_by_inactive_people
    )
    ended = pm.RoleAssignment.objects.filter(ends_on__lt=today).select_related("person", "service")
    assert {(r.person.name, r.role, str(r.target)) for r in ended} == set(manifest.roles_past_end_date)
    assert manifest.roles_held_by_inactive_people and manifest.roles_past_end_date


def test_objects_without_an_approved_plan_this_year_are_exactly_the_planted_ones(built):
    manifest, _user = built
    approved = pm.ManagementPlan.objects.filter(year=timezone.localdate().year, status=PlanStatus.APPROVED)
    lacking = pm.ManagementObject.objects.exclude(pk__in=approved.values("management_object"))
    assert set(lacking.values_list("name", flat=True)) == set(manifest.objects_without_approved_plan)
    assert len(manifest.objects_without_approved_plan) == 2


def test_budget_without_outcome_is_exactly_the_planted_objects_and_years(built):
    manifest, _user = built
    year = timezone.localdate().year
    found = set()
    for obj in pm.ManagementObject.objects.all():
        for y in (year - 1, year):
            budget = obj.costs.filter(year=y, kind=CostKind.BUDGET).exists()
            outcome = obj.costs.filter(year=y, kind=CostKind.OUTCOME).exists()
            if budget and not outcome:
                found.add((obj.name, y))
    assert found == set(manifest.budgets_without_outcome) != set()
    for name, y in manifest.budgets_without_outcome:
        assert pm.ManagementPlan.objects.get(management_object__name=name, year=y).budget_total > 0


def test_contracts_in_their_notice_period(built):
    manifest, _user = built
    today = timezone.localdate()
    inside = {
        c.name for c in pm.Contract.objects.active() if c.notice_deadline and c.notice_deadline <= today
    }
    assert inside == set(manifest.contracts_within_notice_period)
    assert len(inside) == 3
    for contract in pm.Contract.objects.filter(name__in=inside):
        assert today < contract.ends_on


def test_systems_past_end_of_life_and_unapproved_resources_in_use(built):
    manifest, _user = built
    today = timezone.localdate()
    past = pm.Application.objects.in_use().filter(planned_end__lt=today)
    assert set(past.values_list("name", flat=True)) == set(manifest.systems_past_end_of_life) != set()
    unapproved = pm.LearningResource.objects.in_use().exclude(approval_status=ApprovalStatus.APPROVED)
    assert (
        set(unapproved.values_list("name", flat=True)) == set(manifest.resources_in_use_not_approved) != set()
    )


def test_schools_lacking_a_capability_every_other_school_has(built):
    manifest, _user = built
    schools = set(pm.Organisation.objects.school_units().values_list("name", flat=True))
    assert manifest.schools_lacking_capability
    for capability, lacking in manifest.schools_lacking_capability.items():
        having = set(
            pm.ServiceUsage.objects.filter(
                service__kind="application", service__capabilities__name=capability,
                service__lifecycle_status__in=["i_drift"],
            ).values_list("organisation__name", flat=True)
        ) | set(
            pm.ServiceUsage.objects.filter(
                service__kind="learning_resource", service__capabilities__name=capability
            ).values_list("organisation__name", flat=True)
        )
        assert lacking and not set(lacking) & having
        assert schools - set(lacking) <= having
    # Not all the same system: schools run different learning platforms.
    per_system = (
        pm.ServiceUsage.objects.filter(
            service__kind="application", service__capabilities__name="Lärplattform",
            organisation__kind="skolenhet",
        )
        .values("service")
        .annotate(n=Count("pk"))
    )
    assert per_system.count() >= 3


#
# GDPR
#


def test_records_without_legal_basis_or_with_an_unfit_one(built):
    manifest, _user = built
    assert set(ProcessingActivity.objects.filter(legal_basis="").values_list("name", flat=True)) == set(
        manifest.activities_without_legal_basis
    )
    for a in activities(manifest.activities_legitimate_interest):
        assert a.legal_basis == LegalBasis.LEGITIMATE_INTERESTS and a.controller.kind == "namnd"
    for a in activities(manifest.activities_consent_from_pupils):
        assert a.legal_basis == LegalBasis.CONSENT and "elever" in a.data_subject_categories


def test_special_categories_without_condition(built):
    manifest, _user = built
    for a in activities(manifest.activities_special_categories_without_condition):
        assert a.special_categories and not a.special_category_condition


def test_impact_assessments_required_but_not_done_and_high_risk_without_consultation(built):
    manifest, _user = built
    for a in activities(manifest.activities_dpia_required_not_done):
        criteria = [
            a.special_categories or a.criminal_offence_data,
            a.large_scale,
            a.combines_datasets,
            a.profiling,
            a.systematic_monitoring,
            a.involves_children or "elever" in a.data_subject_categories,
        ]
        assert sum(bool(c) for c in criteria) >= 2
        assert not a.dpias.filter(status=DpiaStatus.COMPLETED).exists()
    for a in activities(manifest.activities_high_risk_without_consultation):
        assert a.dpias.filter(residual_risk=ResidualRisk.HIGH, prior_consultation_on__isnull=True).exists()
    assert (
        not Dpia.objects.filter(residual_risk=ResidualRisk.HIGH)
        .exclude(processing_activity__name__in=manifest.activities_high_risk_without_consultation)
        .exists()
    )


def test_biometrics_and_monitoring_of_pupils(built):
    manifest, _user = built
    found = activities(manifest.activities_biometric_or_monitoring_pupils)
    assert any("biometriska" in a.special_categories for a in found)
    assert any(a.systematic_monitoring for a in found)
    assert all("elever" in a.data_subject_categories for a in found)


def test_american_processors_and_transfer_mechanisms(built):
    manifest, _user = built
    for a in activities(manifest.activities_us_processor_without_transfer):
        assert not a.transfers.exists()
        assert a.services.filter(
            kind="learning_resource", vendor__country="US", vendor__dpf_listed=False
        ).exists()
    for a in activities(manifest.activities_transfer_without_mechanism):
        assert a.transfers.filter(mechanism="").exists()
    for a in activities(manifest.activities_dpf_vendor_not_listed):
        assert a.transfers.filter(mechanism=TransferMechanism.DPF).exists()
        assert a.services.filter(
            kind="learning_resource", vendor__country="US", vendor__dpf_listed=False
        ).exists()
    for a in activities(manifest.activities_scc_without_tia):
        assert a.transfers.filter(mechanism=TransferMechanism.SCC, tia_done=False).exists()
    planted = set(manifest.activities_transfer_without_mechanism) | set(manifest.activities_scc_without_tia)
    planted |= set(manifest.activities_dpf_vendor_not_listed)
    unlawful = Transfer.objects.filter(Q(mechanism="") | Q(mechanism=TransferMechanism.SCC, tia_done=False))
    assert set(unlawful.values_list("processing_activity__name", flat=True)) <= planted


def test_processors_without_agreement_or_sub_processors(built):
    manifest, _user = built
    missing = pm.Contract.objects.filter(dpa_signed_on__isnull=True).filter(
        services__processes_personal_data=True
    )
    assert set(missing.values_list("name", flat=True)) == set(manifest.contracts_without_dpa) != set()
    for vendor in pm.Vendor.objects.filter(name__in=manifest.vendors_without_dpa):
        assert not vendor.contracts.filter(dpa_signed_on__isnull=False).exists()
        assert ProcessingActivity.objects.filter(
            services__kind="application", services__vendor=vendor
        ).exists()
    bare = pm.Contract.objects.filter(dpa_signed_on__isnull=False, subprocessors="")
    assert set(bare.values_list("name", flat=True)) == set(manifest.contracts_without_subprocessors) != set()
    assert set(bare.values_list("vendor__name", flat=True)) == set(manifest.vendors_without_subprocessors)


def test_record_content_gaps(built):
    manifest, _user = built
    for a in activities(manifest.activities_protected_identity_without_routine):
        assert a.protected_identity and not a.protected_identity_routine
    for a in activities(manifest.activities_without_retention):
        assert not (a.retention_period or a.retention_criteria or a.retention_decision)
    for a in activities(manifest.activities_without_security_measures):
        assert not a.security_measures
    for a in activities(manifest.activities_automated_without_assessment):
        assert (a.profiling or a.automated_decisions) and not a.automated_decision_assessment
        assert "elever" in a.data_subject_categories
    for a in activities(manifest.activities_joint_controller_without_arrangement):
        assert a.joint_controller and not a.joint_arrangement
    for a in activities(manifest.activities_personnummer_without_need):
        assert a.personal_identity_numbers and not a.personal_identity_number_need
    for a in activities(manifest.activities_without_purpose):
        assert len(a.purposes.split()) < 3
    for a in activities(manifest.activities_without_categories):
        assert not a.data_subject_categories or not a.personal_data_categories
    for a in activities(manifest.activities_without_recipients):
        assert not a.recipients
    for a in activities(manifest.activities_without_controller):
        assert a.controller_id is None


def test_stale_and_never_reviewed_records(built):
    manifest, _user = built
    year_ago = timezone.localdate() - datetime.timedelta(days=365)
    stale = ProcessingActivity.objects.filter(last_reviewed_on__lt=year_ago)
    assert set(stale.values_list("name", flat=True)) == set(manifest.activities_stale) != set()
    never = ProcessingActivity.objects.filter(last_reviewed_on__isnull=True)
    assert set(never.values_list("name", flat=True)) == set(manifest.activities_never_reviewed) != set()


def test_board_without_dpo_contact_and_its_records(built):
    manifest, _user = built
    boards = pm.Organisation.objects.controllers()
    assert set(boards.filter(dpo_contact="").values_list("name", flat=True)) == set(
        manifest.boards_without_dpo_contact
    )
    assert {a.name for a in activities(manifest.activities_of_boards_without_dpo)} == set(
        ProcessingActivity.objects.filter(controller__dpo_contact="").values_list("name", flat=True)
    )
    assert all(board.contact_email for board in boards)


def test_services_without_record_are_exactly_the_planted_ones(built):
    manifest, _user = built
    unrecorded = set(
        pm.Application.objects.in_use()
        .processing_personal_data()
        .filter(processing_activities__isnull=True)
        .values_list("name", flat=True)
    ) | set(
        pm.LearningResource.objects.in_use()
        .processing_personal_data()
        .filter(processing_activities__isnull=True)
        .values_list("name", flat=True)
    )
    assert unrecorded == set(manifest.services_without_record) != set()


def test_clean_records_are_the_majority_and_carry_none_of_the_defects(built):
    manifest, _user = built
    clean = ProcessingActivity.objects.filter(name__in=manifest.clean_activities)
    assert clean.count() == len(manifest.clean_activities) > ProcessingActivity.objects.count() / 2
    assert not set(manifest.clean_activities) & manifest.planted_activity_names()
    year_ago = timezone.localdate() - datetime.timedelta(days=365)
    assert not clean.filter(
        Q(legal_basis__in=["", LegalBasis.CONSENT, LegalBasis.LEGITIMATE_INTERESTS])
        | Q(controller__isnull=True)
        | Q(controller__dpo_contact="")
        | Q(recipients="")
        | Q(security_measures="")
        | Q(last_reviewed_on__isnull=True)
        | Q(last_reviewed_on__lt=year_ago)
        | Q(protected_identity=True, protected_identity_routine="")
        | Q(personal_identity_numbers=True, personal_identity_number_need="")
        | ~Q(joint_controller="") & Q(joint_arrangement="")
        | ~Q(special_categories="") & Q(special_category_condition="")
        | Q(systematic_monitoring=True)
    ).exists()
    assert (
        not Transfer.objects.filter(processing_activity__in=clean)
        .filter(Q(mechanism="") | Q(mechanism=TransferMechanism.SCC, tia_done=False))
        .exists()
    )
    # Every American vendor a clean record uses has a transfer to the US with a mechanism.
    for activity in clean:
        uses_us = (
            activity.services.filter(kind="application", vendor__country="US").exists()
            or activity.services.filter(kind="learning_resource", vendor__country="US").exists()
        )
        if uses_us:
            assert activity.transfers.filter(country="US").exclude(mechanism="").exists(), activity.name


def test_schools_running_another_system_than_their_peers(built):
    manifest, _user = built
    assert set(manifest.schools_with_different_system) == {"Lärplattform", "Närvaro och frånvaro"}
    for capability, names in manifest.schools_with_different_system.items():
        assert names
        for school in pm.Organisation.objects.filter(name__in=names):
            own = set(
                pm.ServiceUsage.objects.filter(
                    organisation=school, service__kind="application", service__capabilities__name=capability
                ).values_list("service__name", flat=True)
            )
            peers = pm.ServiceUsage.objects.filter(
                organisation__school_form=school.school_form,
                service__kind="application",
                service__capabilities__name=capability,
            ).exclude(organisation=school)
            most_used = Counter(peers.values_list("service__name", flat=True)).most_common(1)[0][0]
            assert own and most_used not in own, school.name
