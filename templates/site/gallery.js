// Tag filtering and full-text search for the portfolio index: plain static JavaScript, no
// server. The words of every write-up come from assets/search-index.js, made at build time.
(function () {
  "use strict";
  var search = document.getElementById("search");
  var buttons = Array.prototype.slice.call(document.querySelectorAll("#tags .tag"));
  var cards = Array.prototype.slice.call(document.querySelectorAll(".card"));
  var empty = document.getElementById("empty");
  var count = document.getElementById("count");
  var tagBox = document.getElementById("tag-box");
  var tagCount = document.getElementById("tag-count");
  var words = window.mlsdSearch || {};
  var active = new Set();

  // The tags stay folded on a phone; on a wide screen they are open from the start.
  if (window.matchMedia("(min-width: 800px)").matches) { tagBox.open = true; }

  function matches(card, query) {
    var tags = card.dataset.tags.split(" ");
    var text = card.dataset.search + " " + (words[card.dataset.id] || "");
    var tagged = Array.from(active).every(function (tag) { return tags.indexOf(tag) >= 0; });
    return tagged && query.every(function (word) { return text.indexOf(word) >= 0; });
  }

  function apply() {
    var query = search.value.toLowerCase().split(/\s+/).filter(Boolean);
    var shown = 0;
    cards.forEach(function (card) {
      var ok = matches(card, query);
      card.hidden = !ok;
      if (ok) { shown += 1; }
    });
    empty.hidden = shown > 0;
    count.textContent = shown + " of " + cards.length + " designs";
    tagCount.textContent = active.size ? "(" + active.size + " chosen)" : "(" + buttons.length + ")";
  }

  buttons.forEach(function (button) {
    button.addEventListener("click", function () {
      var tag = button.dataset.tag;
      if (active.has(tag)) { active.delete(tag); } else { active.add(tag); }
      button.setAttribute("aria-pressed", String(active.has(tag)));
      apply();
    });
  });
  search.addEventListener("input", apply);
  apply();
})();
