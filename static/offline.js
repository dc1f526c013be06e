// khabar reader script for the installable site. No third-party code.
//
// It registers the service worker (/sw.js, which keeps pages for reading
// offline and shows push notifications), counts the stories this reader
// has read, and once there are three and the browser offers to install
// the site (beforeinstallprompt), shows a small bar "खबर ऐप की तरह जोड़ें"
// with install / not now; "अभी नहीं" holds for 30 days. On the offline
// page it lists the stories the service worker has kept.
(function () {
	'use strict';
	if (!('serviceWorker' in navigator)) return;
	var READS = 3, MONTH = 30 * 86400 * 1000;
	function get(k) { try { return localStorage.getItem(k); } catch (e) { return null; } }
	function set(k, v) { try { localStorage.setItem(k, v); } catch (e) { /* private mode */ } }
	function el(tag, cls, text) {
		var e = document.createElement(tag);
		if (cls) e.className = cls;
		if (text) e.textContent = text;
		return e;
	}
	navigator.serviceWorker.register('/sw.js').catch(function () { /* no offline reading */ });

	// ---- stories read: distinct paths, the last 20 ----
	var read = [];
	try { read = JSON.parse(get('khabar-read') || '[]') || []; } catch (e) { read = []; }
	if (document.querySelector('article .body') && /^\/news\//.test(location.pathname) &&
		read.indexOf(location.pathname) < 0) {
		read.push(location.pathname);
		set('khabar-read', JSON.stringify(read.slice(-20)));
	}

	// ---- the install bar ----
	// Its state on <html data-install>, which the tests wait on: "waits"
	// (for reads or the browser's offer), "no" (declined, installed or
	// running as the app), "shown".
	var root = document.documentElement, offer = null, bar = null;
	function declined() {
		return get('khabar-install') === 'installed' ||
			Date.now() - (parseInt(get('khabar-install-no') || '0', 10) || 0) < MONTH ||
			window.matchMedia('(display-mode: standalone)').matches;
	}
	function close() { if (bar) bar.remove(); bar = null; }
	function show() {
		if (bar || !offer) return;
		if (declined()) { root.dataset.install = 'no'; return; }
		if (read.length < READS) { root.dataset.install = 'waits'; return; }
		// One overlay at a time: the push prompt goes first.
		if (document.querySelector('.push-ask')) { setTimeout(show, 3000); return; }
		bar = el('div', 'install-bar');
		bar.setAttribute('role', 'dialog');
		bar.setAttribute('aria-label', 'ऐप की तरह जोड़ें');
		var yes = el('button', 'install-yes', 'जोड़ें'), no = el('button', 'install-no', 'अभी नहीं');
		yes.type = no.type = 'button';
		bar.append(el('p', '', 'खबर ऐप की तरह जोड़ें'), yes, no);
		document.body.appendChild(bar);
		root.dataset.install = 'shown';
		no.addEventListener('click', function () {
			set('khabar-install-no', String(Date.now()));
			root.dataset.install = 'no';
			close();
		});
		yes.addEventListener('click', function () {
			var o = offer;
			offer = null;
			close();
			o.prompt();
			o.userChoice.then(function (c) {
				if (c.outcome !== 'accepted') set('khabar-install-no', String(Date.now()));
				root.dataset.install = 'no';
			});
		});
	}
	root.dataset.install = declined() ? 'no' : 'waits';
	window.addEventListener('beforeinstallprompt', function (e) {
		e.preventDefault(); // the browser's own banner waits for ours
		offer = e;
		show();
	});
	window.addEventListener('appinstalled', function () {
		set('khabar-install', 'installed');
		root.dataset.install = 'no';
		close();
	});

	// ---- the offline page: the stories kept, newest first ----
	var saved = document.getElementById('offline-saved');
	if (!saved || !window.caches) return;
	var retry = document.querySelector('.offline-retry');
	retry.hidden = false;
	retry.addEventListener('click', function () { location.reload(); });
	caches.keys().then(function (names) {
		var name = names.filter(function (n) { return n.indexOf('khabar-') === 0; })[0];
		if (!name) return;
		return caches.open(name).then(function (c) {
			return Promise.all([c.keys(), c.match('/offline.json').then(function (r) { return r ? r.json() : { stories: [] }; })]);
		}).then(function (got) {
			var kept = {}, titles = {}, order = [];
			got[0].forEach(function (req) {
				var p = new URL(req.url).pathname;
				if (/^\/news\//.test(p)) kept[p] = true;
			});
			got[1].stories.forEach(function (s) { titles[s.url] = s.title; order.push(s.url); });
			// The reader's own stories (not in the list) last, newest first.
			Object.keys(kept).reverse().forEach(function (p) { if (!(p in titles)) order.push(p); });
			var ul = saved.querySelector('ul');
			order.forEach(function (p) {
				if (!kept[p]) return;
				var li = el('li'), a = el('a', '', titles[p] || decodeURIComponent(p.slice(6)).replace(/-/g, ' '));
				a.href = p;
				li.appendChild(a);
				ul.appendChild(li);
			});
			saved.hidden = !ul.children.length;
			root.dataset.offlineSaved = String(ul.children.length);
		});
	}).catch(function () { /* nothing to list */ });
})();
