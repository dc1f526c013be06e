// khabar service worker, served from the site root (/sw.js) so its scope is
// the whole site. It shows each push notification (title, summary, photo)
// and opens the story on a click, through the site's click-counting link.
// Every alert shows under one tag, its topic: a repeat of an alert (a later
// update, or a copy re-sent after a server crash) replaces the notification
// silently instead of ringing twice.
'use strict';

self.addEventListener('install', function () { self.skipWaiting(); });
self.addEventListener('activate', function (event) { event.waitUntil(self.clients.claim()); });

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
