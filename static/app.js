// khabar reader script: a story's read for the most-read lists, copy
// link, the Web Share API button, live coverage's updates, and the search
// box's suggestions. No third-party
// code, nothing needed for reading: pages work without it (the search
// form submits as it is; a reload shows every live update).
(function () {
	'use strict';
	// A story's read, for the most-read lists: asked for once the page is
	// seen (not while it is prerendered or opened in a background tab),
	// with no cookie. Without JavaScript the <noscript> image asks.
	var story = document.querySelector('[data-read]');
	if (story) {
		var sent = false;
		var read = function () {
			if (sent || document.visibilityState !== 'visible') return;
			sent = true;
			fetch(story.getAttribute('data-read'), { keepalive: true, credentials: 'omit', cache: 'no-store' }).catch(function () {});
		};
		read();
		document.addEventListener('visibilitychange', read);
	}
	function toast(text) {
		var t = document.createElement('div');
		t.className = 'toast';
		t.setAttribute('role', 'status');
		t.textContent = text;
		document.body.appendChild(t);
		setTimeout(function () { t.remove(); }, 2500);
	}
	// One listener for every share row, so the rows of live updates shown
	// later work too.
	document.addEventListener('click', function (e) {
		var b = e.target.closest && e.target.closest('.share .copy, .share .native');
		if (!b) return;
		var url = b.getAttribute('data-url');
		if (b.classList.contains('native')) {
			navigator.share({ title: b.getAttribute('data-title'), url: url }).catch(function () {});
		} else if (navigator.clipboard && navigator.clipboard.writeText) {
			navigator.clipboard.writeText(url).then(function () {
				toast('लिंक कॉपी हो गया');
			}, function () { window.prompt('यह लिंक कॉपी करें', url); });
		} else {
			window.prompt('यह लिंक कॉपी करें', url);
		}
	});
	// The native share sheet reaches every installed app (Arattai too).
	function showNative(root) {
		if (!navigator.share) return;
		root.querySelectorAll('.share .native').forEach(function (b) { b.hidden = false; });
	}
	showNative(document);
	// Live coverage: every few seconds ask what changed since the update
	// this page shows (/live/ID/since/SEQ.json, the same small cached
	// answer for every reader at SEQ). New updates wait behind a notice,
	// so nothing moves under the reader's thumb; a tap shows them.
	var live = document.querySelector('.live[data-live][data-open]');
	if (live && window.fetch) {
		var id = live.getAttribute('data-live'), seq = +live.getAttribute('data-seq');
		var notice = live.querySelector('.live-notice'), pending = null;
		var feed = live.querySelector('.live-feed'), pinned = live.querySelector('.live-pinned');
		var keys = live.querySelector('.live-keys');
		var poll = function () {
			fetch('/live/' + id + '/since/' + seq + '.json').then(function (r) {
				return r.ok ? r.json() : null;
			}).then(function (j) {
				if (j && j.seq > seq) {
					pending = j;
					var n = j.entries.filter(function (e) { return !e.deleted; }).length;
					notice.textContent = 'नई अपडेट' + (n > 1 ? ' (' + n + ')' : '');
					notice.hidden = false;
				}
				if (!j || j.open) setTimeout(poll, 3000);
			}, function () { setTimeout(poll, 6000); });
		};
		// Newest first within each list, by the time each was posted.
		var place = function (e) {
			var old = document.getElementById('e-' + e.id);
			if (old) old.remove();
			if (e.deleted) return;
			var t = document.createElement('template');
			t.innerHTML = e.html.trim();
			var el = t.content.firstElementChild, list = e.pinned ? pinned : feed, before = null;
			var kids = list.querySelectorAll('.entry');
			for (var i = 0; i < kids.length && !before; i++)
				if (+kids[i].getAttribute('data-at') <= e.at) before = kids[i];
			list.insertBefore(el, before);
			showNative(el);
		};
		notice.addEventListener('click', function () {
			if (!pending) return;
			var empty = feed.querySelector('.live-empty');
			if (empty) empty.remove();
			pending.entries.slice().reverse().forEach(place);
			if (pending.keys !== null) keys.innerHTML = pending.keys;
			if (!pending.open) live.querySelector('.live-h').textContent = 'लाइव कवरेज समाप्त';
			seq = pending.seq;
			pending = null;
			notice.hidden = true;
			live.scrollIntoView({ block: 'start' });
		});
		setTimeout(poll, 3000);
	}
	// Suggestions as the reader types (/api/v1/suggest): a listbox under
	// the header's search box, the ARIA combobox pattern: arrows move,
	// Enter opens the chosen one (or searches), Escape closes.
	var q = document.getElementById('q');
	if (q && window.fetch) {
		var list = document.createElement('ul');
		list.id = 'q-suggest';
		list.className = 'suggest';
		list.setAttribute('role', 'listbox');
		list.setAttribute('aria-label', 'सुझाव');
		list.hidden = true;
		q.parentNode.appendChild(list);
		q.setAttribute('role', 'combobox');
		q.setAttribute('aria-autocomplete', 'list');
		q.setAttribute('aria-controls', list.id);
		q.setAttribute('aria-expanded', 'false');
		var timer = 0, asked = '', active = -1;
		var kinds = { tag: 'विषय', category: 'श्रेणी', author: 'लेखक', headline: '' };
		function close() {
			list.hidden = true;
			list.textContent = '';
			active = -1;
			q.setAttribute('aria-expanded', 'false');
			q.removeAttribute('aria-activedescendant');
		}
		function mark(i) {
			var items = list.children;
			if (active >= 0 && items[active]) items[active].setAttribute('aria-selected', 'false');
			active = i;
			if (i >= 0 && items[i]) {
				items[i].setAttribute('aria-selected', 'true');
				q.setAttribute('aria-activedescendant', items[i].id);
			} else {
				q.removeAttribute('aria-activedescendant');
			}
		}
		function show(items) {
			list.textContent = '';
			active = -1;
			items.forEach(function (s, i) {
				var li = document.createElement('li');
				li.id = 'q-suggest-' + i;
				li.setAttribute('role', 'option');
				li.setAttribute('aria-selected', 'false');
				var a = document.createElement('a');
				a.href = s.url;
				a.tabIndex = -1;
				a.textContent = s.text;
				if (kinds[s.kind]) {
					var k = document.createElement('span');
					k.className = 'kind';
					k.textContent = kinds[s.kind];
					a.appendChild(k);
				}
				li.appendChild(a);
				li.addEventListener('mousedown', function (e) { e.preventDefault(); location.href = s.url; });
				list.appendChild(li);
			});
			list.hidden = !items.length;
			q.setAttribute('aria-expanded', items.length ? 'true' : 'false');
		}
		q.addEventListener('input', function () {
			clearTimeout(timer);
			var text = q.value.trim();
			if (Array.from(text).length < 2) { close(); return; }
			timer = setTimeout(function () {
				asked = text;
				fetch('/api/v1/suggest?q=' + encodeURIComponent(text)).then(function (r) {
					return r.ok ? r.json() : { suggestions: [] };
				}).then(function (j) {
					if (asked === text && q.value.trim() === text) show(j.suggestions || []);
				}, function () {});
			}, 120);
		});
		q.addEventListener('keydown', function (e) {
			var n = list.children.length;
			if (e.key === 'ArrowDown' && n) { e.preventDefault(); mark((active + 1) % n); }
			else if (e.key === 'ArrowUp' && n) { e.preventDefault(); mark(active <= 0 ? n - 1 : active - 1); }
			else if (e.key === 'Escape' && !list.hidden) { e.preventDefault(); close(); } // a second Escape clears
			else if (e.key === 'Enter' && active >= 0 && list.children[active]) {
				e.preventDefault();
				location.href = list.children[active].querySelector('a').href;
			}
		});
		q.addEventListener('blur', function () { setTimeout(close, 150); });
	}
})();
