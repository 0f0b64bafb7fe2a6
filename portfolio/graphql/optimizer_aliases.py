"""Aliased nested connections named apart from their relation, on the optimizer's read path.

graphene-django-query-optimizer (0.10) files the prefetch of a field that names its relation in
``field_name`` (a vendor's ``applications`` and ``learningresources`` over its ``services``) under
the field's own name, even when the query aliases it, and then resolves the aliased field by
reading the alias: ``{ vendors { edges { node { tail: learningresources(last: 2) { … } } } } }``
failed with "'Vendor' object has no attribute 'tail'", and two aliases of one such field would
have shared one prefetch. For every other relation the optimizer files the prefetch under the
alias; :func:`install` makes these fields do the same. See docs/architecture.md, "The read paths
for GraphQL".
"""

from __future__ import annotations

from query_optimizer.compiler import OptimizationCompiler

_installed = False


def install() -> None:
    """File an aliased ``field_name`` connection's prefetch under its alias (once per process)."""
    global _installed
    if _installed:
        return
    original = OptimizationCompiler.handle_model_field

    def handle_model_field(self, field_type, field_node, field_name):
        # ``handle_custom_field`` has just set ``to_attr`` to the field's own name; the prefetch
        # is filed under ``to_attr``, and the field is resolved by its alias.
        alias = getattr(field_node.alias, "value", None)
        if alias is not None and self.to_attr is not None:
            self.to_attr = alias
        return original(self, field_type, field_node, field_name)

    OptimizationCompiler.handle_model_field = handle_model_field
    _installed = True
