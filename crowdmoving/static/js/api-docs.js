/* The API's interactive docs (/api/v1/docs): swagger-ui, started here instead of an inline
   script (Content-Security-Policy). The schema's address comes from a data attribute. */
(function () {
  "use strict";
  var root = document.getElementById("swagger-ui");
  if (!root || typeof window.SwaggerUIBundle !== "function") {
    return;
  }
  window.SwaggerUIBundle({
    url: root.getAttribute("data-openapi-url"),
    dom_id: "#swagger-ui",
    deepLinking: true,
    layout: "BaseLayout",
    presets: [window.SwaggerUIBundle.presets.apis],
    // Tokens go in the Authorize dialog; the browser's session cookie is never used.
    withCredentials: false,
    persistAuthorization: false
  });
})();
