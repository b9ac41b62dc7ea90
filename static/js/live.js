/* Live sessions: poll the session's state every 2 s (ETag / If-None-Match, so an unchanged
   state costs a 304), reload the page when the trainer moves on, update the counters
   otherwise. Without JavaScript, reloading the page shows the same state. */
(function () {
  "use strict";
  var root = document.querySelector("[data-live-state]");
  if (!root || !window.fetch) { return; }
  var url = root.getAttribute("data-live-state");
  var version = root.getAttribute("data-live-version");
  var etag = null;

  function setText(selector, value) {
    var nodes = document.querySelectorAll(selector);
    for (var i = 0; i < nodes.length; i++) { nodes[i].textContent = String(value); }
  }

  function poll() {
    var headers = etag ? { "If-None-Match": etag } : {};
    fetch(url, { headers: headers, credentials: "same-origin", cache: "no-cache" })
      .then(function (response) {
        if (response.status === 304 || !response.ok) { return null; }
        etag = response.headers.get("ETag");
        return response.json();
      })
      .then(function (state) {
        if (!state) { return; }
        if (String(state.version) !== version) { window.location.reload(); return; }
        setText("[data-live-votes]", state.votes);
        setText("[data-live-participants]", state.participants);
      })
      .catch(function () { /* the next poll tries again */ })
      .then(function () { window.setTimeout(poll, 2000); });
  }
  window.setTimeout(poll, 2000);
}());
