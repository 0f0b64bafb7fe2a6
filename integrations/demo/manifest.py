"""What the demo municipality contains, and where its defects were planted.

``build_demo`` returns a :class:`DemoManifest` so that tests of every analysis can assert that the
planted defects are found (and that the clean records produce nothing) without knowing how the demo
was built. Every defect is named by natural key — names for services, förvaltningsobjekt,
processing activities, contracts and vendors; tuples where a name alone is ambiguous. At ``scale``
N > 1 the defects are planted once per copy of the landscape, so each list holds N times as many
entries (names of the copies carry a district suffix, e.g. "Unikum Norrby").
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["DemoManifest"]


@dataclass
class DemoManifest:
    """The demo's counts and, per planted defect, the records that carry it."""

    #: Arguments the demo was built with.
    scale: int = 1
    seed: int = 1
    #: Rows created per model, keyed by model label ("portfolio.Application"), history rows excluded.
    counts: dict[str, int] = field(default_factory=dict)
    #: The huvudman's organisationsnummer (valid check digit).
    huvudman_organisation_number: str = ""

    # --- Landscape: duplicates, overlap, SSO (issue 4) ---
    #: Groups of names of one product registered several times (systems and learning resources
    #: mixed): case, diacritics, legal suffix, version, filler words, aliases, the same SAML entity
    #: ID, the same URL host. Test environments are not members: see ``test_environments``.
    duplicate_groups: list[list[str]] = field(default_factory=list)
    #: Systems that are test environments of another system ("TESTMILJÖ för …", "-test", "staging").
    test_environments: list[str] = field(default_factory=list)
    #: Test environment name → the name of the production system it is a test of.
    test_environment_of: dict[str, str] = field(default_factory=dict)
    #: Capability name (the leaf, e.g. "Närvaro och frånvaro") → the in-use services planted on it,
    #: more than one each (4 attendance systems, 3 learning platforms, …, plus their duplicates).
    overlapping_capabilities: dict[str, list[str]] = field(default_factory=dict)
    #: EXACTLY the services (systems and learning resources) outside single sign-on, i.e. matched by
    #: ``ServiceQuerySet.outside_sso()``: they log in with local accounts at the vendor.
    outside_sso: list[str] = field(default_factory=list)
    #: The subset of ``outside_sso`` with a large number of users (1,000 or more in total).
    outside_sso_large: list[str] = field(default_factory=list)
    #: Services claiming Skolfederation (``federation="skolfederation"``) with no SAML entity ID.
    federation_without_entity_id: list[str] = field(default_factory=list)

    # --- PM3 (issue 4) ---
    #: Förvaltningsobjekt with no objektägare role at all.
    objects_without_owner: list[str] = field(default_factory=list)
    #: Förvaltningsobjekt with no förvaltningsledare role at all.
    objects_without_management_lead: list[str] = field(default_factory=list)
    #: Förvaltningsobjekt with no objektledare IT role (they do have objektledare verksamhet).
    objects_without_object_lead: list[str] = field(default_factory=list)
    #: EXACTLY the in-use systems with no förvaltningsobjekt.
    systems_without_object: list[str] = field(default_factory=list)
    #: EXACTLY the systems with no systemägare role.
    systems_without_owner: list[str] = field(default_factory=list)
    #: (person name, role code, target name) of roles held by people marked inactive.
    roles_held_by_inactive_people: list[tuple[str, str, str]] = field(default_factory=list)
    #: (person name, role code, target name) of roles whose ``ends_on`` is before today.
    roles_past_end_date: list[tuple[str, str, str]] = field(default_factory=list)
    #: EXACTLY the förvaltningsobjekt with no approved ManagementPlan for the current year
    #: (one has a draft plan, one has no plan for the year at all).
    objects_without_approved_plan: list[str] = field(default_factory=list)
    #: (förvaltningsobjekt name, year): a budget (plan and budget costs) but no outcome cost that
    #: year. Clean objects have outcome costs for last year and (year to date) this year; next
    #: year's plan has a budget and naturally no outcome and is not listed.
    budgets_without_outcome: list[tuple[str, int]] = field(default_factory=list)
    #: Contracts ending so soon that their notice period has already begun (active, ends_on in
    #: the future, less than ``notice_months`` away).
    contracts_within_notice_period: list[str] = field(default_factory=list)
    #: EXACTLY the in-use systems whose ``planned_end`` has passed.
    systems_past_end_of_life: list[str] = field(default_factory=list)
    #: EXACTLY the in-use learning resources whose approval status is not "godkänd".
    resources_in_use_not_approved: list[str] = field(default_factory=list)
    #: Capability name → skolenheter that use no service with it while other schools do (equity).
    #: Every other school uses exactly one of the capability's main systems, not all the same one.
    schools_lacking_capability: dict[str, list[str]] = field(default_factory=dict)
    #: Capability name → skolenheter that have it through another system than their same-form peers
    #: (most run Unikum and SchoolSoft; these run Vklass, Google Classroom, Dexter or Skola24).
    schools_with_different_system: dict[str, list[str]] = field(default_factory=dict)

    # --- GDPR (issue 5): processing activities by name unless said otherwise ---
    #: Legal basis (Art. 6(1)) blank.
    activities_without_legal_basis: list[str] = field(default_factory=list)
    #: A nämnd relying on legitimate interests (f).
    activities_legitimate_interest: list[str] = field(default_factory=list)
    #: Consent (a) as the legal basis where pupils are data subjects.
    activities_consent_from_pupils: list[str] = field(default_factory=list)
    #: Special categories without an Art. 9(2) condition.
    activities_special_categories_without_condition: list[str] = field(default_factory=list)
    #: Two or more EDPB/IMY criteria (pupils count) or an Art. 35(3) case, and no completed DPIA
    #: (none at all, or one still in progress).
    activities_dpia_required_not_done: list[str] = field(default_factory=list)
    #: A DPIA with high residual risk and no prior consultation with IMY.
    activities_high_risk_without_consultation: list[str] = field(default_factory=list)
    #: Pupils with biometric data or systematic monitoring.
    activities_biometric_or_monitoring_pupils: list[str] = field(default_factory=list)
    #: Uses a service of an American vendor that is not DPF-listed, and records no Transfer at all.
    activities_us_processor_without_transfer: list[str] = field(default_factory=list)
    #: Records a Transfer with no mechanism.
    activities_transfer_without_mechanism: list[str] = field(default_factory=list)
    #: Records a Transfer under the Data Privacy Framework to a vendor that is not listed.
    activities_dpf_vendor_not_listed: list[str] = field(default_factory=list)
    #: Records a Transfer under standard contractual clauses without a TIA.
    activities_scc_without_tia: list[str] = field(default_factory=list)
    #: Contracts (by name) of vendors of personal-data services with no processor agreement
    #: (``dpa_signed_on`` empty); these vendors have no other contract.
    contracts_without_dpa: list[str] = field(default_factory=list)
    #: The vendors of ``contracts_without_dpa``, whose services are used in processing activities.
    vendors_without_dpa: list[str] = field(default_factory=list)
    #: Contracts with a signed processor agreement but no sub-processors listed.
    contracts_without_subprocessors: list[str] = field(default_factory=list)
    #: The vendors of ``contracts_without_subprocessors``.
    vendors_without_subprocessors: list[str] = field(default_factory=list)
    #: Protected identity (skyddade personuppgifter) without a recorded routine.
    activities_protected_identity_without_routine: list[str] = field(default_factory=list)
    #: No retention period, criteria or gallringsbeslut (all three blank).
    activities_without_retention: list[str] = field(default_factory=list)
    #: No security measures described.
    activities_without_security_measures: list[str] = field(default_factory=list)
    #: Profiling of pupils without an assessment.
    activities_automated_without_assessment: list[str] = field(default_factory=list)
    #: A joint controller named but no Art. 26 arrangement.
    activities_joint_controller_without_arrangement: list[str] = field(default_factory=list)
    #: EXACTLY the in-use services processing personal data that appear in no processing activity
    #: (systems and learning resources).
    services_without_record: list[str] = field(default_factory=list)
    #: Last reviewed more than a year ago (between 13 months and 4 years).
    activities_stale: list[str] = field(default_factory=list)
    #: Never reviewed (``last_reviewed_on`` empty).
    activities_never_reviewed: list[str] = field(default_factory=list)
    #: Personal identity numbers processed with no stated need.
    activities_personnummer_without_need: list[str] = field(default_factory=list)
    #: Purpose blank or a stock word ("Administration").
    activities_without_purpose: list[str] = field(default_factory=list)
    #: No data-subject categories, or no personal-data categories.
    activities_without_categories: list[str] = field(default_factory=list)
    #: Recipients not stated.
    activities_without_recipients: list[str] = field(default_factory=list)
    #: No controller (a draft record).
    activities_without_controller: list[str] = field(default_factory=list)
    #: Nämnder with no DPO contact (``dpo_contact`` blank).
    boards_without_dpo_contact: list[str] = field(default_factory=list)
    #: The processing activities whose controller is in ``boards_without_dpo_contact``.
    activities_of_boards_without_dpo: list[str] = field(default_factory=list)
    # --- GDPR as IMY applies it (issue 19) ---
    #: Legal obligation or public task citing a whole law, or nothing, instead of a provision.
    activities_legal_basis_provision_missing: list[str] = field(default_factory=list)
    #: No information to data subjects recorded, or information older than the last change.
    activities_data_subjects_not_informed: list[str] = field(default_factory=list)
    #: Monitoring without recorded limits, or around the clock without a reason.
    activities_monitoring_unlimited: list[str] = field(default_factory=list)
    #: A completed DPIA lacking Art. 35(7) parts or the DPO's advice, or older than the last change.
    activities_dpia_inadequate: list[str] = field(default_factory=list)
    #: Vendors processing pupils' or special-category data with no security review in the last
    #: twelve months (none, an old one, or one that failed them).
    vendors_security_not_reviewed: list[str] = field(default_factory=list)
    # --- The register of breaches (issue 19, art. 33.5) ---
    #: Titles of every breach of the demo's year (notified, late, without risk, one open).
    breaches: list[str] = field(default_factory=list)
    #: Breaches notified to IMY more than 72 hours after discovery with no reasons recorded.
    breaches_notified_late: list[str] = field(default_factory=list)
    #: The open breach whose 72 hours are still running at seed time (discovered 30 hours before).
    breach_clock_running: str = ""
    #: High-risk breaches not communicated to the data subjects and no Art. 34.3 exception.
    breaches_subjects_not_informed: list[str] = field(default_factory=list)
    #: Breaches whose Art. 33.5 facts are incomplete.
    breaches_undocumented: list[str] = field(default_factory=list)
    #: Processing activities (names) with a breach (not a defect of theirs: no "activities_" prefix).
    breach_activity_names: list[str] = field(default_factory=list)
    # --- Färdplan (issue 18), added by planning's demo extra ---
    #: The decided plan, halfway through its horizon.
    plan: str = ""
    #: Its actions' names by what they show: "done", "running", "overdue", "planned".
    plan_actions: dict[str, list[str]] = field(default_factory=dict)
    #: Processing activities carrying none of the defects above: complete, lawful, reviewed within
    #: the year, DPIA done where required, transfers with a mechanism (SCC with TIA), processors
    #: with agreements listing sub-processors. An analysis should report nothing about them.
    clean_activities: list[str] = field(default_factory=list)

    def planted_activity_names(self) -> set[str]:
        """Every processing activity named by any GDPR defect field."""
        names: set[str] = set()
        for name, value in vars(self).items():
            if name.startswith("activities_"):
                names.update(value)
        return names
