// The browser's time zone, where a form asks for one: a time zone
// choice left at UTC is set to the browser's zone, and a hidden "tz"
// field (the quick check) carries it, so times typed are read in the
// zone they were typed in. Without JavaScript the form still works: the
// zone is chosen by hand, or the quick check reads times in UTC and says so.
(function () {
  var zone = '';
  try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone || ''; } catch (e) { return; }
  if (!zone) return;
  document.querySelectorAll('select[data-browser-zone]').forEach(function (sel) {
    if (sel.value && sel.value !== 'UTC') return;
    for (var i = 0; i < sel.options.length; i++) {
      if (sel.options[i].value === zone || sel.options[i].text === zone) { sel.selectedIndex = i; return; }
    }
  });
  document.querySelectorAll('input[type=hidden][name=tz][data-browser-zone]').forEach(function (input) {
    if (!input.value) input.value = zone;
    var form = input.form, note = document.getElementById('zone-note');
    if (note) note.textContent = 'Times are read and shown in ' + input.value + ', your browser\'s time zone.';
    // The default time of awareness is "now", written by the server in
    // UTC: rewrite it as the same moment in the browser's zone.
    var when = form && form.querySelector('input[name="timeline.discovered_at"]');
    if (when && form.dataset.utcNow && when.value === form.dataset.utcNow) {
      var d = new Date(form.dataset.utcNow + ':00Z'), p = function (n) { return (n < 10 ? '0' : '') + n; };
      when.value = d.getFullYear() + '-' + p(d.getMonth() + 1) + '-' + p(d.getDate()) + 'T' + p(d.getHours()) + ':' + p(d.getMinutes());
    }
  });
})();
