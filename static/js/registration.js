// Registration pages: small enhancements; every form works without them.
(function () {
  "use strict";

  // Move focus to the list of errors so that screen readers announce it and
  // keyboard users can follow its links to the fields.
  function focusErrorSummary() {
    var summary = document.querySelector("[data-error-summary]");
    if (summary) {
      summary.focus();
    }
  }

  // Sessions for city delegates only are offered only when "City delegate" is
  // the category chosen (the server refuses them for anyone else anyway). A box
  // already ticked stays visible so that its error can be read and fixed.
  function offerDelegateSessions(form) {
    var delegateOnly = form.querySelectorAll("input[data-delegates-only]");
    if (!delegateOnly.length) {
      return;
    }
    var categories = form.querySelectorAll("input[name='category']");
    function update() {
      var chosen = form.querySelector("input[name='category']:checked");
      var isDelegate = chosen !== null && chosen.value === "delegate";
      delegateOnly.forEach(function (box) {
        var option = box.closest(".form-check");
        if (option) {
          option.hidden = !isDelegate && !box.checked;
        }
      });
    }
    categories.forEach(function (radio) {
      radio.addEventListener("change", update);
    });
    update();
  }

  document.addEventListener("DOMContentLoaded", function () {
    focusErrorSummary();
    var form = document.querySelector("form.registration-form");
    if (form) {
      offerDelegateSessions(form);
    }
  });
})();
