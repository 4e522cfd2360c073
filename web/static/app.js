// prep: keyboard shortcuts. Every page works without this file; it only adds keys.
(function () {
  window.__prepKeys = true; // lets the browser tests tell that scripts ran
  "use strict";
  function typing(e) {
    var t = e.target;
    return t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT|BUTTON)$/.test(t.tagName));
  }
  document.addEventListener("keydown", function (e) {
    if (e.ctrlKey || e.metaKey || e.altKey || typing(e)) return;
    if (e.key === "/") {
      var q = document.getElementById("q");
      if (q) { e.preventDefault(); q.focus(); q.select(); }
    } else if (e.key === " ") {
      var a = document.getElementById("answer");
      if (a && a.tagName === "DETAILS") {
        e.preventDefault();
        a.open = !a.open;
        if (a.open) a.querySelector("summary").scrollIntoView({block: "start", behavior: "smooth"});
      }
    }
  });
})();
