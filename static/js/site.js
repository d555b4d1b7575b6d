// Small enhancements for the public pages. Everything works without them.
(function () {
  "use strict";

  // Mark the sessions running now (by this device's clock) on the programme.
  function markSessionsOnNow() {
    var scope = document.querySelector("[data-now-label]");
    if (!scope) {
      return;
    }
    var label = scope.getAttribute("data-now-label");
    var cards = scope.querySelectorAll(".session-card[data-starts][data-ends]");
    var now = Date.now();
    cards.forEach(function (card) {
      var starts = Date.parse(card.getAttribute("data-starts"));
      var ends = Date.parse(card.getAttribute("data-ends"));
      var running = !isNaN(starts) && !isNaN(ends) && starts <= now && now < ends;
      card.classList.toggle("is-now", running);
      var badge = card.querySelector(".now-badge");
      if (running && !badge) {
        badge = document.createElement("span");
        badge.className = "badge now-badge";
        badge.textContent = label;
        var when = card.querySelector(".session-when");
        if (when) {
          when.appendChild(badge);
        }
      } else if (!running && badge) {
        badge.remove();
      }
    });
  }

  // The phone menu closes with Escape (from anywhere in it, or its button) and
  // gives the focus back to its button.
  function closeMenuWithEscape() {
    var menu = document.getElementById("site-nav");
    var button = document.querySelector('[data-bs-target="#site-nav"]');
    if (!menu || !button || !window.bootstrap) {
      return;
    }
    document.addEventListener("keydown", function (event) {
      if (event.key !== "Escape" || !menu.classList.contains("show")) {
        return;
      }
      if (!menu.contains(document.activeElement) && document.activeElement !== button) {
        return;
      }
      window.bootstrap.Collapse.getOrCreateInstance(menu, { toggle: false }).hide();
      button.focus();
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    closeMenuWithEscape();
    markSessionsOnNow();
    window.setInterval(markSessionsOnNow, 60 * 1000);
  });
})();
