// Starts GraphiQL on the objpool-graphql playground page. Loaded as a file, not inline, so the
// page's Content-Security-Policy can forbid inline scripts.
(function () {
  'use strict';

  // The page is served at the GraphQL endpoint itself, so the fetcher posts to this very URL.
  var endpoint = window.location.pathname;

  var defaultQuery = [
    '# objpool-graphql: named id pools over GraphQL.',
    '# Run an operation with the \u25B6 button (or Ctrl-Enter); the schema is in the docs pane.',
    '',
    'mutation Get {',
    '  getObject',
    '}',
    '',
    '# Put the id you got back into the variables below ({"id": ...}), then run Free.',
    'mutation Free($id: Int!) {',
    '  freeObject(id: $id)',
    '}',
    '',
    'query Pool {',
    '  pool {',
    '    name',
    '    capacity',
    '    allocated',
    '    available',
    '  }',
    '}',
    ''
  ].join('\n');

  function fetcher(params) {
    return fetch(endpoint, {
      method: 'POST',
      credentials: 'same-origin',
      headers: {
        'Content-Type': 'application/json',
        Accept: 'application/graphql-response+json, application/json'
      },
      body: JSON.stringify(params)
    }).then(function (response) {
      return response.json();
    });
  }

  var root = ReactDOM.createRoot(document.getElementById('graphiql'));
  root.render(React.createElement(GraphiQL, {
    fetcher: fetcher,
    defaultQuery: defaultQuery,
    defaultVariables: '{ "id": 1 }',
    visiblePlugin: 'Documentation Explorer'
  }));
}());
