// khabar service worker, served from the site root (/sw.js) so its scope is
// the whole site. It shows each push notification (title, summary, photo)
// and opens the story on a click, through the site's click-counting link.
// Every alert shows under one tag, its topic: a repeat of an alert (a later
// update, or a copy re-sent after a server crash) replaces the notification
// silently instead of ringing twice.
//
// It also keeps the site for reading offline, in one cache named after the
// theme's version (KHABAR_VERSION, which the server writes above this
// file: a new deployment changes it, so the browser installs this worker
// again). On install it keeps what /offline.json lists: the shell (CSS,
// scripts, icons, the home page, the offline page) and the latest 50
// stories, after the stories of the old cache (the reader's come along);
// activating drops every older cache. Then:
//   /static/...  cache first (fingerprinted names never change);
//   a page       network first, the kept copy when the network fails, and
//                the offline page for one never kept; the home page and
//                stories the reader opens are kept, at most 100 stories
//                (the oldest go first).
// Never kept: the newsroom, the API, anything but a GET, and any answer
// that is not a plain 200 or says private or no-store.
'use strict';

var CACHE = 'khabar-' + (self.KHABAR_VERSION || 'dev');
var MAX_STORIES = 100;

function isStory(path) { return path.indexOf('/news/') === 0; }

// Whether an answer may be kept: the site's own, whole and public.
function keepable(res) {
	if (!res || res.status !== 200 || res.type !== 'basic') return false;
	return !/no-store|private/i.test(res.headers.get('Cache-Control') || '');
}

// Drops the oldest stories of cache c beyond MAX_STORIES (keys come in the
// order they were stored: see store).
function trim(c) {
	return c.keys().then(function (keys) {
		var stories = keys.filter(function (k) { return isStory(new URL(k.url).pathname); });
		return Promise.all(stories.slice(0, Math.max(0, stories.length - MAX_STORIES)).map(function (k) {
			return c.delete(k);
		}));
	});
}

// Stores a page under key in c as the newest: Chromium keeps a replaced
// entry in its old place, which would make a story read again the first
// the bound drops.
function store(c, key, res) {
	return c.delete(key).then(function () { return c.put(key, res); });
}

// Fetches url and keeps it in c when it may be kept; never rejects.
function keep(c, url) {
	return fetch(url, { credentials: 'omit' }).then(function (res) {
		if (keepable(res)) return store(c, url, res);
	}).catch(function () {});
}

// The stories of the older caches (the reader's and the recent ones) go
// into c, the new one, one by one in the order they were kept, so that
// the bound drops the same oldest ones it would have.
function carryOver(c) {
	return caches.keys().then(function (names) {
		return names.filter(function (n) { return n.indexOf('khabar-') === 0 && n !== CACHE; });
	}).then(function (names) {
		return names.reduce(function (done, n) {
			return done.then(function () { return caches.open(n); }).then(function (old) {
				return old.keys().then(function (keys) {
					return keys.filter(function (k) { return isStory(new URL(k.url).pathname); }).reduce(function (d, k) {
						return d.then(function () { return old.match(k); }).then(function (res) {
							if (res) return c.put(k, res);
						});
					}, Promise.resolve());
				});
			});
		}, Promise.resolve());
	});
}

// The old stories first, then the shell and the latest ones: stored last,
// those are the last the bound drops.
function precache() {
	return caches.open(CACHE).then(function (c) {
		return fetch('/offline.json', { cache: 'no-store', credentials: 'omit' }).then(function (res) {
			if (!res.ok) throw new Error('offline.json: ' + res.status);
			return c.put('/offline.json', res.clone()).then(function () { return res.json(); });
		}).then(function (list) {
			return carryOver(c).then(function () { return c.addAll(list.shell); }).then(function () {
				return Promise.all(list.stories.map(function (s) { return keep(c, s.url); }));
			});
		}).then(function () { return trim(c); });
	});
}

// Push must work even where keeping pages fails (a full disk, a server
// down at the moment): install does not wait on it failing.
self.addEventListener('install', function (event) {
	self.skipWaiting();
	event.waitUntil(precache().catch(function () {}));
});
self.addEventListener('activate', function (event) {
	event.waitUntil(caches.keys().then(function (names) {
		return Promise.all(names.filter(function (n) { return n.indexOf('khabar-') === 0 && n !== CACHE; }).map(function (n) {
			return caches.delete(n);
		}));
	}).then(function () { return self.clients.claim(); }));
});

function page(event, url) {
	var req = event.request;
	return fetch(req).then(function (res) {
		if ((url.pathname === '/' || isStory(url.pathname)) && keepable(res)) {
			var copy = res.clone();
			event.waitUntil(caches.open(CACHE).then(function (c) {
				// Kept under the path alone: the home page opened as
				// the app (/?source=pwa) is the home page.
				return store(c, url.origin + url.pathname, copy).then(function () { return trim(c); });
			}));
		}
		return res;
	}).catch(function () {
		return caches.open(CACHE).then(function (c) {
			return c.match(req, { ignoreSearch: true, ignoreVary: true }).then(function (hit) {
				return hit || c.match('/offline', { ignoreVary: true });
			});
		}).then(function (hit) {
			return hit || new Response('<!doctype html><meta charset="utf-8"><title>आप ऑफ़लाइन हैं</title><h1>आप ऑफ़लाइन हैं</h1>',
				{ status: 503, headers: { 'Content-Type': 'text/html; charset=utf-8' } });
		});
	});
}

function asset(event) {
	return caches.match(event.request, { ignoreVary: true }).then(function (hit) {
		if (hit) return hit;
		return fetch(event.request).then(function (res) {
			if (keepable(res)) {
				var copy = res.clone();
				event.waitUntil(caches.open(CACHE).then(function (c) { return c.put(event.request, copy); }));
			}
			return res;
		});
	});
}

self.addEventListener('fetch', function (event) {
	var req = event.request;
	if (req.method !== 'GET') return;
	var url = new URL(req.url);
	if (url.origin !== self.location.origin) return;
	if (/^\/(newsroom|api\/|push\/click|sw\.js)/.test(url.pathname)) return;
	if (url.pathname.indexOf('/static/') === 0) event.respondWith(asset(event));
	else if (req.mode === 'navigate') event.respondWith(page(event, url));
});

self.addEventListener('push', function (event) {
	var d = {};
	try {
		d = event.data ? event.data.json() : {};
	} catch (e) {
		d = { title: event.data ? event.data.text() : '' };
	}
	var options = {
		body: d.body || '',
		tag: d.tag || 'khabar',
		renotify: false,
		lang: 'hi',
		data: { url: d.url || '/' },
	};
	if (d.image) options.image = d.image;
	event.waitUntil(self.registration.showNotification(d.title || 'नई खबर', options));
});

self.addEventListener('notificationclick', function (event) {
	event.notification.close();
	var url = (event.notification.data && event.notification.data.url) || '/';
	event.waitUntil(self.clients.openWindow(url));
});

// The push service replaced the subscription: store the new one, keeping
// the reader's topics.
self.addEventListener('pushsubscriptionchange', function (event) {
	var old = event.oldSubscription;
	event.waitUntil((event.newSubscription ? Promise.resolve(event.newSubscription)
		: self.registration.pushManager.subscribe(old.options)).then(function (sub) {
		var post = function (path, body) {
			return fetch(path, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) })
				.then(function (r) { return r.json(); });
		};
		return (old ? post('/api/v1/push/status', { endpoint: old.endpoint }) : Promise.resolve({}))
			.then(function (st) {
				return post('/api/v1/push/subscribe', { subscription: sub.toJSON(), topics: st.topics || ['all'] });
			});
	}));
});
