// khabar reader script for push notifications. No third-party code.
//
// The prompt ("नई खबरों की सूचना पाएँ?") waits for the reader to engage:
// scrolling well into a story, or a second page view. Never on first paint,
// and never again for a week after "अभी नहीं". The browser's own permission
// request comes only after the reader says yes. The prompt is a fixed
// overlay, so it never shifts the page. /push lets the reader choose topics
// (categories) or cancel.
(function () {
	'use strict';
	if (!('serviceWorker' in navigator) || !('PushManager' in window) || !('Notification' in window)) return;
	var WEEK = 7 * 86400 * 1000;
	function get(k) { try { return localStorage.getItem(k); } catch (e) { return null; } }
	function set(k, v) { try { localStorage.setItem(k, v); } catch (e) { /* private mode */ } }

	var ready = navigator.serviceWorker.register('/sw.js').then(function () {
		return navigator.serviceWorker.ready;
	});

	function post(path, body) {
		return fetch(path, {
			method: 'POST', credentials: 'same-origin',
			headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body),
		}).then(function (r) {
			return r.json().then(function (j) {
				if (!r.ok) {
					var e = new Error((j.error && j.error.message) || r.status);
					e.status = r.status;
					throw e;
				}
				return j;
			});
		});
	}
	function keyBytes(b64) {
		var s = atob(b64.replace(/-/g, '+').replace(/_/g, '/') + '==='.slice((b64.length + 3) % 4));
		var out = new Uint8Array(s.length);
		for (var i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
		return out;
	}
	// Subscribes this browser (permission already granted) with topics.
	function subscribe(topics) {
		return ready.then(function (reg) {
			return reg.pushManager.getSubscription().then(function (sub) {
				if (sub) return sub;
				return fetch('/api/v1/push/key').then(function (r) { return r.json(); }).then(function (k) {
					return reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes(k.publicKey) });
				});
			});
		}).then(function (sub) {
			return post('/api/v1/push/subscribe', { subscription: sub.toJSON(), topics: topics });
		}).then(function (j) { set('khabar-push', 'yes'); return j; });
	}

	// ---- the prompt ----
	function el(tag, cls, text) {
		var e = document.createElement(tag);
		if (cls) e.className = cls;
		if (text) e.textContent = text;
		return e;
	}
	var shown = false;
	function eligible() {
		return !shown && Notification.permission === 'default' && get('khabar-push') !== 'yes' &&
			!(Date.now() - (parseInt(get('khabar-push-no') || '0', 10) || 0) < WEEK) &&
			!document.getElementById('push-manage');
	}
	// The prompt's state on <html data-push-ask>, which the tests wait on:
	// "waits" for engagement, "no" (decided not to ask), "shown".
	var root = document.documentElement;
	function prompt() {
		if (!eligible()) { if (!shown) root.dataset.pushAsk = 'no'; return; }
		shown = true;
		root.dataset.pushAsk = 'shown';
		var box = el('div', 'push-ask');
		box.setAttribute('role', 'dialog');
		box.setAttribute('aria-labelledby', 'push-ask-t');
		var t = el('p', 'push-ask-t', 'नई खबरों की सूचना पाएँ?');
		t.id = 'push-ask-t';
		var s = el('p', 'push-ask-s', 'बड़ी खबरें सबसे पहले, सीधे आपके फ़ोन पर। विषय आप चुनें।');
		var yes = el('button', 'push-yes', 'हाँ, सूचना दें');
		var no = el('button', 'push-no', 'अभी नहीं');
		yes.type = no.type = 'button';
		var row = el('div', 'push-ask-b');
		row.append(yes, no);
		box.append(t, s, row);
		document.body.appendChild(box);
		function close() { box.remove(); }
		no.addEventListener('click', function () { set('khabar-push-no', String(Date.now())); close(); });
		yes.addEventListener('click', function () {
			yes.disabled = no.disabled = true;
			Notification.requestPermission().then(function (p) {
				if (p !== 'granted') { set('khabar-push-no', String(Date.now())); close(); return; }
				return subscribe(['all']).then(function () {
					row.remove();
					t.textContent = 'सूचनाएँ चालू हो गईं।';
					s.textContent = '';
					var a = el('a', '', 'विषय चुनें');
					a.href = '/push';
					s.appendChild(a);
					setTimeout(close, 8000);
				});
			}).catch(function (e) {
				// Too many new subscriptions from this address: the
				// server says, in Hindi, when to try again.
				var limited = e && e.status === 429;
				t.textContent = limited ? e.message : 'सूचनाएँ चालू नहीं हो सकीं। बाद में फिर कोशिश करें।';
				setTimeout(close, limited ? 8000 : 4000);
			});
		});
	}

	var views = (parseInt(get('khabar-push-views') || '0', 10) || 0) + 1;
	set('khabar-push-views', String(views));
	if (views >= 2) setTimeout(prompt, 2000);
	else root.dataset.pushAsk = 'waits';
	var story = document.querySelector('article .body');
	if (story) {
		var onScroll = function () {
			var r = story.getBoundingClientRect();
			if (-r.top > r.height * 0.3 || r.bottom < window.innerHeight) {
				window.removeEventListener('scroll', onScroll);
				prompt();
			}
		};
		window.addEventListener('scroll', onScroll, { passive: true });
	}

	// ---- the manage page (/push) ----
	var manage = document.getElementById('push-manage');
	if (!manage) return;
	var status = document.getElementById('push-status');
	var boxes = manage.querySelectorAll('input[name=topic]');
	var all = manage.querySelector('input[value=all]');
	function say(text) { status.textContent = text; }
	function chosen() {
		if (all.checked) return ['all'];
		var v = [];
		boxes.forEach(function (b) { if (b.checked && b.value !== 'all') v.push(b.value); });
		return v.length ? v : ['all'];
	}
	ready.then(function (reg) { return reg.pushManager.getSubscription(); }).then(function (sub) {
		manage.hidden = false;
		if (!sub) { say('इस ब्राउज़र पर सूचनाएँ अभी बंद हैं। विषय चुनकर चालू करें।'); return; }
		return post('/api/v1/push/status', { endpoint: sub.endpoint }).then(function (st) {
			if (!st.subscribed) { say('इस ब्राउज़र पर सूचनाएँ अभी बंद हैं।'); return; }
			boxes.forEach(function (b) { b.checked = st.topics.indexOf(b.value) >= 0; });
			say('सूचनाएँ चालू हैं।');
		});
	}).catch(function () { say('स्थिति पता नहीं चल सकी।'); });
	manage.addEventListener('submit', function (ev) {
		ev.preventDefault();
		Notification.requestPermission().then(function (p) {
			if (p !== 'granted') { say('ब्राउज़र ने सूचनाओं की अनुमति नहीं दी।'); return; }
			return subscribe(chosen()).then(function () { say('आपकी पसंद सहेज ली गई।'); });
		}).catch(function (e) { say('सहेजा नहीं जा सका: ' + e.message); });
	});
	document.getElementById('push-off').addEventListener('click', function () {
		ready.then(function (reg) { return reg.pushManager.getSubscription(); }).then(function (sub) {
			if (!sub) { say('सूचनाएँ पहले से बंद हैं।'); return; }
			return post('/api/v1/push/unsubscribe', { endpoint: sub.endpoint }).then(function () {
				return sub.unsubscribe();
			}).then(function () { set('khabar-push', 'no'); say('सूचनाएँ बंद कर दी गईं।'); });
		}).catch(function () { say('बंद नहीं हो सकीं। फिर कोशिश करें।'); });
	});
})();
