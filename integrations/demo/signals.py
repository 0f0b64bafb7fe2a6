"""``demo_built``: sent by ``seed_demo`` once the demo register is built, before its analyses run.

Apps above ``integrations`` add their part of the demo here without ``integrations`` importing
them (docs/architecture.md, "Where a lower app offers a seam"): ``discovery`` imports a
discovered month. Receivers get ``user`` (the acting user or None), ``reviewer`` (who reviewed the reviewed
records), ``scale`` and ``seed``, and
return a line for the seed's report (or None).
"""

from django.dispatch import Signal

demo_built = Signal()
