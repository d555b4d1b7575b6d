// The public quorum board (templates/assembly/board.html): polls board.json with
// If-None-Match every few seconds and redraws the figures without a reload. A
// failed fetch keeps the last figures and shows the offline mark; "last updated"
// is the time of the last answer (200 or 304), in the event's time zone.
(function () {
  "use strict";

  var configNode = document.getElementById("board-config");
  var board = document.getElementById("board");
  if (!configNode || !board) {
    return;
  }
  var config = JSON.parse(configNode.textContent);
  var etag = config.etag || null;
  var clock = new Intl.DateTimeFormat("en-GB", {
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
    hour12: false,
    timeZone: config.timeZone,
  });

  function span(lang, text) {
    var node = document.createElement("span");
    node.lang = lang;
    node.textContent = text;
    return node;
  }

  function draw(data) {
    ["votes", "required", "members", "direct", "by_proxy"].forEach(function (name) {
      var node = board.querySelector("[data-board=" + name + "]");
      if (node) {
        node.textContent = String(data[name]);
      }
    });
    var verdict = document.getElementById("board-verdict");
    var key = data.reached ? "reached" : "missing";
    verdict.className = "board-verdict " + (data.reached ? "is-reached" : "is-missing");
    verdict.replaceChildren(span("ko", board.dataset[key + "Ko"]), document.createTextNode(" "), span("en", board.dataset[key + "En"]));
    var list = document.getElementById("board-cities");
    var proxyLabel = document.getElementById("board-proxy-label").textContent;
    var items = data.cities
      .filter(function (city) {
        return city.vote !== "absent";
      })
      .map(function (city) {
        var item = document.createElement("li");
        item.className = "board-city is-" + city.vote;
        item.append(span("ko", city.name_ko), document.createTextNode(" "), span("en", city.name_en));
        if (city.vote === "proxy") {
          var mark = document.createElement("span");
          mark.className = "board-proxy-mark";
          mark.textContent = " (" + proxyLabel + ")";
          item.append(mark);
        }
        return item;
      });
    list.replaceChildren.apply(list, items);
  }

  function fresh() {
    document.getElementById("board-updated").textContent = clock.format(new Date());
    document.getElementById("board-stale").hidden = true;
    board.classList.remove("is-stale");
  }

  function stale() {
    document.getElementById("board-stale").hidden = false;
    board.classList.add("is-stale");
  }

  function poll() {
    var headers = {};
    if (etag) {
      headers["If-None-Match"] = etag;
    }
    fetch(config.url, { headers: headers, cache: "no-store", credentials: "omit" })
      .then(function (response) {
        if (response.status === 304) {
          fresh();
          return;
        }
        if (!response.ok) {
          throw new Error("status " + response.status);
        }
        return response.json().then(function (data) {
          etag = response.headers.get("ETag");
          draw(data);
          fresh();
        });
      })
      .catch(stale)
      .then(function () {
        window.setTimeout(poll, config.pollMs);
      });
  }

  window.setTimeout(poll, config.pollMs);
})();
