// The admin (templates/admin/base_site.html). A tabular inline wider than the screen
// (a registration's consents and check-ins, on a phone) scrolls inside its box: make
// the box reachable from the keyboard, and name it by the inline's heading.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
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
