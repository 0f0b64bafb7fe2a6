"""Guards on what one GraphQL request may ask: depth, aliases, page size and cost.

They run as validation rules next to graphql-core's standard rules (never instead of them:
setting ``validation_rules`` alone would replace the standard rules, docs/architecture.md, traps of the
stack), before anything
executes, so a hostile query is refused in time proportional to its text — never by running it.

Cost is the worst case number of objects the query could produce: every object-valued field counts
one per object it is asked on (scalars are free: the row is read anyway), and a connection
multiplies what is inside it by its page size (``first`` or ``last`` when written literally,
otherwise the maximum page size). The standard landscape query (100 systems, six nested lists)
costs about 110,000; three nested lists of 100 cost two million and are refused. Introspection fields
(``__schema``, ``__type``, ``__typename``) are free: they read the schema, not the register.

Work is counted apart from cost, because a few root fields compute over the whole register or read
its history whatever they return: the analyses (``completeness``, ``standardisationCandidates``,
``ropa`` …), ``completeness(months: n)`` (n month-ends from history) and every ``asOf``. Each has
a weight in ``WORK`` (one unit is about half a second at demo scale 30, 9,000 systems, after
``bench/results.json``); a request may do ``MAX_WORK`` units. Thirty aliases of ``ropa(asOf: …)``
are refused before anything runs, and the refusal says which field cost what. An argument given
as a variable is weighed at its worst (``months: $m`` as 36, ``asOf: $d`` as given), since a
valid document is cached whatever its variables.
"""

from __future__ import annotations

from graphql import (
    ArgumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLObjectType,
    InlineFragmentNode,
    IntValueNode,
    NullValueNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    ValidationRule,
    VariableNode,
    get_named_type,
    specified_rules,
)

__all__ = [
    "MAX_ALIASES",
    "MAX_COST",
    "MAX_DEPTH",
    "MAX_PAGE_SIZE",
    "MAX_SELECTIONS",
    "MAX_TOKENS",
    "MAX_WORK",
    "WORK",
    "QueryGuardRule",
    "validation_rules",
]

MAX_DEPTH = 12
MAX_ALIASES = 30
MAX_PAGE_SIZE = 100
MAX_COST = 200_000
#: Fields a document selects once its fragments are expanded (a fragment spread twice counts twice).
MAX_SELECTIONS = 2_000
#: Lexical tokens a document may have; refused by the parser before any tree is built.
MAX_TOKENS = 10_000
#: Costs are not counted past this: enough to know the query is far over the cap.
CEILING = MAX_COST * 1000

#: Work of the root fields that compute over the whole register, in units of about half a second
#: at demo scale 30 (bench/results.json: duplicates 1.8 s, standardisation 2.3 s, completeness 2.3 s,
#: SSO 0.8 s, GDPR gaps 0.8 s, PM3 0.4 s, equity 0.5 s, Article 30 rows about 2 s).
WORK = {
    "completeness": 5,
    "duplicateClusters": 4,
    "standardisationCandidates": 5,
    "ssoCoverage": 2,
    "gdprGaps": 2,
    "pm3Gaps": 1,
    "equityMatrix": 1,
    "ropa": 4,
    # planning: the plan's actions applied, then the analyses its selection asks for (SSO, cost,
    # GDPR gaps, equity, completeness); planGoals computes today's figures and the future's.
    "futureState": 6,
    "planGoals": 12,
    "planFollowUp": 2,
}
#: ``asOf`` reads the history of the model and its relations as of a time (``ropa``: the whole
#: record; a list: the model's history up to that time, whatever the page size).
AS_OF_WORK = 2
#: ``completeness(months: n)`` adds one unit per six month-ends read from history.
MONTHS_PER_UNIT = 6
#: The most ``completeness`` accepts; a ``months`` given as a variable is weighed at this.
MAX_MONTHS = 36
#: Units of work one request may do: a few analyses together, not thirty aliases of one.
MAX_WORK = 20

Work = dict[str, list[int]]  # label → [times asked, units each]


def _argument(node: FieldNode, name: str) -> ArgumentNode | None:
    return next((a for a in node.arguments or () if a.name.value == name), None)


def _field_work(node: FieldNode) -> tuple[str, int] | None:
    """(label, units) of one root field, or None for a field that only reads rows."""
    name = node.name.value
    units, label = WORK.get(name, 0), name
    as_of = _argument(node, "asOf")
    if as_of is not None and not isinstance(as_of.value, NullValueNode):
        units, label = units + AS_OF_WORK, f"{name}(asOf)"
    months = _argument(node, "months") if name == "completeness" else None
    if months is not None:
        if isinstance(months.value, IntValueNode):
            count = max(0, min(int(months.value.value), MAX_MONTHS))
        else:
            count = MAX_MONTHS if isinstance(months.value, VariableNode) else 0
        if count:
            units, label = units + -(-count // MONTHS_PER_UNIT), f"{name}(months: {count})"
    return (label, units) if units else None


def _add_work(total: Work, more: Work, times: int = 1) -> None:
    for label, (count, units) in more.items():
        entry = total.setdefault(label, [0, units])
        entry[0] = min(entry[0] + count * times, CEILING)


def _work_units(work: Work) -> int:
    return min(sum(count * units for count, units in work.values()), CEILING)


def _is_connection(type_) -> bool:
    return (
        isinstance(type_, GraphQLObjectType) and type_.name.endswith("Connection") and "edges" in type_.fields
    )


def _page_size(node: FieldNode) -> int:
    for argument in node.arguments or ():
        if argument.name.value in ("first", "last") and isinstance(argument.value, IntValueNode):
            return max(0, min(int(argument.value.value), MAX_PAGE_SIZE))
    return MAX_PAGE_SIZE


class QueryGuardRule(ValidationRule):
    """Refuse a document that is too deep, has too many aliases, too large pages or too high a cost."""

    def __init__(self, context):
        super().__init__(context)
        self.fragments = {
            d.name.value: d for d in context.document.definitions if isinstance(d, FragmentDefinitionNode)
        }
        self.aliases = 0
        self.memo: dict[tuple[str, str], tuple[int, int, int, Work]] = {}
        self.reported: set[str] = set()

    def report(self, key: str, message: str, node=None) -> None:
        if key not in self.reported:
            self.reported.add(key)
            self.report_error(GraphQLError(message, node))

    def enter_field(self, node: FieldNode, *_args):
        if node.alias is not None:
            self.aliases += 1
            if self.aliases > MAX_ALIASES:
                self.report("aliases", f"Frågan har fler än {MAX_ALIASES} alias: dela upp den.", node)
        for argument in node.arguments or ():
            if argument.name.value in ("first", "last") and isinstance(argument.value, IntValueNode):
                value = int(argument.value.value)
                if value > MAX_PAGE_SIZE:
                    self.report(
                        f"page{id(argument)}",
                        f"{argument.name.value}: {value} är större än största sidstorlek {MAX_PAGE_SIZE}: "
                        "bläddra med after/endCursor.",
                        argument,
                    )

    def enter_operation_definition(self, node: OperationDefinitionNode, *_args):
        schema = self.context.schema
        root = {
            OperationType.QUERY: schema.query_type,
            OperationType.MUTATION: schema.mutation_type,
            OperationType.SUBSCRIPTION: schema.subscription_type,
        }.get(node.operation)
        if root is None:
            return
        depth, cost, selections, work = self.measure(node.selection_set, root, frozenset())
        if selections > MAX_SELECTIONS:
            self.report(
                "selections",
                f"Frågan väljer {selections} fält när fragmenten vecklats ut; högst {MAX_SELECTIONS}.",
                node,
            )
        if depth > MAX_DEPTH:
            self.report("depth", f"Frågan är nästlad {depth} nivåer djupt; högst {MAX_DEPTH} tillåts.", node)
        if cost > MAX_COST:
            self.report(
                "cost",
                f"Frågan kan ge upp till {cost} objekt; taket är {MAX_COST}. Ange mindre first/last i "
                "nästlade listor eller dela upp frågan.",
                node,
            )
        units = _work_units(work)
        if units > MAX_WORK:
            heaviest = sorted(work.items(), key=lambda item: -item[1][0] * item[1][1])
            parts = [
                f"{label} {count} × {each} = {count * each}" if count > 1 else f"{label} {each}"
                for label, (count, each) in heaviest
            ]
            self.report(
                "work",
                f"Frågan kräver {units} enheter arbete; taket per förfrågan är {MAX_WORK}. "
                f"Det kostar: {', '.join(parts)}. Analyser, historik (asOf) och månader bakåt räknar "
                "om hela registret: fråga efter färre åt gången.",
                node,
            )

    def measure(
        self, selection_set: SelectionSetNode | None, parent, seen: frozenset[str]
    ) -> tuple[int, int, int, Work]:
        """(field levels below, worst-case cost, fields selected, work) of ``selection_set`` on ``parent``.

        Fragments are measured once per type (memoised), so a document that spreads fragments into
        fragments cannot make this walk exponential.
        """
        work: Work = {}
        if selection_set is None:
            return 0, 0, 0, work
        deepest, cost, selected = 0, 0, 0
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                name = selection.name.value
                selected = min(selected + 1, CEILING)
                if name.startswith("__"):
                    continue
                field = parent.fields.get(name) if isinstance(parent, GraphQLObjectType) else None
                if field is None:
                    # Unknown fields are the standard rules' business; go no deeper.
                    deepest = max(deepest, 1)
                    continue
                if parent is self.context.schema.query_type:
                    heavy = _field_work(selection)
                    if heavy is not None:
                        _add_work(work, {heavy[0]: [1, heavy[1]]})
                child_type = get_named_type(field.type)
                child_depth, child_cost, child_selected, child_work = self.measure(
                    selection.selection_set, child_type, seen
                )
                selected = min(selected + child_selected, CEILING)
                times = 1
                if _is_connection(child_type):
                    times = _page_size(selection)
                    child_cost *= times
                _add_work(work, child_work, times)
                own = 1 if selection.selection_set is not None else 0  # an object; scalars are free
                deepest, cost = max(deepest, child_depth + 1), min(cost + own + child_cost, CEILING)
            elif isinstance(selection, InlineFragmentNode):
                target = parent
                if selection.type_condition is not None:
                    target = self.context.schema.get_type(selection.type_condition.name.value) or parent
                child_depth, child_cost, child_selected, child_work = self.measure(
                    selection.selection_set, target, seen
                )
                deepest, cost = max(deepest, child_depth), min(cost + child_cost, CEILING)
                selected = min(selected + child_selected, CEILING)
                _add_work(work, child_work)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                fragment = self.fragments.get(name)
                if fragment is None or name in seen:
                    # Undefined or cyclic: the standard rules report it; never a KeyError here.
                    continue
                target = self.context.schema.get_type(fragment.type_condition.name.value) or parent
                key = (name, getattr(target, "name", ""))
                if key not in self.memo:
                    self.memo[key] = self.measure(fragment.selection_set, target, seen | {name})
                child_depth, child_cost, child_selected, child_work = self.memo[key]
                deepest, cost = max(deepest, child_depth), min(cost + child_cost, CEILING)
                selected = min(selected + child_selected, CEILING)
                _add_work(work, child_work)
        return deepest, cost, selected, work


def validation_rules() -> tuple[type[ValidationRule], ...]:
    """graphql-core's standard rules plus the guards."""
    return (*specified_rules, QueryGuardRule)
