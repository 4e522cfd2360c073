// prep: keyboard shortcuts and review without page loads. Every page works without this
// file (forms post, <details> reveal); it only adds keys and smoother review.
(function () {
  "use strict";
  window.__prepKeys = true; // lets the browser tests tell that scripts ran

  function typing(e) {
    var t = e.target;
    return t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT|BUTTON)$/.test(t.tagName));
  }

  // Review forms post with fetch and swap in the next page's <main>: no full page load,
  // and the URL stays what a reload should show.
  var busy = false;
  function post(form, submitter) {
    if (busy) return;
    busy = true;
    var body = new FormData(form, submitter);
    fetch(form.action, {method: "POST", body: body, headers: {"Accept": "text/html"}, credentials: "same-origin"})
      .then(function (r) { return r.text().then(function (t) { return {r: r, t: t}; }); })
      .then(function (x) {
        var doc = new DOMParser().parseFromString(x.t, "text/html");
        var next = doc.querySelector("main");
        if (!next) { window.location.href = x.r.url; return; }
        swap(doc, next);
        if (x.r.redirected) history.replaceState(null, "", x.r.url);
      })
      .catch(function () { form.submit(); })
      .finally(function () { busy = false; });
  }
  function swap(doc, next) {
    document.querySelector("main").replaceWith(next);
    document.title = doc.title;
    countdown();
  }

  // load fetches a review page and swaps it in, the address following.
  function load(url) {
    fetch(url, {headers: {"Accept": "text/html"}, credentials: "same-origin"})
      .then(function (r) { return r.text().then(function (t) { return {r: r, t: t}; }); })
      .then(function (x) {
        var doc = new DOMParser().parseFromString(x.t, "text/html"), next = doc.querySelector("main");
        if (!next) { window.location.href = url; return; }
        swap(doc, next);
        history.replaceState(null, "", x.r.url);
      })
      .catch(function () { window.location.href = url; });
  }
  document.addEventListener("click", function (e) {
    var a = e.target.closest && e.target.closest("a#skip");
    if (!a || e.ctrlKey || e.metaKey || e.shiftKey || e.button !== 0) return;
    e.preventDefault();
    load(a.href);
  });

  // The end of a deck says when its next card falls due; at that time the page fetches
  // itself again and the card comes up without a reload.
  var timer = null, fetched = 0;
  function countdown() {
    if (timer) { clearInterval(timer); timer = null; }
    var el = document.getElementById("next-due"), out = document.getElementById("next-due-in");
    if (!el || !out || !el.dataset.due) return;
    var due = Math.max(Number(el.dataset.due), fetched + 5000); // a client clock ahead of the server's must not spin
    if (due - Date.now() > 36e5) return; // more than an hour away: the text says when
    function tick() {
      var left = Math.max(0, Math.ceil((due - Date.now()) / 1000));
      out.textContent = (left >= 60 ? Math.floor(left / 60) + "m " : "") + (left % 60) + "s";
      if (left > 0) return;
      clearInterval(timer); timer = null;
      fetched = Date.now();
      load(window.location.href);
    }
    tick();
    timer = setInterval(tick, 1000);
  }
  countdown();

  document.addEventListener("submit", function (e) {
    var f = e.target;
    if (f.id !== "rate" && f.id !== "undo" && f.id !== "bury" && f.id !== "suspend") return;
    e.preventDefault();
    post(f, e.submitter);
  });

  document.addEventListener("keydown", function (e) {
    if (e.ctrlKey || e.metaKey || e.altKey || typing(e)) return;
    var a = document.getElementById("reveal");
    if (e.key === "/") {
      var q = document.getElementById("q");
      if (q) { e.preventDefault(); q.focus(); q.select(); }
    } else if (e.key === " ") {
      if (a && a.tagName === "DETAILS") {
        e.preventDefault();
        var good = document.querySelector('#rate button[data-key="3"]');
        if (a.open && good) post(document.getElementById("rate"), good); // as in Anki: space on the answer is Good
        else a.open = !a.open;
      }
    } else if (e.key === "-" || e.key === "@") {
      var f = document.getElementById(e.key === "-" ? "bury" : "suspend");
      if (f) { e.preventDefault(); post(f, null); }
    } else if (e.key === "s") {
      var skip = document.getElementById("skip");
      if (skip) { e.preventDefault(); load(skip.href); }
    } else if (/^[1-4]$/.test(e.key)) {
      var rate = document.getElementById("rate");
      if (!rate || !a || !a.open) return; // rate only what you have seen the answer to
      var b = rate.querySelector('button[data-key="' + e.key + '"]');
      if (b) { e.preventDefault(); post(rate, b); }
    } else if (e.key === "u") {
      var undo = document.getElementById("undo");
      if (undo) { e.preventDefault(); post(undo, null); }
    }
  });
})();

// Lab text areas, where the editor bundle (editor.js) did not take over: Tab indents (Esc
// first lets Tab move focus, so the page stays keyboard-navigable), Ctrl+Enter runs,
// Ctrl+Shift+Enter submits, and grading shows progress.
(function () {
  "use strict";
  var escaped = false;
  function plain() {
    var f = document.getElementById("lab-form");
    return f && !f.dataset.enhanced;
  }
  document.addEventListener("keydown", function (e) {
    var t = e.target;
    if (!t || t.tagName !== "TEXTAREA" || !t.classList.contains("code") || !plain()) return;
    if (e.key === "Escape") { escaped = true; return; }
    if (e.key === "Tab" && !escaped && !e.shiftKey) {
      e.preventDefault();
      t.setRangeText("\t", t.selectionStart, t.selectionEnd, "end");
    } else if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      var b = document.getElementById(e.shiftKey ? "submit" : "run");
      if (b) b.click();
    }
    if (e.key !== "Escape") escaped = false;
  });
  document.addEventListener("submit", function (e) {
    if (e.target.id !== "lab-form" || !plain()) return;
    var s = document.getElementById("grading");
    if (s) s.textContent = e.submitter && e.submitter.id === "submit" ? "Grading: public tests, hidden tests, timing budget…" : "Running the public tests and yours…";
    var p = document.getElementById("grading-progress");
    if (p) p.hidden = false;
    // Disabled after this event, so the submitter's formaction still counts.
    setTimeout(function () { document.querySelectorAll("#lab-form button").forEach(function (b) { b.disabled = true; }); }, 0);
  });
  // Search filters start collapsed, below the results, for phones; where there is room
  // for a column beside the results, they open.
  var filters = document.getElementById("search-filters");
  if (filters && window.matchMedia && window.matchMedia("(min-width: 721px)").matches) filters.open = true;
})();
