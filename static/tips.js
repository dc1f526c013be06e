// tips.js: checks the tip form's photos before they travel (how many, how
// big), so a reader on a slow connection hears at once, in Hindi, what the
// server would say after the upload. The form works without it.
(function () {
  'use strict';
  var form = document.querySelector('.tip-form');
  if (!form) return;
  var input = form.querySelector('input[type=file]');
  var out = document.getElementById('tip-check');
  var MB = 1024 * 1024;
  function problem() {
    var files = input.files || [], max = +form.dataset.maxPhotos, each = +form.dataset.maxMb,
      total = +form.dataset.totalMb, sum = 0;
    if (files.length > max) return 'एक बार में ' + max + ' फ़ोटो तक भेजी जा सकती हैं। आपने ' + files.length + ' चुनी हैं।';
    for (var i = 0; i < files.length; i++) {
      if (files[i].size > each * MB) return 'फ़ोटो “' + files[i].name + '” ' + (files[i].size / MB).toFixed(1) + ' MB की है। हर फ़ोटो ' + each + ' MB तक ही हो सकती है।';
      sum += files[i].size;
    }
    if (sum > total * MB) return 'सब फ़ोटो मिलाकर ' + (sum / MB).toFixed(1) + ' MB हैं। कुल ' + total + ' MB तक भेजी जा सकती हैं।';
    return '';
  }
  function show() {
    var p = problem();
    out.textContent = p;
    out.hidden = !p;
    return p;
  }
  input.addEventListener('change', show);
  form.addEventListener('submit', function (e) {
    if (show()) e.preventDefault();
  });
})();
