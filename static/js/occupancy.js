// How full the rooms are now, on the programme and session pages (docs/rooms.md).
// The pages are cached and carry only empty placeholders
// (<... data-occupancy-session="slug" hidden>) inside an element with
// data-occupancy-url; this fills them from the small JSON answer every 30
// seconds. Nothing is shown outside the event's days or when the answer fails.
// The texts come translated from the server. A placeholder is rewritten only
// when its text changes, so a live region (the session page's) speaks rarely.
(function () {
  "use strict";

  var EVERY_MS = 30 * 1000;
  var ICONS = { free: "\u2713", filling: "\u25D0", full: "\u2715" }; // ✓ ◐ ✕

  function hideAll(places) {
    places.forEach(function (place) {
      place.hidden = true;
      place.textContent = "";
      place.removeAttribute("data-shown");
    });
  }

  function fill(place, room) {
    var pointer = room.pointer ? room.pointer.text + (room.pointer.url ? " " + room.pointer.url : "") : "";
    var shown = room.state + "|" + room.text + "|" + pointer;
    if (place.getAttribute("data-shown") === shown) {
      return;
    }
    place.setAttribute("data-shown", shown);
    place.textContent = "";
    place.className = place.className.replace(/\boccupancy-(free|filling|full)\b/g, "").trim();
    place.classList.add("occupancy-" + room.state);
    var icon = document.createElement("span");
    icon.className = "occupancy-icon";
    icon.setAttribute("aria-hidden", "true");
    icon.textContent = ICONS[room.state] || "";
    var text = document.createElement("span");
    text.textContent = room.text;
    place.appendChild(icon);
    place.appendChild(document.createTextNode(" "));
    place.appendChild(text);
    if (room.pointer && place.hasAttribute("data-occupancy-pointer")) {
      var where = document.createElement(room.pointer.url ? "a" : "span");
      where.className = "occupancy-pointer";
      where.textContent = room.pointer.text;
      if (room.pointer.url) {
        where.href = room.pointer.url;
        where.rel = "noopener";
      }
      place.appendChild(document.createTextNode(" "));
      place.appendChild(where);
    }
    place.hidden = false;
  }

  function update(scope, places) {
    if (document.hidden) {
      return;
    }
    fetch(scope.getAttribute("data-occupancy-url"), { headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("HTTP " + response.status);
        }
        return response.json();
      })
      .then(function (data) {
        var bySession = {};
        (data.live ? data.rooms || [] : []).forEach(function (room) {
          bySession[room.session] = room;
        });
        places.forEach(function (place) {
          var room = bySession[place.getAttribute("data-occupancy-session")];
          if (room && room.state) {
            fill(place, room);
          } else {
            hideAll([place]);
          }
        });
      })
      .catch(function () {
        hideAll(places);
      });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var scope = document.querySelector("[data-occupancy-url]");
    if (!scope || !window.fetch) {
      return;
    }
    var places = Array.prototype.slice.call(scope.querySelectorAll("[data-occupancy-session]"));
    if (!places.length) {
      return;
    }
    update(scope, places);
    window.setInterval(function () {
      update(scope, places);
    }, EVERY_MS);
    document.addEventListener("visibilitychange", function () {
      update(scope, places);
    });
  });
})();
