"""The /graphql/ endpoint: who may ask, how they prove it, and what a request may weigh.

Access (issue 3, "Access"):
- a request with ``Authorization: Bearer <token>`` is judged by the token alone (CSRF does not
  apply: no cookie is trusted, and a token request that also carries a session cookie is refused);
- otherwise the browser session counts, and a POST must pass Django's CSRF check;
- anonymous requests get an error and no data; a browser asking for the page is sent to log in.

Weight: bodies over ``MAX_BODY_BYTES`` and batched (list) bodies are refused before parsing;
documents over ``guards.MAX_TOKENS`` tokens are refused by the parser; depth, aliases, page size
and cost by the validation rules in ``guards``. Every refusal is a JSON error, never a 500.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict

from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import redirect_to_login
from django.db import connection, transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from graphene_django.constants import MUTATION_ERRORS_FLAG
from graphene_django.settings import graphene_settings
from graphene_django.views import GraphQLView, HttpError
from graphql import (
    DocumentNode,
    ExecutionResult,
    GraphQLError,
    OperationType,
    execute,
    get_operation_ast,
    parse,
    validate,
)

from accounts.authentication import authenticate_bearer, has_bearer
from config.graphql.execution import execution_options
from config.graphql.guards import MAX_TOKENS, validation_rules
from config.middleware import is_database_busy

__all__ = ["MAX_BODY_BYTES", "VALID_DOCUMENTS", "RegisterGraphQLView", "ValidDocuments", "graphql_view"]

#: Largest request body (or GET query string) accepted: generous for any real query or mutation.
MAX_BODY_BYTES = 100_000
#: Deepest nesting of lists and objects in ``variables``; the deepest input of the schema is far less.
MAX_VARIABLE_DEPTH = 32


def _nesting(value) -> int:
    """How deeply lists and objects nest in a decoded JSON value (iterative: no recursion to exhaust)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list):
            deepest = max(deepest, depth)
            if depth <= MAX_VARIABLE_DEPTH:
                stack.extend(
                    (child, depth + 1) for child in (item.values() if isinstance(item, dict) else item)
                )
    return deepest


def _too_deep() -> str:
    return _("”variables” är nästlade för djupt (högst %(limit)s nivåer).") % {"limit": MAX_VARIABLE_DEPTH}


class ValidDocuments:
    """Parsed documents that passed validation, by schema, rules and text; the ``size`` most recent.

    Tools send the same few queries again and again (a page at a time), and validating the
    landscape query against this schema costs more than its SQL: about 12 ms a request. Whether a
    document is valid depends only on the schema, the rules and the text — not on variables, user
    or language — so a document valid once stays valid for the life of the process. Refused
    documents are not kept: a refusal is cheap to repeat and should not fill the cache.
    """

    def __init__(self, size: int = 256):
        self.size = size
        self._documents: OrderedDict[tuple, DocumentNode] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple) -> DocumentNode | None:
        with self._lock:
            document = self._documents.get(key)
            if document is not None:
                self._documents.move_to_end(key)
            return document

    def add(self, key: tuple, document: DocumentNode) -> None:
        with self._lock:
            self._documents[key] = document
            self._documents.move_to_end(key)
            while len(self._documents) > self.size:
                self._documents.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._documents.clear()


VALID_DOCUMENTS = ValidDocuments()


def _error(status: int, message: str, **headers: str) -> JsonResponse:
    response = JsonResponse({"errors": [{"message": message}]}, status=status)
    for name, value in headers.items():
        response[name] = value
    return response


class _CsrfCheck(CsrfViewMiddleware):
    """Django's own CSRF check, run by the view for session requests only."""

    def _reject(self, request, reason):
        return reason


@method_decorator(login_not_required, name="dispatch")
@method_decorator(csrf_exempt, name="dispatch")
class RegisterGraphQLView(GraphQLView):
    graphiql = True

    def __init__(self, **kwargs):
        kwargs.setdefault("validation_rules", validation_rules())
        super().__init__(**kwargs)

    def dispatch(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        refusal = self.refuse_size(request) or self.authenticate(request)
        if refusal is not None:
            return refusal
        return super().dispatch(request, *args, **kwargs)

    #
    # Size
    #

    @staticmethod
    def refuse_size(request: HttpRequest) -> HttpResponse | None:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        too_big = _("Förfrågan är för stor (högst %(limit)s byte).") % {"limit": MAX_BODY_BYTES}
        if length > MAX_BODY_BYTES or len(request.META.get("QUERY_STRING", "")) > MAX_BODY_BYTES:
            return _error(413, too_big)
        if request.method == "POST":
            try:
                body = request.body
            except Exception:  # RequestDataTooBig, or a client that hung up mid-body
                return _error(413, too_big)
            if len(body) > MAX_BODY_BYTES:
                return _error(413, too_big)
        return None

    #
    # Access
    #

    def authenticate(self, request: HttpRequest) -> HttpResponse | None:
        request.api_token = None
        if has_bearer(request):
            result = authenticate_bearer(request)
            if result.token is None:
                return _error(401, result.error, **{"WWW-Authenticate": 'Bearer realm="systemkarta"'})
            # simple-history's middleware reads request.user when a change is saved: the token's user.
            request.user = result.token.user
            request.api_token = result.token
            return None
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            if request.method == "GET" and self.request_wants_html(request):
                return redirect_to_login(request.get_full_path())
            return _error(
                401,
                _("Inloggning krävs: logga in eller skicka en API-token (Authorization: Bearer <token>)."),
                **{"WWW-Authenticate": 'Bearer realm="systemkarta"'},
            )
        if request.method == "POST":
            reason = _CsrfCheck(lambda r: None).process_view(request, None, (), {})
            if reason is not None:
                return _error(403, _("CSRF-kontrollen misslyckades: %(reason)s") % {"reason": reason})
        return None

    def can_display_graphiql(self, request, data) -> bool:
        return getattr(request, "api_token", None) is None and super().can_display_graphiql(request, data)

    #
    # Parsing and execution
    #

    def parse_body(self, request):
        if self.get_content_type(request) == "application/graphql":
            try:
                return {"query": request.body.decode("utf-8")}
            except UnicodeDecodeError:
                raise HttpError(HttpResponse(status=400), _("Frågan är inte giltig UTF-8-text.")) from None
        if self.get_content_type(request) == "application/json":
            try:
                data = json.loads(request.body.decode("utf-8"))
            except (UnicodeDecodeError, ValueError):
                raise HttpError(
                    HttpResponse(status=400), _("Förfrågans innehåll är inte giltig JSON.")
                ) from None
            except RecursionError:
                raise HttpError(
                    HttpResponse(status=400), _("Förfrågans JSON är nästlad för djupt.")
                ) from None
            if isinstance(data, list):
                raise HttpError(
                    HttpResponse(status=400),
                    _("Batchade förfrågningar (en JSON-lista) stöds inte: skicka en fråga per förfrågan."),
                )
            if not isinstance(data, dict):
                raise HttpError(HttpResponse(status=400), _("Förfrågan ska vara ett JSON-objekt."))
            return data
        return super().parse_body(request)

    def get_graphql_params(self, request, data):
        query, variables, operation_name, id_ = super().get_graphql_params(request, data)
        if query is not None and not isinstance(query, str):
            raise HttpError(HttpResponse(status=400), _("”query” ska vara en sträng."))
        if variables is not None and not isinstance(variables, dict):
            raise HttpError(HttpResponse(status=400), _("”variables” ska vara ett JSON-objekt."))
        if variables is not None and _nesting(variables) > MAX_VARIABLE_DEPTH:
            raise HttpError(HttpResponse(status=400), _too_deep())
        if operation_name is not None and not isinstance(operation_name, str):
            raise HttpError(HttpResponse(status=400), _("”operationName” ska vara en sträng."))
        return query, variables, operation_name, id_

    def execute_graphql_request(self, request, data, query, variables, operation_name, show_graphiql=False):
        """graphene-django's execution, with a token limit on parsing and the read-only token rule."""
        if not query:
            if show_graphiql:
                return None
            raise HttpError(HttpResponse(status=400), _("Ange en fråga (”query”)."))
        schema = self.schema.graphql_schema
        # Valid for this schema and these rules: both are fixed for the life of the process.
        cache_key = (id(schema), tuple(self.validation_rules or ()), query)
        document = VALID_DOCUMENTS.get(cache_key)
        if document is None:
            try:
                document = parse(query, max_tokens=MAX_TOKENS)
            except GraphQLError as error:
                return ExecutionResult(errors=[error])
        operation_ast = get_operation_ast(document, operation_name)
        is_mutation = operation_ast is not None and operation_ast.operation == OperationType.MUTATION
        if request.method.lower() == "get" and is_mutation:
            if show_graphiql:
                return None
            raise HttpError(HttpResponse(status=405), _("Mutationer skickas med POST."))
        if VALID_DOCUMENTS.get(cache_key) is None:
            validation_errors = validate(
                schema, document, self.validation_rules, graphene_settings.MAX_VALIDATION_ERRORS
            )
            if validation_errors:
                return ExecutionResult(data=None, errors=validation_errors)
            VALID_DOCUMENTS.add(cache_key, document)
        token = getattr(request, "api_token", None)
        if is_mutation and token is not None and token.read_only:
            # Authenticated but not allowed to write: 403 Forbidden, like a page the role may not open.
            message = _("API-token är skrivskyddad: den kan inte ändra något.")
            raise HttpError(HttpResponse(status=403), message)
        options = {
            "root_value": self.get_root_value(request),
            "context_value": self.get_context(request),
            "variable_values": variables,
            "operation_name": operation_name,
            # None rather than an empty list, which graphql-core would wrap in a manager of nothing.
            "middleware": self.get_middleware(request) or None,
            **execution_options(),
        }
        try:
            if is_mutation and (
                graphene_settings.ATOMIC_MUTATIONS is True
                or connection.settings_dict.get("ATOMIC_MUTATIONS", False) is True
            ):
                # All mutations of one request apply together or not at all.
                with transaction.atomic():
                    result = execute(schema, document, **options)
                    if getattr(request, MUTATION_ERRORS_FLAG, False) is True or result.errors:
                        transaction.set_rollback(True)
            else:
                result = execute(schema, document, **options)
        except Exception as error:  # never a 500: the client gets the message
            if is_database_busy(error):
                # The lock bit when the transaction opened (SQLite's BEGIN IMMEDIATE), not in a
                # resolver: still "busy, retry" (503 with Retry-After), as for the web forms.
                raise
            return ExecutionResult(errors=[GraphQLError(str(error))])
        for error in result.errors or ():
            # A locked SQLite database: let DatabaseBusyMiddleware answer "busy, retry" (503).
            if is_database_busy(getattr(error, "original_error", None)):
                raise error.original_error
        return result


graphql_view = RegisterGraphQLView.as_view()
