// Live assessment beside the facts form: after a pause in typing, the form
// is posted to the preview address and the panel replaced. Nothing is saved
// until "Record this assessment" is pressed. Without JavaScript the form
// still works: the assessment shows after recording.
(function () {
  var form = document.getElementById('facts-form');
  if (!form || !form.dataset.preview || !window.fetch) return;
  var timer = null;
  function refresh() {
    fetch(form.dataset.preview, { method: 'POST', body: new FormData(form), credentials: 'same-origin' })
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) {
        var panel = document.getElementById('assessment');
        if (html && panel) { panel.outerHTML = html; }
      });
  }
  form.addEventListener('input', function () { clearTimeout(timer); timer = setTimeout(refresh, 400); });
  form.addEventListener('change', function () { clearTimeout(timer); timer = setTimeout(refresh, 150); });
})();
