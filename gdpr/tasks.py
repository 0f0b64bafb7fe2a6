"""Background tasks of the GDPR record (run by the task worker; see docs/architecture.md)."""

from django_tasks import task

from gdpr.subject_rights import departed_people, erase_person

__all__ = ["erase_departed_people_task", "send_breach_report_task"]


@task()
def send_breach_report_task(breach_id: int) -> int:
    """Tell the dataskyddssamordnare of a reported breach by e-mail (enqueued when the report commits)."""
    from gdpr.breaches import send_breach_report

    return send_breach_report(breach_id)


@task()
def erase_departed_people_task() -> int:
    """Pseudonymise everyone kept longer than ``PERSON_RETENTION_DAYS`` after they left (Art. 5.1 e).

    Run nightly; returns how many people were erased. Each erasure is its own transaction and is
    recorded as a PersonErasure with the reason "Gallring".
    """
    people = departed_people()
    for person in people:
        erase_person(person.email, reason="Gallring efter PERSON_RETENTION_DAYS (art. 5.1 e)")
    return len(people)
