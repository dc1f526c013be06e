// khabar reader script: copy link and the Web Share API button. No
// third-party code, nothing needed for reading: pages work without it.
(function () {
	'use strict';
	function toast(text) {
		var t = document.createElement('div');
		t.className = 'toast';
		t.setAttribute('role', 'status');
		t.textContent = text;
		document.body.appendChild(t);
		setTimeout(function () { t.remove(); }, 2500);
	}
	document.querySelectorAll('.share .copy').forEach(function (b) {
		b.addEventListener('click', function () {
			var url = b.getAttribute('data-url');
			if (navigator.clipboard && navigator.clipboard.writeText) {
				navigator.clipboard.writeText(url).then(function () {
					toast('लिंक कॉपी हो गया');
				}, function () { window.prompt('यह लिंक कॉपी करें', url); });
			} else {
				window.prompt('यह लिंक कॉपी करें', url);
			}
		});
	});
	// The native share sheet reaches every installed app (Arattai too).
	if (navigator.share) {
		document.querySelectorAll('.share .native').forEach(function (b) {
			b.hidden = false;
			b.addEventListener('click', function () {
				navigator.share({ title: b.getAttribute('data-title'), url: b.getAttribute('data-url') })
					.catch(function () {});
			});
		});
	}
})();
