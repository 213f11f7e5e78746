// Client-side filter of the catalog index. State lives in the URL fragment
// (#q=devtunnels&level=medium&tactic=exfiltration&technique=t1567&logsource=windows)
// so that a filtered view can be linked and checked with chromium --dump-dom.
(function () {
  "use strict";
  var keys = ["q", "tactic", "technique", "level", "logsource"];
  var rows = Array.prototype.slice.call(document.querySelectorAll("#rules tbody tr"));
  var count = document.getElementById("count");
  var total = rows.length;

  function read() {
    var p = new URLSearchParams(location.hash.replace(/^#/, ""));
    var f = {};
    keys.forEach(function (k) { f[k] = (p.get(k) || "").trim().toLowerCase(); });
    return f;
  }

  function matches(tr, f) {
    var d = tr.dataset;
    if (f.q) {
      var words = f.q.split(/\s+/);
      for (var i = 0; i < words.length; i++) {
        if (d.text.indexOf(words[i]) < 0) return false;
      }
    }
    if (f.level && d.level !== f.level) return false;
    if (f.tactic && (" " + d.tactics + " ").indexOf(" " + f.tactic + " ") < 0) return false;
    if (f.technique) {
      var ok = d.techniques.split(" ").some(function (t) {
        return t === f.technique || t.indexOf(f.technique + ".") === 0;
      });
      if (!ok) return false;
    }
    if (f.logsource && d.logsource !== f.logsource && d.logsource.indexOf(f.logsource + "/") !== 0) return false;
    return true;
  }

  function apply() {
    var f = read();
    keys.forEach(function (k) {
      var el = document.getElementById("f-" + k);
      if (el && el.value.toLowerCase() !== f[k] && document.activeElement !== el) el.value = f[k];
    });
    var shown = 0;
    rows.forEach(function (tr) {
      var ok = matches(tr, f);
      tr.hidden = !ok;
      if (ok) shown++;
    });
    count.textContent = shown + " of " + total + " rules";
  }

  function write() {
    var p = new URLSearchParams();
    keys.forEach(function (k) {
      var el = document.getElementById("f-" + k);
      if (el && el.value.trim() !== "") p.set(k, el.value.trim());
    });
    var h = p.toString();
    history.replaceState(null, "", h ? "#" + h : location.pathname + location.search);
    apply();
  }

  keys.forEach(function (k) {
    var el = document.getElementById("f-" + k);
    if (el) el.addEventListener(el.tagName === "SELECT" ? "change" : "input", write);
  });
  window.addEventListener("hashchange", apply);
  apply();
})();
