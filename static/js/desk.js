// The check-in desk: the checkpoint chooser and the desk page (templates/desk/).
// No inline script anywhere (strict CSP): the page hands its settings and its
// translated strings over in <script type="application/json" id="desk-config">.
(function () {
  "use strict";

  var KEYS = {
    checkpoint: "wegov.desk.checkpoint",
    device: "wegov.desk.device",
    muted: "wegov.desk.muted",
  };
  // A ticket secret from a scanner (token_urlsafe) or a registration code (no 0/O, 1/I/L).
  var SECRET = /^[A-Za-z0-9_-]{20,100}$/;
  var CODE = /^[2-9A-HJKMNP-Z]{8}$/i;
  // A scanner typing while the Korean input method is in Hangul mode (2-set) sends
  // jamo: the key of each jamo (upper case for Shift's ㅃㅉㄸㄲㅆㅒㅖ), two keys for
  // compound vowels and final clusters; syllables are decomposed first. The server
  // does the same (registration/hangul.py) and compares the secret without case.
  var JAMO_KEYS = {
    "ㅂ": "q", "ㅈ": "w", "ㄷ": "e", "ㄱ": "r", "ㅅ": "t", "ㅛ": "y", "ㅕ": "u", "ㅑ": "i", "ㅐ": "o", "ㅔ": "p",
    "ㅁ": "a", "ㄴ": "s", "ㅇ": "d", "ㄹ": "f", "ㅎ": "g", "ㅗ": "h", "ㅓ": "j", "ㅏ": "k", "ㅣ": "l",
    "ㅋ": "z", "ㅌ": "x", "ㅊ": "c", "ㅍ": "v", "ㅠ": "b", "ㅜ": "n", "ㅡ": "m",
    "ㅃ": "Q", "ㅉ": "W", "ㄸ": "E", "ㄲ": "R", "ㅆ": "T", "ㅒ": "O", "ㅖ": "P",
    "ㅘ": "hk", "ㅙ": "ho", "ㅚ": "hl", "ㅝ": "nj", "ㅞ": "np", "ㅟ": "nl", "ㅢ": "ml",
    "ㄳ": "rt", "ㄵ": "sw", "ㄶ": "sg", "ㄺ": "fr", "ㄻ": "fa", "ㄼ": "fq", "ㄽ": "ft", "ㄾ": "fx",
    "ㄿ": "fv", "ㅀ": "fg", "ㅄ": "qt",
  };
  var INITIALS = "ㄱㄲㄴㄷㄸㄹㅁㅂㅃㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎ";
  var MEDIALS = "ㅏㅐㅑㅒㅓㅔㅕㅖㅗㅘㅙㅚㅛㅜㅝㅞㅟㅠㅡㅢㅣ";
  var FINALS = ["", "ㄱ", "ㄲ", "ㄳ", "ㄴ", "ㄵ", "ㄶ", "ㄷ", "ㄹ", "ㄺ", "ㄻ", "ㄼ", "ㄽ", "ㄾ", "ㄿ", "ㅀ",
    "ㅁ", "ㅂ", "ㅄ", "ㅅ", "ㅆ", "ㅇ", "ㅈ", "ㅊ", "ㅋ", "ㅌ", "ㅍ", "ㅎ"];
  var HANGUL = /[\u3131-\u3163\uac00-\ud7a3]/;

  function latinKeys(text) {
    var keys = "";
    for (var i = 0; i < text.length; i += 1) {
      var index = text.charCodeAt(i) - 0xac00;
      var jamo = text.charAt(i);
      if (index >= 0 && index <= 0xd7a3 - 0xac00) {
        jamo = INITIALS.charAt(Math.floor(index / 588)) + MEDIALS.charAt(Math.floor((index % 588) / 28)) +
          FINALS[index % 28];
      }
      for (var j = 0; j < jamo.length; j += 1) {
        keys += JAMO_KEYS[jamo.charAt(j)] || jamo.charAt(j);
      }
    }
    return keys;
  }

  // The text as the scanner meant it: Latin keys when it came through Hangul mode.
  function asKeyed(text) {
    return HANGUL.test(text) ? latinKeys(text) : text;
  }

  var SEARCH_DELAY = 250;
  var COUNTERS_EVERY = 5000;
  var REFOCUS_DELAY = 400;
  var SAME_QR_PAUSE = 4000;

  function stored(key) {
    try {
      return window.localStorage.getItem(key);
    } catch (e) {
      return null;
    }
  }

  function store(key, value) {
    try {
      if (value === null) {
        window.localStorage.removeItem(key);
      } else {
        window.localStorage.setItem(key, value);
      }
    } catch (e) {
      // Private mode: the choice is not remembered, the desk still works.
    }
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) {
      node.className = className;
    }
    if (text !== undefined && text !== null) {
      node.textContent = text;
    }
    return node;
  }

  // Icons (drawn here, so colour is never the only signal) ----------------------

  var ICONS = {
    ok: "M5 12.5l4.5 4.5L19 7.5",
    already: "M12 6v7M12 17.5v.5",
    refused: "M6.5 6.5l11 11M17.5 6.5l-11 11",
    problem: "M12 6v7M12 17.5v.5",
    undone: "M9 7L5 11l4 4M5 11h9a5 5 0 0 1 0 10h-2",
    idle: "M4 4h6v6H4zM14 4h6v6h-6zM4 14h6v6H4zM14 14h2v2h-2zM18 18h2v2h-2z",
    star: "M12 3l2.6 5.6 6.1.7-4.5 4.2 1.2 6L12 16.6 6.6 19.5l1.2-6-4.5-4.2 6.1-.7z",
  };

  function icon(name, className) {
    var ns = "http://www.w3.org/2000/svg";
    var svg = document.createElementNS(ns, "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    svg.setAttribute("class", className || "");
    var path = document.createElementNS(ns, "path");
    path.setAttribute("d", ICONS[name] || ICONS.idle);
    svg.appendChild(path);
    return svg;
  }

  // Sounds: generated with the Web Audio API, no audio files ---------------------

  function Sounds() {
    this.context = null;
    this.muted = stored(KEYS.muted) === "1";
  }

  Sounds.prototype.wake = function () {
    // Browsers start audio only after a key press or a touch: call this from one.
    var Context = window.AudioContext || window.webkitAudioContext;
    if (!Context) {
      return null;
    }
    if (!this.context) {
      this.context = new Context();
    }
    if (this.context.state === "suspended") {
      this.context.resume();
    }
    return this.context;
  };

  Sounds.prototype.tone = function (frequency, start, duration, type) {
    var context = this.context;
    var oscillator = context.createOscillator();
    var gain = context.createGain();
    var at = context.currentTime + start;
    oscillator.type = type;
    oscillator.frequency.value = frequency;
    gain.gain.setValueAtTime(0.0001, at);
    gain.gain.exponentialRampToValueAtTime(0.3, at + 0.015);
    gain.gain.exponentialRampToValueAtTime(0.0001, at + duration);
    oscillator.connect(gain);
    gain.connect(context.destination);
    oscillator.start(at);
    oscillator.stop(at + duration + 0.05);
  };

  Sounds.prototype.play = function (kind) {
    if (this.muted || !this.wake()) {
      return;
    }
    if (kind === "ok") {
      this.tone(880, 0, 0.12, "sine");
      this.tone(1320, 0.13, 0.18, "sine");
    } else if (kind === "already") {
      this.tone(660, 0, 0.14, "triangle");
      this.tone(660, 0.2, 0.14, "triangle");
    } else {
      this.tone(196, 0, 0.3, "square");
      this.tone(165, 0.32, 0.4, "square");
    }
  };

  // The checkpoint chooser --------------------------------------------------------

  function initChooser(root) {
    var links = root.querySelectorAll("[data-checkpoint]");
    Array.prototype.forEach.call(links, function (link) {
      link.addEventListener("click", function () {
        store(KEYS.checkpoint, link.getAttribute("data-checkpoint"));
      });
    });
    var remembered = stored(KEYS.checkpoint);
    if (!remembered) {
      return;
    }
    var link = null;
    Array.prototype.forEach.call(links, function (candidate) {
      if (candidate.getAttribute("data-checkpoint") === remembered) {
        link = candidate;
      }
    });
    if (!link) {
      store(KEYS.checkpoint, null);
      return;
    }
    var openToday = link.hasAttribute("data-open-today");
    if (openToday && !root.hasAttribute("data-changing")) {
      window.location.replace(link.href);
      return;
    }
    var box = document.getElementById("desk-remembered");
    var text = document.getElementById("desk-remembered-text");
    var template = text.getAttribute(openToday ? "data-template" : "data-closed");
    text.textContent = template.replace("%(name)s", link.getAttribute("data-name"));
    var go = document.getElementById("desk-continue");
    go.href = link.href;
    go.hidden = !openToday;
    link.classList.add("is-remembered");
    box.hidden = false;
  }

  // The desk ------------------------------------------------------------------------

  function Desk(config) {
    this.config = config;
    this.text = config.strings;
    this.sounds = new Sounds();
    this.input = document.getElementById("desk-input");
    this.form = document.getElementById("desk-form");
    this.csrf = this.form.querySelector("[name=csrfmiddlewaretoken]").value;
    this.matchesWrap = document.getElementById("desk-matches-wrap");
    this.matchesList = document.getElementById("desk-matches");
    this.matchesStatus = document.getElementById("desk-matches-status");
    this.result = document.getElementById("desk-result");
    this.resultIcon = document.getElementById("desk-result-icon");
    this.resultTitle = document.getElementById("desk-result-title");
    this.resultBody = document.getElementById("desk-result-body");
    this.resultFoot = document.getElementById("desk-result-foot");
    this.resultTimer = document.getElementById("desk-result-timer");
    this.announcer = document.getElementById("desk-announce");
    this.idle = {
      title: this.resultTitle.textContent,
      body: Array.prototype.slice.call(this.resultBody.childNodes),
    };
    this.matches = [];
    this.active = -1;
    this.searchTimer = null;
    this.searchSeq = 0;
    this.clearTimer = null;
    this.busy = false;
    this.recent = [];
    this.occupancy = null;
    this.camera = null;
    this.device = this.setUpDevice();
    store(KEYS.checkpoint, config.checkpoint);
    this.resultIcon.appendChild(icon("idle", "desk-icon"));
    this.bind();
    this.showSound();
    this.renderRecent();
    this.pollCounters();
    // Scans while the server is out of reach (desk-offline.js, loaded first).
    this.offline = window.WegovDeskOffline ? new window.WegovDeskOffline(this, { asKeyed: asKeyed, el: el }) : null;
    this.focusInput();
  }

  Desk.prototype.setUpDevice = function () {
    var field = document.getElementById("desk-device");
    var name = stored(KEYS.device);
    if (!name) {
      name = "desk-" + Math.random().toString(36).slice(2, 6);
      store(KEYS.device, name);
    }
    field.value = name;
    var desk = this;
    field.addEventListener("change", function () {
      desk.device = field.value.trim().slice(0, 80);
      store(KEYS.device, desk.device);
    });
    return name;
  };

  Desk.prototype.bind = function () {
    var desk = this;
    var input = this.input;
    this.form.addEventListener("submit", function (event) {
      event.preventDefault();
      desk.submit();
    });
    input.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        if (desk.matches.length) {
          event.preventDefault();
          desk.setActive(desk.active + (event.key === "ArrowDown" ? 1 : -1));
        }
      } else if (event.key === "Escape") {
        input.value = "";
        desk.closeMatches();
      }
    });
    input.addEventListener("input", function () {
      desk.active = -1;
      window.clearTimeout(desk.searchTimer);
      var text = input.value.trim();
      if (text.length < 2 || SECRET.test(asKeyed(text))) {
        desk.closeMatches();
        return;
      }
      desk.searchTimer = window.setTimeout(function () {
        desk.search(text, false);
      }, SEARCH_DELAY);
    });
    // Keep the one input focused, unless staff are using another control.
    input.addEventListener("blur", function () {
      window.setTimeout(function () {
        var active = document.activeElement;
        if (active && active !== document.body && active !== input && active.closest("button, a, input, select, textarea, summary, [role=option]")) {
          return;
        }
        desk.focusInput();
      }, REFOCUS_DELAY);
    });
    // Audio may only start from a user's key press or touch.
    var wake = function () {
      if (!desk.sounds.muted) {
        desk.sounds.wake();
      }
    };
    document.addEventListener("keydown", wake, { once: true });
    document.addEventListener("pointerdown", wake, { once: true });
    document.getElementById("desk-sound-button").addEventListener("click", function () {
      desk.sounds.muted = !desk.sounds.muted;
      store(KEYS.muted, desk.sounds.muted ? "1" : "0");
      desk.showSound();
      if (!desk.sounds.muted) {
        desk.sounds.play("ok");
      }
      desk.focusInput();
    });
    document.getElementById("desk-camera-button").addEventListener("click", function () {
      if (desk.camera && desk.camera.open) {
        desk.closeCamera();
      } else {
        desk.openCamera();
      }
    });
    document.getElementById("desk-camera-close").addEventListener("click", function () {
      desk.closeCamera();
    });
    this.matchesList.addEventListener("mousedown", function (event) {
      event.preventDefault(); // keep the focus in the input
    });
    this.matchesList.addEventListener("click", function (event) {
      var option = event.target.closest("[role=option]");
      if (option) {
        desk.pick(desk.matches[Number(option.getAttribute("data-index"))]);
      }
    });
    document.getElementById("desk-recent").addEventListener("click", function (event) {
      var button = event.target.closest("[data-undo]");
      if (button) {
        desk.undo(Number(button.getAttribute("data-undo")));
      }
    });
    document.addEventListener("visibilitychange", function () {
      if (!document.hidden) {
        desk.refreshCounters();
      }
    });
  };

  Desk.prototype.focusInput = function () {
    if (this.camera && this.camera.open) {
      return; // on a phone, the keyboard would cover the camera
    }
    if (document.activeElement !== this.input) {
      this.input.focus({ preventScroll: true });
    }
  };

  Desk.prototype.submit = function () {
    var text = this.input.value.trim();
    window.clearTimeout(this.searchTimer);
    if (this.active >= 0 && this.matches[this.active]) {
      this.pick(this.matches[this.active]);
      return;
    }
    if (!text) {
      this.focusInput();
      return;
    }
    var keyed = asKeyed(text);
    if (SECRET.test(keyed) || CODE.test(keyed.replace(/[-\s]/g, ""))) {
      this.input.value = "";
      this.closeMatches();
      // The server reads Hangul-mode text too; a typed word that only looks like a
      // code is searched as typed when no ticket has it.
      this.checkIn({ ticket: text }, SECRET.test(keyed) ? null : text);
      return;
    }
    this.search(text, true);
  };

  // Requests -------------------------------------------------------------------------

  Desk.prototype.post = function (url, payload) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: {
        "Content-Type": "application/json",
        Accept: "application/json",
        "X-CSRFToken": this.csrf,
      },
      body: JSON.stringify(payload),
    });
  };

  Desk.prototype.get = function (url, params) {
    return fetch(url + "?" + new URLSearchParams(params).toString(), {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    });
  };

  function readJson(response) {
    return response.json().catch(function () {
      return null;
    });
  }

  Desk.prototype.problem = function (response, data) {
    var message = this.text.serverError;
    if (!response) {
      message = this.text.networkError;
    } else if (response.status === 403) {
      message = (data && !data.login_url && data.error) || this.text.loggedOut;
    } else if (data && data.error) {
      message = data.error;
    }
    this.show({ result: "problem", title: message, message: "" });
    this.sounds.play("problem");
  };

  Desk.prototype.checkIn = function (payload, typed) {
    var desk = this;
    payload.checkpoint = this.config.checkpoint;
    payload.device = this.device;
    var offline = this.offline;
    if (offline && offline.active) {
      return offline.scan(payload).then(function () {
        desk.focusInput();
      });
    }
    this.setBusy(true);
    var response = null;
    return this.post(this.config.urls.checkin, payload)
      .then(function (r) {
        response = r;
        return readJson(r);
      })
      .then(function (data) {
        if (offline && offline.unreachable(response, data)) {
          return offline.scan(payload); // a proxy answered for a server that is down
        }
        if (!response.ok || !data) {
          desk.problem(response, data);
          return;
        }
        desk.showCounters(data.counters);
        if (data.reason === "unknown" && typed) {
          // A typed word that looked like a code ("Schwartz"): if it matches
          // names, list them instead of sounding the alarm.
          return desk.search(typed, true).then(function (found) {
            if (!found) {
              desk.closeMatches(); // the red answer says it: no "No matches" under the input too
              desk.answer(data);
            }
          });
        }
        desk.answer(data);
      })
      .catch(function () {
        if (!response && offline) {
          return offline.scan(payload); // no answer at all: the network is down
        }
        desk.problem(null, null);
      })
      .then(function () {
        desk.setBusy(false);
        desk.focusInput();
      });
  };

  Desk.prototype.answer = function (data) {
    this.show(data);
    this.sounds.play(data.result);
    if (data.checkin && data.result === "ok") {
      this.remember(data);
    }
  };

  Desk.prototype.setBusy = function (busy) {
    this.busy = busy;
    this.result.setAttribute("aria-busy", busy ? "true" : "false");
    this.result.classList.toggle("is-busy", busy);
  };

  Desk.prototype.undo = function (checkinId) {
    var desk = this;
    var response = null;
    return this.post(this.config.urls.undo, { checkin: checkinId })
      .then(function (r) {
        response = r;
        return readJson(r);
      })
      .then(function (data) {
        if (!response.ok || !data) {
          desk.problem(response, data);
          return;
        }
        desk.recent.forEach(function (entry) {
          if (entry.id === checkinId) {
            entry.undone = true;
          }
        });
        desk.renderRecent();
        desk.show({ result: "undone", title: desk.text.undone, message: data.message });
        desk.showCounters(data.counters);
      })
      .catch(function () {
        desk.problem(null, null);
      })
      .then(function () {
        desk.focusInput();
      });
  };

  // The result panel -----------------------------------------------------------------

  Desk.prototype.show = function (data) {
    var desk = this;
    var attendee = data.attendee || null;
    var state = data.result;
    window.clearTimeout(this.clearTimer);
    this.result.className = "desk-result is-" + state + (attendee && attendee.attention ? " has-attention" : "");
    this.resultIcon.replaceChildren(icon(state, "desk-icon"));
    this.resultTitle.textContent = data.title;
    var body = [];
    // How the person got in without their booking (room doors), under the title.
    if (data.seat_note) {
      body.push(el("p", "desk-seat-note", data.seat_note));
    }
    // Where to send people: first on a red "Room full", else after the message.
    var pointer = data.pointer ? this.pointerLine(data.pointer) : null;
    if (pointer && state === "refused") {
      body.push(pointer);
    }
    if (attendee) {
      body.push(el("p", "desk-name", attendee.name));
      var meta = [attendee.organisation, attendee.category_label].filter(Boolean).join(" · ");
      if (meta) {
        body.push(el("p", "desk-meta", meta));
      }
    }
    if (data.message) {
      body.push(el("p", "desk-result-message", data.message));
    }
    if (pointer && state !== "refused") {
      body.push(pointer);
    }
    if (data.advice) {
      body.push(el("p", "desk-advice", data.advice));
    }
    if (attendee && attendee.attention) {
      var box = el("div", "desk-attention");
      box.appendChild(icon("star", "desk-attention-icon"));
      var words = el("p", "desk-attention-text");
      words.appendChild(el("strong", null, this.text.attention));
      if (attendee.attention_note) {
        words.appendChild(document.createTextNode(": " + attendee.attention_note));
      }
      box.appendChild(words);
      body.push(box);
    }
    if (attendee && attendee.sessions && state !== "refused" && state !== "problem") {
      body.push(this.sessionList(attendee.sessions));
    }
    if (attendee) {
      body.push(el("p", "desk-code", this.text.code + " " + attendee.code));
    }
    this.resultBody.replaceChildren.apply(this.resultBody, body);
    var foot = [];
    if (data.checkin && (state === "ok" || state === "already") && !data.checkin.undone) {
      var button = el("button", "btn btn-light desk-undo");
      button.type = "button";
      button.appendChild(icon("undone", "desk-button-icon"));
      button.appendChild(document.createTextNode(this.text.undo));
      button.addEventListener("click", function () {
        desk.undo(data.checkin.id);
      });
      foot.push(button);
    }
    this.resultFoot.replaceChildren.apply(this.resultFoot, foot);
    if (data.occupancy !== undefined) {
      this.showOccupancy(data.occupancy); // room doors only: absent from entrances' and offline answers
    }
    this.announce(data, attendee);
    var after = (this.config.clearAfter && this.config.clearAfter[state]) || (state === "ok" || state === "already" ? 6000 : 12000);
    this.restartTimer(after);
    this.clearTimer = window.setTimeout(function () {
      desk.reset();
    }, after);
  };

  // "Room full: Go to the overflow room: Hall B." (a link when there is a stream).
  Desk.prototype.pointerLine = function (pointer) {
    var line = el("p", "desk-pointer-answer");
    line.appendChild(el("strong", null, this.text.roomFull + ": "));
    line.appendChild(document.createTextNode(pointer.text));
    if (/^https?:\/\//i.test(pointer.url || "")) {
      var link = el("a", null, pointer.url);
      link.href = pointer.url;
      link.rel = "noopener";
      line.appendChild(document.createTextNode(" "));
      line.appendChild(link);
    }
    return line;
  };

  // How full the room is ("Filling up: 24 of 30 seats taken"), beside the counters.
  Desk.prototype.showOccupancy = function (occupancy) {
    var node = document.getElementById("desk-occupancy");
    if (!node) {
      return;
    }
    this.occupancy = occupancy && occupancy.text ? occupancy : null;
    node.textContent = this.occupancy ? occupancy.text : "";
    node.className = "desk-occupancy" + (this.occupancy ? " is-" + occupancy.state : "");
    node.hidden = !this.occupancy;
  };

  Desk.prototype.sessionList = function (sessions) {
    var wrap = el("div", "desk-sessions");
    wrap.appendChild(el("p", "desk-sessions-title", this.text.sessions));
    if (!sessions || !sessions.length) {
      wrap.appendChild(el("p", "desk-sessions-none", this.text.noSessions));
      return wrap;
    }
    var list = el("ul", "desk-session-list");
    var text = this.text;
    sessions.forEach(function (session) {
      var item = el("li", session.current ? "is-current" : "");
      item.appendChild(el("span", "desk-session-when", session.when));
      item.appendChild(document.createTextNode(" " + session.title));
      if (session.room) {
        item.appendChild(el("span", "desk-session-room", " · " + session.room));
      }
      if (session.current) {
        item.appendChild(el("span", "badge desk-now", text.now));
      }
      list.appendChild(item);
    });
    wrap.appendChild(list);
    return wrap;
  };

  Desk.prototype.announce = function (data, attendee) {
    var parts = [data.title];
    if (attendee) {
      parts.push(attendee.name);
      if (attendee.attention) {
        parts.push(this.text.attention + (attendee.attention_note ? ": " + attendee.attention_note : ""));
      }
    }
    if (data.message) {
      parts.push(data.message);
    }
    if (data.seat_note) {
      parts.push(data.seat_note);
    }
    if (data.pointer) {
      parts.push(this.text.roomFull + ": " + data.pointer.text);
    }
    this.announcer.textContent = parts.join(". ");
  };

  Desk.prototype.restartTimer = function (ms) {
    var timer = this.resultTimer;
    timer.className = "desk-result-timer";
    void timer.offsetWidth; // restart the CSS animation
    timer.className = "desk-result-timer is-running timer-" + Math.round(ms / 1000) + "s";
  };

  Desk.prototype.reset = function () {
    this.result.className = "desk-result is-idle";
    this.resultIcon.replaceChildren(icon("idle", "desk-icon"));
    this.resultTitle.textContent = this.idle.title;
    this.resultBody.replaceChildren.apply(this.resultBody, this.idle.body);
    this.resultFoot.replaceChildren();
    this.resultTimer.className = "desk-result-timer";
  };

  // Recent check-ins on this device (undo after the panel has cleared) --------------

  Desk.prototype.remember = function (data) {
    this.recent.unshift({
      id: data.checkin.id,
      name: data.attendee ? data.attendee.name : "",
      time: data.checkin.time,
      undone: false,
    });
    this.recent = this.recent.slice(0, 8);
    this.renderRecent();
  };

  Desk.prototype.renderRecent = function () {
    var list = document.getElementById("desk-recent");
    var text = this.text;
    if (!this.recent.length) {
      list.replaceChildren(el("li", "desk-recent-empty", text.recentEmpty));
      return;
    }
    var items = this.recent.map(function (entry) {
      var item = el("li", entry.undone ? "is-undone" : "");
      item.appendChild(el("span", "desk-recent-time", entry.time));
      item.appendChild(el("span", "desk-recent-name", entry.name));
      if (entry.undone) {
        item.appendChild(el("span", "desk-recent-undone", text.undone));
      } else {
        var button = el("button", "btn btn-sm btn-outline-dark", text.undo);
        button.type = "button";
        button.setAttribute("data-undo", String(entry.id));
        button.setAttribute("aria-label", text.undo + ": " + entry.name + " " + entry.time);
        item.appendChild(button);
      }
      return item;
    });
    list.replaceChildren.apply(list, items);
  };

  // Search ---------------------------------------------------------------------------

  Desk.prototype.search = function (text, selectFirst) {
    var desk = this;
    var seq = ++this.searchSeq;
    this.matchesWrap.hidden = false;
    this.matchesStatus.textContent = this.text.searching;
    return this.get(this.config.urls.search, { q: text, checkpoint: this.config.checkpoint })
      .then(function (response) {
        return readJson(response).then(function (data) {
          return response.ok ? data : { failed: true, error: data && data.error };
        });
      })
      .then(function (data) {
        if (seq !== desk.searchSeq) {
          return 0; // a newer search is under way
        }
        if (!data || data.failed) {
          // The server's own words when it gave some ("busy, try again"), in the page's language.
          desk.matchesStatus.textContent = (data && data.error) || desk.text.serverError;
          return 0;
        }
        desk.showMatches(data, selectFirst);
        return data.results.length;
      })
      .catch(function () {
        if (seq === desk.searchSeq) {
          desk.matchesStatus.textContent = desk.offline ? desk.text.offlineSearch : desk.text.networkError;
        }
        return 0;
      });
  };

  Desk.prototype.showMatches = function (data, selectFirst) {
    var text = this.text;
    this.matches = data.results;
    this.active = -1;
    this.input.removeAttribute("aria-activedescendant");
    var items = data.results.map(function (match, index) {
      var item = el("li", "desk-match" + (match.holds_a_place ? "" : " is-inactive"));
      item.id = "desk-match-" + index;
      item.setAttribute("role", "option");
      item.setAttribute("aria-selected", "false");
      item.setAttribute("data-index", String(index));
      var line = el("span", "desk-match-name", match.name);
      if (match.attention) {
        line.appendChild(icon("star", "desk-match-star"));
      }
      item.appendChild(line);
      // Organisation, city, category and the end of the address tell people of the same name apart.
      var meta = [match.organisation, match.city, match.category_label, match.email_hint, match.code]
        .filter(Boolean)
        .join(" · ");
      item.appendChild(el("span", "desk-match-meta", meta));
      if (!match.holds_a_place || match.status !== "confirmed") {
        item.appendChild(el("span", "badge desk-match-status", match.status_label));
      }
      if (match.checked_in_here) {
        item.appendChild(el("span", "badge desk-match-here", text.checkedInHere));
      }
      return item;
    });
    this.matchesList.replaceChildren.apply(this.matchesList, items);
    if (data.too_short) {
      this.matchesStatus.textContent = text.tooShort;
    } else if (!data.results.length) {
      this.matchesStatus.textContent = text.noMatches;
    } else {
      this.matchesStatus.textContent = text.matches;
    }
    this.input.setAttribute("aria-expanded", data.results.length ? "true" : "false");
    if (selectFirst && data.results.length) {
      this.setActive(0);
    }
  };

  Desk.prototype.setActive = function (index) {
    var count = this.matches.length;
    if (!count) {
      return;
    }
    this.active = (index + count) % count;
    var options = this.matchesList.querySelectorAll("[role=option]");
    var desk = this;
    Array.prototype.forEach.call(options, function (option, i) {
      var selected = i === desk.active;
      option.setAttribute("aria-selected", selected ? "true" : "false");
      option.classList.toggle("is-active", selected);
      if (selected) {
        option.scrollIntoView({ block: "nearest" });
      }
    });
    this.input.setAttribute("aria-activedescendant", "desk-match-" + this.active);
  };

  Desk.prototype.closeMatches = function () {
    this.searchSeq += 1;
    this.matches = [];
    this.active = -1;
    this.matchesList.replaceChildren();
    this.matchesStatus.textContent = "";
    this.matchesWrap.hidden = true;
    this.input.setAttribute("aria-expanded", "false");
    this.input.removeAttribute("aria-activedescendant");
  };

  Desk.prototype.pick = function (match) {
    if (!match) {
      return;
    }
    this.input.value = "";
    this.closeMatches();
    this.checkIn({ registration: match.code }, null);
  };

  // Counters -------------------------------------------------------------------------

  Desk.prototype.showCounters = function (counters) {
    if (!counters) {
      return;
    }
    var set = function (name, value) {
      var node = document.querySelector('[data-counter="' + name + '"]');
      if (node && node.textContent !== value) {
        node.textContent = value;
      }
      return node;
    };
    set("registered", String(counters.registered));
    set("entered_today", String(counters.entered_today));
    set("here_today", String(counters.here_today));
    var sessionNode = document.querySelector('[data-counter="session"]');
    if (sessionNode) {
      var session = counters.session;
      if (session) {
        var when = el("span", "counter-when", session.when);
        sessionNode.replaceChildren(document.createTextNode(session.title + " "), when);
      } else {
        sessionNode.textContent = sessionNode.getAttribute("data-none");
      }
      var insideNode = document.querySelector('[data-counter="inside"]');
      var booked = session && session.booked !== null ? String(session.booked) : insideNode.getAttribute("data-open");
      set("inside", session ? String(session.inside || 0) + " / " + booked : "–");
      // The last scan's words on how full the room is, until the count moves on.
      if (this.occupancy && (!session || (session.inside || 0) !== this.occupancy.inside)) {
        this.showOccupancy(null);
      }
    }
  };

  Desk.prototype.refreshCounters = function () {
    var desk = this;
    return this.get(this.config.urls.counters, { checkpoint: this.config.checkpoint })
      .then(function (response) {
        if (desk.offline) {
          desk.offline.reached(response);
        }
        return response.ok ? readJson(response) : null;
      })
      .then(function (data) {
        if (data) {
          desk.showCounters(data.counters);
        }
      })
      .catch(function () {
        if (desk.offline) {
          desk.offline.goOffline();
        }
        // The next poll tries again.
      });
  };

  Desk.prototype.pollCounters = function () {
    var desk = this;
    window.setInterval(function () {
      if (!document.hidden && !desk.busy) {
        desk.refreshCounters();
      }
    }, COUNTERS_EVERY);
  };

  // Sound toggle ---------------------------------------------------------------------

  Desk.prototype.showSound = function () {
    var label = document.getElementById("desk-sound-label");
    label.textContent = this.sounds.muted ? this.text.soundOff : this.text.soundOn;
    document.getElementById("desk-sound-button").classList.toggle("is-muted", this.sounds.muted);
  };

  // Camera: BarcodeDetector where the browser has it, else jsQR on canvas frames ----

  function loadScript(src) {
    return new Promise(function (resolve, reject) {
      var script = document.createElement("script");
      script.src = src;
      script.onload = resolve;
      script.onerror = reject;
      document.head.appendChild(script);
    });
  }

  Desk.prototype.decoder = function () {
    var jsqrUrl = this.config.jsqr;
    var fallback = function () {
      if (!jsqrUrl) {
        return null;
      }
      var ready = window.jsQR ? Promise.resolve() : loadScript(jsqrUrl);
      return ready.then(function () {
        if (!window.jsQR) {
          return null;
        }
        var canvas = document.createElement("canvas");
        var context = canvas.getContext("2d", { willReadFrequently: true });
        return function (video) {
          var scale = Math.min(1, 640 / Math.max(video.videoWidth, video.videoHeight));
          var width = Math.round(video.videoWidth * scale);
          var height = Math.round(video.videoHeight * scale);
          if (!width || !height) {
            return Promise.resolve(null);
          }
          canvas.width = width;
          canvas.height = height;
          context.drawImage(video, 0, 0, width, height);
          var image = context.getImageData(0, 0, width, height);
          var code = window.jsQR(image.data, width, height, { inversionAttempts: "attemptBoth" });
          return Promise.resolve(code ? code.data : null);
        };
      });
    };
    if (!("BarcodeDetector" in window)) {
      return Promise.resolve(fallback()).catch(function () {
        return null;
      });
    }
    return window.BarcodeDetector.getSupportedFormats()
      .then(function (formats) {
        if (formats.indexOf("qr_code") === -1) {
          return fallback();
        }
        var detector = new window.BarcodeDetector({ formats: ["qr_code"] });
        return function (video) {
          return detector.detect(video).then(function (codes) {
            return codes.length ? codes[0].rawValue : null;
          });
        };
      })
      .catch(function () {
        return fallback();
      });
  };

  Desk.prototype.cameraMessage = function (message) {
    var panel = document.getElementById("desk-camera");
    document.getElementById("desk-camera-status").textContent = message;
    panel.hidden = false;
    document.getElementById("desk").classList.add("is-camera-open");
  };

  Desk.prototype.openCamera = function () {
    var desk = this;
    var button = document.getElementById("desk-camera-button");
    var video = document.getElementById("desk-video");
    if (!window.isSecureContext) {
      this.cameraMessage(this.text.cameraInsecure);
      return;
    }
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      this.cameraMessage(this.text.cameraUnsupported);
      return;
    }
    this.camera = { open: true, stream: null, decode: null, last: "", lastAt: 0, timer: null };
    var camera = this.camera;
    button.setAttribute("aria-expanded", "true");
    this.decoder()
      .then(function (decode) {
        if (!decode) {
          throw new Error("no-decoder");
        }
        camera.decode = decode;
        return navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false });
      })
      .then(function (stream) {
        if (!camera.open) {
          stream.getTracks().forEach(function (track) {
            track.stop();
          });
          return;
        }
        camera.stream = stream;
        video.srcObject = stream;
        video.hidden = false;
        desk.cameraMessage(desk.text.cameraOn);
        return video.play().then(function () {
          desk.scanFrame();
        });
      })
      .catch(function (error) {
        var message = desk.text.cameraUnsupported;
        if (error && error.message === "no-decoder") {
          message = desk.text.cameraNoDecoder;
        } else if (error && (error.name === "NotAllowedError" || error.name === "SecurityError")) {
          message = desk.text.cameraDenied;
        }
        desk.stopCamera();
        video.hidden = true;
        desk.cameraMessage(message);
      });
  };

  Desk.prototype.scanFrame = function () {
    var desk = this;
    var camera = this.camera;
    var video = document.getElementById("desk-video");
    if (!camera || !camera.open) {
      return;
    }
    var next = function () {
      camera.timer = window.setTimeout(function () {
        desk.scanFrame();
      }, 200);
    };
    if (video.readyState < 2 || this.busy) {
      next();
      return;
    }
    camera
      .decode(video)
      .then(function (text) {
        if (!text) {
          return;
        }
        // A ticket held in view is sent once (not again every few seconds, which
        // would turn its green answer orange); shown again after a pause, it is sent again.
        var now = Date.now();
        var stillInView = text === camera.last && now - camera.lastAt <= SAME_QR_PAUSE;
        camera.last = text;
        camera.lastAt = now;
        if (!stillInView) {
          desk.checkIn({ ticket: text }, null);
        }
      })
      .catch(function () {
        // An unreadable frame: try the next one.
      })
      .then(next);
  };

  Desk.prototype.stopCamera = function () {
    var camera = this.camera;
    if (camera) {
      camera.open = false;
      window.clearTimeout(camera.timer);
      if (camera.stream) {
        camera.stream.getTracks().forEach(function (track) {
          track.stop();
        });
      }
    }
    this.camera = null;
    document.getElementById("desk-camera-button").setAttribute("aria-expanded", "false");
  };

  Desk.prototype.closeCamera = function () {
    this.stopCamera();
    var video = document.getElementById("desk-video");
    video.srcObject = null;
    document.getElementById("desk-camera").hidden = true;
    document.getElementById("desk").classList.remove("is-camera-open");
    this.focusInput();
  };

  // The walk-in page ------------------------------------------------------------------

  function initWalkIn() {
    // Its check-ins record this device's name, as the desk's do (never used as a
    // desk: no name, and the server records "walk-in").
    var name = stored(KEYS.device);
    if (name) {
      Array.prototype.forEach.call(document.querySelectorAll("input[data-desk-device]"), function (field) {
        field.value = name;
      });
    }
    // Sent back with errors: start at the list of them, as the registration form does.
    var summary = document.querySelector("[data-error-summary]");
    if (summary) {
      summary.focus();
    }
  }

  // Start ------------------------------------------------------------------------------

  document.addEventListener("DOMContentLoaded", function () {
    var chooser = document.getElementById("desk-chooser");
    if (chooser) {
      initChooser(chooser);
    }
    if (document.getElementById("walk-in-form")) {
      initWalkIn();
    }
    var config = document.getElementById("desk-config");
    if (config && document.getElementById("desk")) {
      window.wegovDesk = new Desk(JSON.parse(config.textContent));
      // The desk answers scans from now on (browser tests wait for this).
      document.getElementById("desk").setAttribute("data-ready", "true");
    }
  });
})();
