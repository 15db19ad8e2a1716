// Live preview (added by `mlsd serve` only): reload when the portfolio is rebuilt, and show a
// design's errors in its page in place of the picture. Never part of the static site.
(function () {
  "use strict";
  var match = location.pathname.match(/^\/([^\/]+)\/(index\.html)?$/);
  var designId = match ? decodeURIComponent(match[1]) : null;

  function problemsOf(state) {
    if (designId) { return state.errors[designId] || []; }
    var all = [];
    Object.keys(state.errors).sort().forEach(function (id) { all = all.concat(state.errors[id]); });
    return all;
  }

  function show(state) {
    var problems = problemsOf(state);
    var box = document.getElementById("live-errors");
    var picture = document.querySelector("figure.diagram");
    if (!problems.length) {
      if (box) { box.remove(); }
      if (picture) { picture.hidden = false; }
      return;
    }
    if (!box) {
      box = document.createElement("section");
      box.id = "live-errors";
      box.className = "live-errors";
      box.setAttribute("role", "alert");
      var title = document.createElement("h2");
      title.textContent = "This spec has errors; the page shows its last good build";
      box.appendChild(title);
      box.appendChild(document.createElement("pre"));
      var anchor = picture || document.querySelector("main") || document.body.firstChild;
      anchor.parentNode.insertBefore(box, anchor);
    }
    box.querySelector("pre").textContent = problems.join("\n");
    if (picture) { picture.hidden = true; }
  }

  function refresh() {
    fetch("/__mlsd/state.json", { cache: "no-store" })
      .then(function (response) { return response.json(); })
      .then(show);
  }

  // The state is read only once the server has said hello, that is once it will tell this
  // page of every later build: read before, a build ending between the read and the hello
  // would be missed (its errors never shown until the next edit).
  var version = null;
  var events = new EventSource("/__mlsd/events");
  events.addEventListener("hello", function (event) {
    if (version !== null && event.data !== version) { location.reload(); return; }
    version = event.data;
    refresh();
  });
  events.addEventListener("rebuilt", function () { location.reload(); });
})();
