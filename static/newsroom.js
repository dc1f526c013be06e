// khabar newsroom script: the editor's toolbar, live preview, autosave,
// tag and slug suggestions, photo upload, the static page editor's preview,
// and small helpers for the other pages. No third-party code. Typing in Devanagari goes through the
// browser's own IME and phone keyboards: nothing here intercepts keys
// while a composition is in progress.
(function () {
	'use strict';
	var csrfMeta = document.querySelector('meta[name=csrf]');
	var csrf = csrfMeta ? csrfMeta.content : '';
	var lang = document.documentElement.lang || 'hi';
	var L = lang === 'en' ? {
		saving: 'Saving…', saved: 'Saved', autosaved: 'Saved automatically', unsaved: 'Unsaved changes',
		failed: 'Could not save: check the connection', conflict: 'Someone else changed this story. Reload to see their version; your text is kept in the revisions.',
		words: 'words', uploading: 'Uploading…', processing: 'Preparing the photo…', ready: 'Photo ready',
		tooBig: 'The photo is larger than 20 MB. Choose a smaller one.', notImage: 'Only JPEG, PNG or WebP photos.',
		linkUrl: 'Link address (https://…)', leave: 'You have unsaved changes.'
	} : {
		saving: 'सहेजा जा रहा है…', saved: 'सहेजा गया', autosaved: 'अपने-आप सहेजा गया', unsaved: 'बिना सहेजे बदलाव',
		failed: 'सहेजा नहीं जा सका: इंटरनेट जाँचें', conflict: 'किसी और ने यह खबर बदल दी है। उनका संस्करण देखने के लिए पेज दोबारा खोलें; आपका लिखा संस्करणों में सुरक्षित है।',
		words: 'शब्द', uploading: 'अपलोड हो रही है…', processing: 'फ़ोटो तैयार हो रही है…', ready: 'फ़ोटो तैयार है',
		tooBig: 'फ़ोटो 20 MB से बड़ी है। छोटी फ़ोटो चुनें।', notImage: 'केवल JPEG, PNG या WebP फ़ोटो।',
		linkUrl: 'लिंक का पता (https://…)', leave: 'कुछ बदलाव सहेजे नहीं गए हैं।'
	};

	function post(url, body, accept) {
		return fetch(url, {
			method: 'POST', body: body, credentials: 'same-origin',
			headers: { 'X-CSRF-Token': csrf, 'Accept': accept || 'application/json' }
		});
	}

	// A form that cannot be undone (deleting a reader's tip) asks first;
	// without the script its warning stands beside the button.
	document.addEventListener('submit', function (e) {
		var q = e.target.getAttribute && e.target.getAttribute('data-confirm');
		if (q && !window.confirm(q)) e.preventDefault();
	});
	function debounce(fn, ms) {
		var t;
		return function () { clearTimeout(t); t = setTimeout(fn, ms); };
	}
	function time() {
		var d = new Date();
		return ('0' + d.getHours()).slice(-2) + ':' + ('0' + d.getMinutes()).slice(-2);
	}

	// Library page: uploading starts when a file is chosen.
	var lib = document.getElementById('library-upload');
	if (lib) {
		lib.querySelector('input[type=file]').addEventListener('change', function () {
			if (this.files.length) lib.submit();
		});
	}

	// A static page's editor: the same live preview and write/preview
	// tabs as a story's, through the same renderer; saved by its form.
	var pageForm = document.getElementById('page-editor');
	if (pageForm) {
		var pBody = document.getElementById('f-body'), pPreview = document.getElementById('preview');
		var pRender = debounce(function () {
			var fd = new URLSearchParams();
			fd.set('body', pBody.value);
			fd.set('dateline', '');
			post('/newsroom/preview', fd, 'text/html').then(function (r) {
				return r.ok ? r.text() : null;
			}).then(function (html) {
				// Safe: rendered server-side by cmark without raw HTML.
				if (html !== null) pPreview.innerHTML = html || '';
				pPreview.dataset.rendered = String((parseInt(pPreview.dataset.rendered || '0', 10) || 0) + 1);
			}).catch(function () {});
		}, 350);
		pBody.addEventListener('input', pRender);
		if (pBody.value) pRender();
		var pBox = document.getElementById('body-box');
		var pW = document.getElementById('tab-write'), pP = document.getElementById('tab-preview');
		var pTab = function (show) {
			pBox.classList.toggle('show-preview', show);
			pW.setAttribute('aria-selected', String(!show));
			pP.setAttribute('aria-selected', String(show));
			if (show) pRender();
		};
		pW.addEventListener('click', function () { pTab(false); });
		pP.addEventListener('click', function () { pTab(true); });
		return;
	}

	var form = document.getElementById('editor');
	if (!form) return;
	var fieldset = form.querySelector('fieldset');
	if (fieldset && fieldset.disabled) return;

	var title = document.getElementById('f-title');
	var summary = document.getElementById('f-summary');
	var body = document.getElementById('f-body');
	var preview = document.getElementById('preview');
	var state = document.getElementById('save-state');
	var version = form.querySelector('input[name=version]');
	var composing = false;
	var dirty = false;
	var saving = false;
	var stopped = false;
	var id = form.getAttribute('data-id');

	function setState(text, bad) {
		state.textContent = text;
		state.className = 'ed-state' + (bad ? ' bad' : '');
	}

	// Headline and summary grow with their text.
	function grow(el) { el.style.height = 'auto'; el.style.height = el.scrollHeight + 'px'; }
	[title, summary].forEach(function (el) {
		grow(el);
		el.addEventListener('input', function () { grow(el); });
	});
	window.addEventListener('resize', debounce(function () { grow(title); grow(summary); }, 200));

	// IME compositions (Devanagari on phones, InScript, transliteration
	// keyboards) finish before anything reads the text.
	form.addEventListener('compositionstart', function () { composing = true; });
	form.addEventListener('compositionend', function () { composing = false; changed(); });

	// "सूचना भेजें" follows the breaking flag until the editor sets it.
	var notify = document.getElementById('f-notify');
	var breaking = form.querySelector('input[name=breaking]');
	if (notify && breaking) {
		var chosen = false;
		notify.addEventListener('change', function () { chosen = true; });
		breaking.addEventListener('change', function () { if (!chosen) notify.checked = breaking.checked; });
	}

	// Word count.
	var count = document.getElementById('count');
	function countWords() {
		var n = body.value.trim() ? body.value.trim().split(/\s+/).length : 0;
		count.textContent = n + ' ' + L.words;
	}

	// Live preview through the server's own Markdown renderer.
	var renderPreview = debounce(function () {
		if (composing) return renderPreview();
		var fd = new URLSearchParams();
		fd.set('body', body.value);
		fd.set('dateline', document.getElementById('f-dateline').value);
		post('/newsroom/preview', fd, 'text/html').then(function (r) {
			return r.ok ? r.text() : null;
		}).then(function (html) {
			// Safe: rendered server-side by cmark without raw HTML, and
			// the page's CSP forbids inline scripts anyway.
			if (html !== null) preview.innerHTML = html || '';
			// What the tests wait for: a preview the server rendered.
			preview.dataset.rendered = String((parseInt(preview.dataset.rendered || '0', 10) || 0) + 1);
		}).catch(function () {});
	}, 350);

	function changed() {
		if (composing) return;
		if (!dirty) setState(L.unsaved);
		dirty = true;
		countWords();
		renderPreview();
	}
	form.addEventListener('input', changed);
	form.addEventListener('change', changed);
	countWords();
	if (body.value) renderPreview();

	// Tabs (phones): write or preview.
	var box = document.getElementById('body-box');
	var tabW = document.getElementById('tab-write'), tabP = document.getElementById('tab-preview');
	function tab(showPreview) {
		box.classList.toggle('show-preview', showPreview);
		tabW.setAttribute('aria-selected', String(!showPreview));
		tabP.setAttribute('aria-selected', String(showPreview));
		if (showPreview) renderPreview();
	}
	tabW.addEventListener('click', function () { tab(false); });
	tabP.addEventListener('click', function () { tab(true); });

	// Toolbar: wraps the selection in Markdown.
	function wrap(before, after, placeholder) {
		var s = body.selectionStart, e = body.selectionEnd;
		var sel = body.value.slice(s, e) || placeholder || '';
		body.focus();
		body.setRangeText(before + sel + after, s, e, 'end');
		if (!body.value.slice(s, e)) body.setSelectionRange(s + before.length, s + before.length + sel.length);
		changed();
	}
	function linePrefix(prefix) {
		var s = body.selectionStart, e = body.selectionEnd;
		var start = body.value.lastIndexOf('\n', s - 1) + 1;
		var text = body.value.slice(start, e);
		var out = text.split('\n').map(function (l) { return prefix + l; }).join('\n');
		body.focus();
		body.setRangeText(out, start, e, 'end');
		changed();
	}
	form.querySelectorAll('[data-md]').forEach(function (b) {
		b.addEventListener('click', function () {
			var k = b.getAttribute('data-md');
			if (k === 'bold') wrap('**', '**', 'मोटा');
			else if (k === 'italic') wrap('_', '_', 'तिरछा');
			else if (k === 'heading') linePrefix('## ');
			else if (k === 'quote') linePrefix('> ');
			else if (k === 'list') linePrefix('- ');
			else if (k === 'link') {
				var url = window.prompt(L.linkUrl, 'https://');
				if (url && /^https?:\/\//.test(url)) wrap('[', '](' + url + ')', 'लिंक');
			}
		});
	});

	// Saving from the script: autosave, and Ctrl+S.
	function becameArticle(j) {
		// The first save made the story: later saves and buttons go to it.
		id = String(j.id);
		form.setAttribute('data-id', id);
		form.action = j.url;
		form.querySelectorAll('[formaction]').forEach(function (b) {
			b.setAttribute('formaction', b.getAttribute('formaction').replace('/newsroom/articles/new', j.url));
		});
		history.replaceState(null, '', j.url);
	}
	function save(auto) {
		if (saving || stopped || composing) return Promise.resolve();
		if (!title.value.trim() && !body.value.trim()) return Promise.resolve();
		saving = true;
		dirty = false;
		setState(L.saving);
		var url = id && id !== '0' ? form.action.replace(/\/?$/, '') + (auto ? '/autosave' : '') : '/newsroom/articles/new';
		return post(url, new URLSearchParams(new FormData(form))).then(function (r) {
			return r.json().then(function (j) { return { status: r.status, j: j }; });
		}).then(function (res) {
			saving = false;
			if (res.status === 409) {
				stopped = true;
				setState(L.conflict, true);
				return;
			}
			if (res.status >= 300) {
				dirty = true;
				setState((res.j && res.j.error && res.j.error.message) || L.failed, true);
				return;
			}
			if (!id || id === '0') becameArticle(res.j);
			version.value = res.j.version;
			var slug = document.getElementById('f-slug');
			if (!slug.value) slug.placeholder = res.j.slug;
			setState((auto ? L.autosaved : L.saved) + ' ' + time());
		}).catch(function () {
			saving = false;
			dirty = true;
			setState(L.failed, true);
		});
	}
	setInterval(function () { if (dirty) save(true); }, 10000);
	document.addEventListener('keydown', function (e) {
		if ((e.ctrlKey || e.metaKey) && e.key === 's') {
			e.preventDefault();
			save(false);
		}
	});
	// Leaving with unsaved text asks first; submitting the form does not.
	var submitting = false;
	form.addEventListener('submit', function () { submitting = true; });
	window.addEventListener('beforeunload', function (e) {
		if (dirty && !submitting) { e.preventDefault(); e.returnValue = L.leave; }
	});

	// Slug suggestion from the headline, until someone types a slug.
	var slug = document.getElementById('f-slug');
	var suggestSlug = debounce(function () {
		if (slug.value || !title.value.trim()) return;
		fetch('/newsroom/slug.json?title=' + encodeURIComponent(title.value), { credentials: 'same-origin' })
			.then(function (r) { return r.json(); })
			.then(function (j) { if (!slug.value) slug.placeholder = j.slug; })
			.catch(function () {});
	}, 500);
	title.addEventListener('input', suggestSlug);
	if (!slug.value) suggestSlug();

	// Tag autocomplete: suggestions for the tag being typed (after the
	// last comma); a tap puts it in.
	var tags = document.getElementById('f-tags');
	var hints = document.getElementById('tag-hints');
	function lastTag() {
		var parts = tags.value.split(',');
		return parts[parts.length - 1].trim();
	}
	var suggestTags = debounce(function () {
		var q = lastTag();
		if (!q || composing) { hints.textContent = ''; return; }
		fetch('/newsroom/tags.json?q=' + encodeURIComponent(q), { credentials: 'same-origin' })
			.then(function (r) { return r.json(); })
			.then(function (list) {
				hints.textContent = '';
				var have = tags.value.split(',').map(function (t) { return t.trim(); });
				list.forEach(function (t) {
					if (have.indexOf(t.name) >= 0 && t.name !== q) return;
					var b = document.createElement('button');
					b.type = 'button';
					b.textContent = t.name; // text, never HTML
					b.addEventListener('click', function () {
						var parts = tags.value.split(',');
						parts[parts.length - 1] = ' ' + t.name;
						tags.value = parts.join(',').replace(/^\s+/, '') + ', ';
						hints.textContent = '';
						tags.focus();
						changed();
					});
					hints.appendChild(b);
				});
			}).catch(function () {});
	}, 250);
	tags.addEventListener('input', suggestTags);
	tags.addEventListener('compositionend', suggestTags);

	// Photo: upload, then wait until the derived images are ready.
	var file = document.getElementById('photo-file');
	var media = document.getElementById('f-media');
	var view = document.getElementById('photo-view');
	var msg = document.getElementById('photo-msg');
	var remove = document.getElementById('photo-remove');
	function showPhoto(j) {
		view.textContent = '';
		var img = document.createElement('img');
		img.src = j.thumb;
		img.alt = '';
		img.width = j.width;
		img.height = j.height;
		view.appendChild(img);
		remove.hidden = false;
		file.nextElementSibling.textContent = file.getAttribute('data-change');
	}
	function poll(mid, tries) {
		fetch('/newsroom/media/' + mid + '/status', { credentials: 'same-origin' })
			.then(function (r) { return r.json(); })
			.then(function (j) {
				if (j.status === 'ready') {
					media.value = String(j.id);
					showPhoto(j);
					msg.textContent = L.ready;
					changed();
				} else if (j.status === 'failed') {
					msg.textContent = j.error || L.notImage;
				} else if (tries < 240) {
					setTimeout(function () { poll(mid, tries + 1); }, 500);
				}
			}).catch(function () { setTimeout(function () { poll(mid, tries + 1); }, 1000); });
	}
	file.addEventListener('change', function () {
		var f = file.files[0];
		if (!f) return;
		if (f.size > 20 * 1024 * 1024) { msg.textContent = L.tooBig; file.value = ''; return; }
		var fd = new FormData();
		fd.append('csrf', csrf);
		fd.append('file', f);
		msg.textContent = L.uploading;
		post('/newsroom/media', fd).then(function (r) {
			return r.json().then(function (j) { return { status: r.status, j: j }; });
		}).then(function (res) {
			file.value = '';
			if (res.status !== 202) { msg.textContent = (res.j.error && res.j.error.message) || L.notImage; return; }
			msg.textContent = L.processing;
			poll(res.j.id, 0);
		}).catch(function () { msg.textContent = L.failed; });
	});
	remove.addEventListener('click', function () {
		media.value = '';
		view.textContent = '';
		remove.hidden = true;
		changed();
	});
})();
