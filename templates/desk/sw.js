// The check-in desk's service worker (registration/desk/offline.py serves it from
// the desk's address, so that its scope is the desk). It keeps the desk page and
// its static files so that the page loads without the network: the desk pages
// network first (the copy only when the server cannot be reached), the static
// files (hashed names: a new version is a new name) from the copy. The desk
// pages are the checkpoint chooser and the desk of each checkpoint. Nothing else:
// the JSON API (counters, search, scans) always goes to the server, and the
// offline list lives in the page's storage, not here.
"use strict";

var CACHE = {{ cache_name|safe }};
var CACHE_PREFIX = {{ cache_prefix|safe }};
var FILES = {{ files|safe }};
var PAGES = {{ pages|safe }};
var CHOOSER = {{ chooser|safe }};

self.addEventListener("install", function (event) {
  event.waitUntil(
    caches
      .open(CACHE)
      .then(function (cache) {
        return cache.addAll(FILES);
      })
      .then(function () {
        return self.skipWaiting();
      })
  );
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches
      .keys()
      .then(function (names) {
        return Promise.all(
          names
            .filter(function (name) {
              return name.indexOf(CACHE_PREFIX) === 0 && name !== CACHE;
            })
            .map(function (name) {
              return caches.delete(name);
            })
        );
      })
      .then(function () {
        return self.clients.claim();
      })
  );
});

// The kept copy of a request (its Vary headers ignored: the request a page makes
// offline is the one it made online, from the same log-in).
function copyOf(request) {
  return caches.match(request, { cacheName: CACHE, ignoreVary: true });
}

function fromCopy(request) {
  return copyOf(request).then(function (copy) {
    return copy || fetch(request);
  });
}

function networkFirst(request) {
  return fetch(request)
    .then(function (response) {
      if (response.status >= 502) {
        // A proxy's "bad gateway": the server is out of reach.
        return copyOf(request).then(function (copy) {
          return copy || response;
        });
      }
      // Only the desk page itself: not a redirect to the log-in page, not an error.
      if (response.ok && !response.redirected && response.type === "basic") {
        var copy = response.clone();
        caches.open(CACHE).then(function (cache) {
          cache.put(request, copy);
        });
      }
      return response;
    })
    .catch(function (error) {
      return copyOf(request).then(function (copy) {
        if (copy) {
          return copy;
        }
        throw error;
      });
    });
}

// The desk page asks to be kept when it was loaded before this worker took over
// (its first visit): fetched again, with the log-in's cookie, and kept.
self.addEventListener("message", function (event) {
  var path = event.data && event.data.keep;
  if (typeof path !== "string" || path.indexOf(PAGES) !== 0 || path.indexOf("?") !== -1) {
    return;
  }
  event.waitUntil(
    fetch(path, { credentials: "same-origin" })
      .then(function (response) {
        if (response.ok && !response.redirected) {
          return caches.open(CACHE).then(function (cache) {
            return cache.put(path, response);
          });
        }
      })
      .catch(function () {
        // Kept at the next visit instead.
      })
  );
});

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") {
    return;
  }
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) {
    return;
  }
  if (FILES.indexOf(url.pathname) !== -1) {
    event.respondWith(fromCopy(request));
  } else if (request.mode === "navigate" && !url.search && (url.pathname === CHOOSER || url.pathname.indexOf(PAGES) === 0)) {
    event.respondWith(networkFirst(request));
  }
  // Anything else (the API, other pages): the network, as without a service worker.
});
