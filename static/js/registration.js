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

  // What a field holds now: its value, or the values ticked in a group.
  function valueOf(inputs) {
    return Array.prototype.map
      .call(inputs, function (input) {
        if (input.type === "checkbox" || input.type === "radio") {
          return input.checked ? input.value : "";
        }
        return input.value;
      })
      .join("\n");
  }

  // A field's error (and its line in the list at the top) goes away as soon as
  // the person changes what was refused, and comes back if they put it back. The
  // server checks everything again when the form is sent, and shows what is
  // still wrong.
  function hideCorrectedErrors(form) {
    var summary = document.querySelector("[data-error-summary]");
    form.querySelectorAll(".invalid-feedback[id$='_error']").forEach(function (feedback) {
      var id = feedback.id.slice(0, -"_error".length); // id_email
      var name = id.slice("id_".length);
      var inputs = form.querySelectorAll("[name='" + name + "']");
      if (!inputs.length) {
        return;
      }
      var refused = valueOf(inputs);
      var items = [];
      if (summary) {
        summary.querySelectorAll("a[href^='#" + id + "']").forEach(function (link) {
          var href = link.getAttribute("href");
          if (href === "#" + id || href.indexOf("#" + id + "_") === 0) {
            items.push(link.closest("li") || link);
          }
        });
      }
      function update() {
        var corrected = valueOf(inputs) !== refused;
        feedback.classList.toggle("is-corrected", corrected);
        inputs.forEach(function (input) {
          input.classList.toggle("is-invalid", !corrected);
          if (corrected) {
            input.removeAttribute("aria-invalid");
          } else {
            input.setAttribute("aria-invalid", "true");
          }
        });
        items.forEach(function (item) {
          item.hidden = corrected;
        });
        if (summary) {
          var left = summary.querySelectorAll("li:not([hidden])").length;
          summary.hidden = left === 0 && summary.querySelectorAll("li").length > 0;
        }
      }
      inputs.forEach(function (input) {
        input.addEventListener("input", update);
        input.addEventListener("change", update);
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    focusErrorSummary();
    var form = document.querySelector("form.registration-form");
    if (form) {
      offerDelegateSessions(form);
    }
    document.querySelectorAll("form").forEach(hideCorrectedErrors);
  });
})();
