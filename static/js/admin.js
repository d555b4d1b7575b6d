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

  // Django's two-box selectors (a user's groups and permissions) name their
  // search icons with aria-label on a bare <span>, which assistive technology
  // may ignore (axe: aria-prohibited-attr): make each an image with that name.
  // The selectors are built on the window's load event, so this runs after them.
  function nameSelectorIcons() {
    document.querySelectorAll("span.help-tooltip[aria-label]:not([role])").forEach(function (icon) {
      icon.setAttribute("role", "img");
    });
  }

  window.addEventListener("load", function () {
    window.setTimeout(nameSelectorIcons, 0);
  });

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
