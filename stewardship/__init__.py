"""Keeping the register alive: completeness, the yearly review round (årshjul), the public page.

``stewardship`` sits beside ``integrations`` in the dependency direction: it reads ``portfolio``
and ``gdpr`` and composes them; only ``config`` and ``insights`` import it.
"""


def completeness_summary(*, today=None, months: int = 0):
    """The whole register's completeness for the dashboard (see ``stewardship.completeness``)."""
    from stewardship.completeness import completeness_summary as summary

    return summary(today=today, months=months)
