// Starts GraphiQL against this server's /graphql/ with the logged-in session and its CSRF token.
(function () {
  "use strict";
  var element = document.getElementById("graphiql");
  var csrf = document.querySelector("[name=csrfmiddlewaretoken]");
  var fetcher = window.GraphiQL.createFetcher({
    url: element.getAttribute("data-endpoint"),
    headers: { "X-CSRFToken": csrf ? csrf.value : "" },
  });
  var defaultQuery =
    "# systemkarta – GraphQL. Dokumentation: docs/graphql.md\n" +
    "{\n  applications(first: 10) {\n    totalCount\n    edges { node { name vendor { name } lifecycleStatus } }\n  }\n}\n";
  element.textContent = "";
  window.ReactDOM.createRoot(element).render(
    window.React.createElement(window.GraphiQL, {
      fetcher: fetcher,
      defaultQuery: defaultQuery,
      defaultEditorToolsVisibility: true,
    })
  );
})();
