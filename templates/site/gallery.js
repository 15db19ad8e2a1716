// Tag filtering and search for the portfolio index: plain static JavaScript, no server.
(function () {
  "use strict";
  var search = document.getElementById("search");
  var buttons = Array.prototype.slice.call(document.querySelectorAll("#tags .tag"));
  var cards = Array.prototype.slice.call(document.querySelectorAll(".card"));
  var empty = document.getElementById("empty");
  var count = document.getElementById("count");
  var active = new Set();

  function matches(card, words) {
    var tags = card.dataset.tags.split(" ");
    var text = card.dataset.search;
    var tagged = Array.from(active).every(function (tag) { return tags.indexOf(tag) >= 0; });
    return tagged && words.every(function (word) { return text.indexOf(word) >= 0; });
  }

  function apply() {
    var words = search.value.toLowerCase().split(/\s+/).filter(Boolean);
    var shown = 0;
    cards.forEach(function (card) {
      var ok = matches(card, words);
      card.hidden = !ok;
      if (ok) { shown += 1; }
    });
    empty.hidden = shown > 0;
    count.textContent = shown + " of " + cards.length + " designs";
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
