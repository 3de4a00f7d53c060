// The API documentation page: starts Swagger UI (loaded before this file
// from django-ninja's static copy) with the settings the server put on
// #swagger-ui. A static file, so the page keeps `script-src 'self'`.
const root = document.getElementById("swagger-ui");
const settings = JSON.parse(root.dataset.settings);

// Two repairs of Swagger UI's markup that axe-core asks for: an h2 above
// the operations, so that headings go h1 (the page), h2, then Swagger UI's
// h3 per group of operations; and a name for the request body's text area.
const Accessible = () => ({
  wrapComponents: {
    TextArea: (Original, { React }) => (props) =>
      React.createElement(Original, { "aria-label": root.dataset.bodyLabel, ...props }),
    operations: (Original, { React }) => (props) =>
      React.createElement(
        React.Fragment,
        null,
        React.createElement("h2", { className: "operations-heading" }, root.dataset.operationsHeading),
        React.createElement(Original, props),
      ),
  },
});

settings.domNode = root;
settings.presets = [SwaggerUIBundle.presets.apis, SwaggerUIBundle.SwaggerUIStandalonePreset];
settings.plugins = [Accessible];
if (root.dataset.csrfToken) {
  settings.requestInterceptor = (request) => {
    request.headers["X-CSRFToken"] = root.dataset.csrfToken;
    return request;
  };
}
SwaggerUIBundle(settings);
