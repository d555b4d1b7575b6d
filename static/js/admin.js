// The admin (templates/admin/base_site.html).
(function () {
  "use strict";

  // Django's yes/no icons say "True" and "False" in every language: give them the
  // page's words (the <meta name="wegov:yes|no|unknown"> of base_site.html).
  function translateBooleanIcons() {
    ["yes", "no", "unknown"].forEach(function (name) {
      var word = document.querySelector('meta[name="wegov:' + name + '"]');
      if (!word) {
        return;
      }
      document.querySelectorAll('img[src$="/admin/img/icon-' + name + '.svg"]').forEach(function (icon) {
        icon.setAttribute("alt", word.getAttribute("content"));
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    translateBooleanIcons();
    // A tabular inline wider than the screen (a registration's consents and check-ins,
    // on a phone) scrolls inside its box: make the box reachable from the keyboard,
    // and name it by the inline's heading.
    document.querySelectorAll(".inline-related.tabular > fieldset").forEach(function (fieldset) {
      var box = fieldset.querySelector(":scope > .wrapper, :scope > details > .wrapper");
      var heading = fieldset.getAttribute("aria-labelledby");
      if (box && heading) {
        box.setAttribute("tabindex", "0");
        box.setAttribute("role", "region");
        box.setAttribute("aria-labelledby", heading);
      }
    });
  });
})();
