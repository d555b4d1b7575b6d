// The desk without the network (docs/desk.md, "When the network drops";
// registration/desk/offline.py). Loaded on every desk page, before desk.js:
// - on the desk page, desk.js hands each scan here when the server cannot be
//   reached: it is looked up in this checkpoint's list (kept on the device for
//   the day: names, codes and digests of the ticket secrets only), queued, and
//   sent when the connection returns;
// - it registers the service worker that loads the desk page without the network;
// - on every desk page, logging out empties what the desk kept on the device.
(function () {
  "use strict";

  var LIST_KEY = "wegov.desk.offline-list";
  var QUEUE_KEY = "wegov.desk.queue";
  var LIST_EVERY = 60000; // the list is fetched again this often while online
  var BATCH = 50; // scans per request (the server takes up to 100)
  var RETRY_FIRST = 2000;
  var RETRY_MAX = 60000;
  var SENT_SHOWN = 50;
  var CACHE_PREFIX = "wegov-desk:";

  function read(key) {
    try {
      var value = window.localStorage.getItem(key);
      return value ? JSON.parse(value) : null;
    } catch (e) {
      return null;
    }
  }

  function write(key, value) {
    try {
      if (value === null) {
        window.localStorage.removeItem(key);
      } else {
        window.localStorage.setItem(key, JSON.stringify(value));
      }
      return true;
    } catch (e) {
      return false; // private mode or full: the desk still works online
    }
  }

  function readQueue() {
    var queue = read(QUEUE_KEY);
    return Array.isArray(queue) ? queue : [];
  }

  // The device's own date: a list is for the day it was fetched on.
  function localDay() {
    var now = new Date();
    var pad = function (n) {
      return (n < 10 ? "0" : "") + n;
    };
    return now.getFullYear() + "-" + pad(now.getMonth() + 1) + "-" + pad(now.getDate());
  }

  function newId() {
    if (window.crypto && window.crypto.randomUUID) {
      return window.crypto.randomUUID();
    }
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map.call(bytes, function (b) {
      return (b < 16 ? "0" : "") + b.toString(16);
    }).join("");
    return hex.slice(0, 8) + "-" + hex.slice(8, 12) + "-" + hex.slice(12, 16) + "-" + hex.slice(16, 20) + "-" + hex.slice(20);
  }

  // SHA-256 of the text in lower case, hex, cut to 32 digits: as the server
  // digests a ticket secret (offline.ticket_digest). Needs a secure context.
  function digest(text) {
    if (!window.crypto || !window.crypto.subtle || !window.TextEncoder) {
      return Promise.resolve(null);
    }
    return window.crypto.subtle.digest("SHA-256", new TextEncoder().encode(text.toLowerCase())).then(function (buffer) {
      return Array.prototype.map.call(new Uint8Array(buffer), function (b) {
        return (b < 16 ? "0" : "") + b.toString(16);
      }).join("").slice(0, 32);
    });
  }

  function format(template, values) {
    return template.replace(/%\((\w+)\)s/g, function (all, name) {
      return name in values ? String(values[name]) : all;
    });
  }

  // What the desk keeps on the device, emptied at log-out (the server also sends
  // Clear-Site-Data, which browsers apply over HTTPS only).
  function forgetDevice() {
    write(LIST_KEY, null);
    write(QUEUE_KEY, null);
    var deleteCopies = function () {
      if (!window.caches) {
        return null;
      }
      return window.caches.keys().then(function (names) {
        return Promise.all(names.filter(function (name) {
          return name.indexOf(CACHE_PREFIX) === 0;
        }).map(function (name) {
          return window.caches.delete(name);
        }));
      });
    };
    var work = Promise.resolve();
    if (navigator.serviceWorker && navigator.serviceWorker.getRegistrations) {
      // The worker first, so that it keeps nothing more once its copies are gone.
      work = navigator.serviceWorker.getRegistrations().then(function (registrations) {
        return Promise.all(registrations.filter(function (registration) {
          return /\/desk\/$/.test(new URL(registration.scope).pathname);
        }).map(function (registration) {
          return registration.unregister();
        }));
      });
    }
    var timeout = new Promise(function (resolve) {
      window.setTimeout(resolve, 1500);
    });
    return Promise.race([work.then(deleteCopies).catch(function () {}), timeout]);
  }

  function bindLogout() {
    Array.prototype.forEach.call(document.querySelectorAll("form.desk-logout"), function (form) {
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        var waiting = readQueue().length;
        if (waiting && !window.confirm((form.getAttribute("data-unsent") || "") + " (" + waiting + ")")) {
          return;
        }
        forgetDevice().then(function () {
          form.submit();
        });
      });
    });
  }

  // The offline mode of one desk page --------------------------------------------

  function Offline(desk, helpers) {
    this.desk = desk;
    this.config = desk.config;
    this.text = desk.text;
    this.asKeyed = helpers.asKeyed;
    this.el = helpers.el;
    this.active = navigator.onLine === false;
    this.sending = false;
    this.failures = 0;
    this.retryTimer = null;
    this.loggedOut = false;
    this.sent = [];
    this.banner = document.getElementById("desk-offline");
    this.bannerTitle = document.getElementById("desk-offline-title");
    this.bannerText = document.getElementById("desk-offline-text");
    this.listStatus = document.getElementById("desk-offline-list");
    this.sentBox = document.getElementById("desk-sent");
    this.sentList = document.getElementById("desk-sent-list");
    this.loadList();
    this.bind();
    this.render();
    this.registerWorker();
    if (!this.active) {
      this.fetchList();
      this.flush();
    }
  }

  Offline.prototype.bind = function () {
    var offline = this;
    window.addEventListener("offline", function () {
      offline.goOffline();
    });
    window.addEventListener("online", function () {
      offline.failures = 0;
      offline.flush();
      offline.fetchList();
    });
    window.setInterval(function () {
      if (!offline.active && !document.hidden) {
        offline.fetchList();
      }
    }, LIST_EVERY);
  };

  Offline.prototype.registerWorker = function () {
    var url = this.config.urls.serviceWorker;
    if (!url || !navigator.serviceWorker || !window.isSecureContext) {
      return;
    }
    var firstVisit = !navigator.serviceWorker.controller;
    navigator.serviceWorker
      .register(url, { scope: this.config.urls.deskRoot })
      .then(function () {
        return navigator.serviceWorker.ready;
      })
      .then(function (registration) {
        // This page came from the network before the worker ran: ask it to keep a copy.
        if (firstVisit && registration.active) {
          registration.active.postMessage({ keep: window.location.pathname });
        }
      })
      .catch(function () {
        // Without it the desk works as before; it only needs the network to load.
      });
  };

  // The list ------------------------------------------------------------------------

  Offline.prototype.loadList = function () {
    var list = read(LIST_KEY);
    if (list && list.deviceDay !== localDay()) {
      write(LIST_KEY, null); // another day's list: never used
      list = null;
    }
    this.useList(list && list.checkpoint === this.config.checkpoint ? list : null);
  };

  Offline.prototype.useList = function (list) {
    this.list = list;
    this.byCode = {};
    this.byDigest = {};
    var offline = this;
    (list ? list.people : []).forEach(function (person) {
      var entry = { name: person[0], code: person[1] };
      offline.byCode[person[1]] = entry;
      offline.byDigest[person[2]] = entry;
    });
  };

  Offline.prototype.fetchList = function () {
    var offline = this;
    return this.desk
      .get(this.config.urls.offlineList, { checkpoint: this.config.checkpoint })
      .then(function (response) {
        offline.reached(response);
        return response.ok ? response.json() : null;
      })
      .then(function (data) {
        if (!data || !Array.isArray(data.people) || data.checkpoint !== offline.config.checkpoint) {
          return;
        }
        var list = {
          checkpoint: data.checkpoint,
          day: data.day,
          deviceDay: localDay(),
          fetchedAt: Date.now(),
          people: data.people,
        };
        write(LIST_KEY, list);
        offline.useList(list);
        offline.render();
      })
      .catch(function () {
        offline.goOffline();
      });
  };

  Offline.prototype.lookup = function (text) {
    var keyed = this.asKeyed(text.trim());
    var code = keyed.toUpperCase().replace(/[-\s]/g, "");
    if (this.byCode[code]) {
      return Promise.resolve(this.byCode[code]);
    }
    var offline = this;
    return digest(keyed).then(function (key) {
      return key ? offline.byDigest[key] || null : null;
    });
  };

  // Scans while offline ------------------------------------------------------------

  Offline.prototype.goOffline = function () {
    if (!this.active) {
      this.active = true;
      this.render();
    }
  };

  // Any answer from the server (not a proxy's "bad gateway"): the connection is back.
  Offline.prototype.reached = function (response) {
    if (!response || response.status >= 502) {
      return;
    }
    if (this.active) {
      this.active = false;
      this.render();
      this.flush();
    }
  };

  // Whether a failed request means the server is out of reach: no answer, or a
  // proxy's 502/503/504 page (the site's own "busy, try again" 503 is JSON).
  Offline.prototype.unreachable = function (response, data) {
    if (!response) {
      return true;
    }
    var status = response.status;
    return status === 502 || status === 504 || (status === 503 && !(data && data.error));
  };

  Offline.prototype.scan = function (payload) {
    var desk = this.desk;
    var text = this.text;
    var offline = this;
    this.goOffline();
    if (this.list && this.list.deviceDay !== localDay()) {
      this.loadList(); // a page left open overnight: yesterday's list is not used
    }
    if (!this.list) {
      desk.show({ result: "problem", title: text.offlineNoList, message: text.offlineNoListHelp });
      desk.sounds.play("problem");
      return Promise.resolve();
    }
    return this.lookup(payload.ticket || payload.registration || "").then(function (person) {
      if (!person) {
        desk.show({ result: "refused", title: text.offlineNotListed, message: text.offlineNotListedHelp });
        desk.sounds.play("refused");
        return;
      }
      var attendee = { name: person.name, code: person.code };
      var queue = readQueue();
      var queued = queue.some(function (item) {
        return item.registration === person.code && item.checkpoint === offline.config.checkpoint;
      });
      if (queued) {
        desk.show({ result: "already", title: text.offlineAlreadyQueued, message: "", attendee: attendee });
        desk.sounds.play("already");
        return;
      }
      queue.push({
        id: newId(),
        checkpoint: offline.config.checkpoint,
        registration: person.code,
        name: person.name,
        at: Date.now(),
        device: desk.device,
      });
      if (!write(QUEUE_KEY, queue)) {
        desk.show({ result: "problem", title: text.offlineNoList, message: text.offlineNoListHelp });
        desk.sounds.play("problem");
        return;
      }
      desk.show({ result: "ok", title: text.offlineQueued, message: text.offlineQueuedHelp, attendee: attendee });
      desk.sounds.play("ok");
      offline.render();
      offline.retryLater();
    });
  };

  // Sending the queue ---------------------------------------------------------------

  Offline.prototype.retryLater = function () {
    var offline = this;
    window.clearTimeout(this.retryTimer);
    var delay = Math.min(RETRY_MAX, RETRY_FIRST * Math.pow(2, this.failures));
    this.retryTimer = window.setTimeout(function () {
      offline.flush();
    }, delay + Math.random() * 1000);
  };

  Offline.prototype.flush = function () {
    var queue = readQueue();
    if (this.sending || !queue.length) {
      return Promise.resolve();
    }
    if (navigator.onLine === false) {
      // The device itself has no network: try again later (and at once on "online").
      this.retryLater();
      return Promise.resolve();
    }
    var offline = this;
    var batch = queue.slice(0, BATCH);
    var names = {};
    batch.forEach(function (item) {
      names[item.id] = item.name;
    });
    var response = null;
    this.sending = true;
    this.render();
    var scans = batch.map(function (item) {
      return { id: item.id, checkpoint: item.checkpoint, registration: item.registration, at: item.at, device: item.device };
    });
    return this.desk
      .post(this.config.urls.queued, { sent_at: Date.now(), scans: scans })
      .then(function (r) {
        response = r;
        offline.reached(r);
        return r.json().catch(function () {
          return null;
        });
      })
      .then(function (data) {
        offline.loggedOut = response.status === 403;
        if (response.ok && data && Array.isArray(data.results)) {
          offline.done(batch, data.results, names);
          offline.failures = 0;
          offline.desk.refreshCounters();
          return "more";
        }
        if (response.status === 400) {
          // The request itself was refused (never for one bad scan): say so, keep nothing stuck.
          offline.done(batch, batch.map(function (item) {
            return { id: item.id, result: "invalid", title: (data && data.error) || offline.text.serverError, name: "" };
          }), names);
          return "more";
        }
        offline.failures += 1;
        offline.retryLater();
      })
      .catch(function () {
        offline.failures += 1;
        offline.goOffline();
        offline.retryLater();
      })
      .then(function (more) {
        offline.sending = false;
        offline.render();
        if (more && readQueue().length) {
          return offline.flush();
        }
      });
  };

  // Take the answered scans off the queue (read again: scans made meanwhile stay).
  Offline.prototype.done = function (batch, results, names) {
    var answered = {};
    batch.forEach(function (item) {
      answered[item.id] = true;
    });
    write(QUEUE_KEY, readQueue().filter(function (item) {
      return !answered[item.id];
    }));
    var sent = this.sent;
    results.forEach(function (result) {
      sent.unshift({
        name: result.name || names[result.id] || "",
        result: result.result,
        title: result.title,
        message: result.message || "",
      });
    });
    this.sent = sent.slice(0, SENT_SHOWN);
    this.renderSent();
  };

  // What the page shows --------------------------------------------------------------

  Offline.prototype.render = function () {
    var text = this.text;
    var waiting = readQueue().length;
    var parts = [];
    if (this.active) {
      this.bannerTitle.textContent = text.offline;
      parts.push(this.list ? text.offlineHelp : text.offlineNoList);
    } else if (waiting) {
      this.bannerTitle.textContent = this.sending ? text.offlineSending : text.offlineBack;
    }
    if (waiting) {
      parts.push(format(text.offlineWaiting, { count: waiting }));
    }
    if (this.loggedOut) {
      parts.push(text.offlineLoggedOut);
    }
    this.bannerText.textContent = parts.join(" ");
    this.banner.hidden = !this.active && !waiting;
    this.banner.classList.toggle("is-offline", this.active);
    document.getElementById("desk").classList.toggle("is-offline", this.active);
    if (this.list) {
      var at = new Date(this.list.fetchedAt);
      var time = (at.getHours() < 10 ? "0" : "") + at.getHours() + ":" + (at.getMinutes() < 10 ? "0" : "") + at.getMinutes();
      this.listStatus.textContent = format(text.offlineList, { count: this.list.people.length, time: time });
    } else {
      this.listStatus.textContent = text.offlineNoListYet;
    }
  };

  Offline.prototype.renderSent = function () {
    var el = this.el;
    var items = this.sent.map(function (entry) {
      var item = el("li", "desk-sent-item is-" + entry.result);
      item.appendChild(el("span", "desk-sent-name", entry.name || "–"));
      item.appendChild(el("span", "desk-sent-result", entry.title));
      if (entry.message) {
        item.appendChild(el("span", "desk-sent-message", entry.message));
      }
      return item;
    });
    this.sentList.replaceChildren.apply(this.sentList, items);
    this.sentBox.hidden = !items.length;
  };

  window.WegovDeskOffline = Offline;

  document.addEventListener("DOMContentLoaded", bindLogout);
})();
