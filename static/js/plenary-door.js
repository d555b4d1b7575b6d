// The plenary door desk (templates/assembly/door.html): a scan or a typed code
// checks the person in or out (or only shows them, as the mode says) and shows
// big whether they hold their city's vote, the proxies they carry, or that they
// observe without a vote. A USB scanner types the code and Enter into the
// focused input; focus goes back to it after every answer.
(function () {
  "use strict";

  var configNode = document.getElementById("door-config");
  if (!configNode) {
    return;
  }
  var config = JSON.parse(configNode.textContent);
  var form = document.getElementById("door-form");
  var input = document.getElementById("door-input");
  var result = document.getElementById("door-result");
  var buttons = { in: document.getElementById("door-in"), out: document.getElementById("door-out") };
  var csrf = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  var lastCode = null;
  var busy = false;

  function field(id, text) {
    var node = document.getElementById(id);
    node.textContent = text || "";
    node.hidden = !text;
  }

  function mode() {
    var checked = form.querySelector("input[name=mode]:checked");
    return checked ? checked.value : "in";
  }

  try {
    var saved = window.localStorage.getItem("plenary-door-mode");
    var radio = saved && form.querySelector("input[name=mode][value=" + saved + "]");
    if (radio) {
      radio.checked = true;
    }
  } catch (error) {
    // No storage (private mode): the default mode.
  }
  form.addEventListener("change", function (event) {
    if (event.target.name === "mode") {
      try {
        window.localStorage.setItem("plenary-door-mode", event.target.value);
      } catch (error) {
        // Not remembered.
      }
      input.focus();
    }
  });

  function show(answer) {
    result.hidden = false;
    result.className =
      "door-result is-" +
      answer.result +
      (answer.standing ? " standing-" + answer.standing.kind : "") +
      (answer.inside ? " is-inside" : " is-outside");
    field("door-title", answer.title);
    field("door-standing", answer.standing ? answer.standing.title : "");
    field("door-detail", answer.standing ? answer.standing.detail : "");
    field("door-proxies", answer.standing ? answer.standing.proxies_title : "");
    var person = answer.person;
    field("door-person", person ? person.name + (person.organisation ? " · " + person.organisation : "") + " · " + person.code : "");
    field("door-message", answer.message);
    lastCode = person && answer.result !== "refused" ? person.code : null;
    buttons.in.hidden = !lastCode || answer.inside;
    buttons.out.hidden = !lastCode || !answer.inside;
    if (answer.quorum) {
      document.getElementById("door-votes").textContent = answer.quorum.votes + " / " + answer.quorum.required;
    }
  }

  function fail(message) {
    result.hidden = false;
    result.className = "door-result is-error";
    ["door-standing", "door-detail", "door-proxies", "door-person", "door-message"].forEach(function (id) {
      field(id, "");
    });
    field("door-title", message);
    buttons.in.hidden = true;
    buttons.out.hidden = true;
  }

  function send(payload) {
    if (busy) {
      return;
    }
    busy = true;
    fetch(config.url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify(payload),
    })
      .then(function (response) {
        return response.json().then(function (body) {
          if (response.status === 403) {
            fail(config.strings.loggedOut);
          } else if (!response.ok) {
            fail(body.error || config.strings.networkError);
          } else {
            show(body);
          }
        });
      })
      .catch(function () {
        fail(config.strings.networkError);
      })
      .then(function () {
        busy = false;
        input.focus();
      });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = input.value.trim();
    input.value = "";
    if (text) {
      send({ ticket: text, action: mode() });
    }
  });
  buttons.in.addEventListener("click", function () {
    if (lastCode) {
      send({ registration: lastCode, action: "in" });
    }
  });
  buttons.out.addEventListener("click", function () {
    if (lastCode) {
      send({ registration: lastCode, action: "out" });
    }
  });
})();
