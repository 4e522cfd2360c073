// The lab workspace: CodeMirror 6 editors over the page's text areas, with autosaved
// drafts, Run and Submit without a page load, marks at compile errors and panics, and
// attempt history with diffs. The page works without this file: the text areas post as
// a form and the server keeps the draft. build.sh bundles it into web/static/editor.js.
import {EditorView, basicSetup} from "codemirror";
import {EditorState, Compartment, Prec, Annotation} from "@codemirror/state";
import {keymap} from "@codemirror/view";
import {indentWithTab, undo} from "@codemirror/commands";
import {indentUnit, syntaxHighlighting, defaultHighlightStyle, HighlightStyle} from "@codemirror/language";
import {go} from "@codemirror/lang-go";
import {setDiagnostics, lintGutter} from "@codemirror/lint";
import {MergeView} from "@codemirror/merge";
import {vim} from "@replit/codemirror-vim";
import {tags as t} from "@lezer/highlight";

// Colours meet WCAG AA (4.5:1) on their backgrounds; the browser tests measure them.
const lightTheme = [
  EditorView.theme({
    "&": {color: "#1d1f21", backgroundColor: "#ffffff"},
    ".cm-gutters": {backgroundColor: "#f4f4f2", color: "#5c6370", borderRight: "1px solid #e3e3e0"},
    ".cm-activeLine": {backgroundColor: "#0b63c50d"},
    ".cm-activeLineGutter": {backgroundColor: "#0b63c51a"},
  }, {dark: false}),
  syntaxHighlighting(defaultHighlightStyle),
];
const darkHighlight = HighlightStyle.define([
  {tag: [t.keyword, t.controlKeyword, t.definitionKeyword, t.moduleKeyword, t.operatorKeyword], color: "#ff7b72"},
  {tag: [t.name, t.variableName, t.propertyName, t.character, t.macroName, t.punctuation, t.separator], color: "#e6e6e6"},
  {tag: [t.function(t.variableName), t.function(t.propertyName), t.labelName], color: "#d2a8ff"},
  {tag: [t.typeName, t.className, t.namespace, t.standard(t.name)], color: "#ffa657"},
  {tag: [t.number, t.bool, t.atom, t.null, t.constant(t.name), t.operator, t.escape], color: "#79c0ff"},
  {tag: [t.string, t.special(t.string), t.regexp, t.inserted], color: "#a5d6ff"},
  {tag: [t.comment, t.meta], color: "#9aa3ad", fontStyle: "italic"},
  {tag: t.invalid, color: "#ff7b6b"},
  {tag: t.strong, fontWeight: "bold"},
  {tag: t.emphasis, fontStyle: "italic"},
]);
const darkTheme = [
  EditorView.theme({
    "&": {color: "#e6e6e6", backgroundColor: "#1d2026"},
    ".cm-content": {caretColor: "#ffffff"},
    ".cm-cursor, .cm-dropCursor": {borderLeftColor: "#ffffff"},
    "&.cm-focused > .cm-scroller > .cm-selectionLayer .cm-selectionBackground, .cm-selectionBackground, .cm-content ::selection": {backgroundColor: "#2f4a6d"},
    ".cm-gutters": {backgroundColor: "#1d2026", color: "#9aa3ad", borderRight: "1px solid #2c3038"},
    ".cm-activeLine": {backgroundColor: "#ffffff0a"},
    ".cm-activeLineGutter": {backgroundColor: "#ffffff14"},
    ".cm-panels": {backgroundColor: "#16181c", color: "#e6e6e6"},
    ".cm-searchMatch": {backgroundColor: "#5a4d00"},
    "&.cm-focused .cm-matchingBracket": {backgroundColor: "#3a5a3a"},
    ".cm-tooltip": {backgroundColor: "#16181c", color: "#e6e6e6", border: "1px solid #2c3038"},
  }, {dark: true}),
  syntaxHighlighting(darkHighlight),
];

const darkQuery = window.matchMedia("(prefers-color-scheme: dark)");
const theme = () => (darkQuery.matches ? darkTheme : lightTheme);

// fromServer marks changes that load what the server has: they need no saving back.
const fromServer = Annotation.define();

// CodeMirror writes its styles into <style> elements, which the pages' CSP (style-src
// 'self') does not apply. The same rules in a constructed stylesheet are applied: copy
// them there, now and whenever CodeMirror adds some.
function adoptStyles() {
  if (!document.adoptedStyleSheets || typeof CSSStyleSheet.prototype.replaceSync !== "function") return;
  const sheet = new CSSStyleSheet();
  document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
  let last = "";
  const sync = () => {
    const css = [...document.querySelectorAll("head style")].map((s) => s.textContent).join("\n");
    if (css !== last) { last = css; sheet.replaceSync(css); }
  };
  new MutationObserver(sync).observe(document.head, {childList: true, subtree: true, characterData: true});
  return sync;
}
const syncStyles = adoptStyles();

function start() {
  const form = document.getElementById("lab-form");
  const dataEl = document.getElementById("lab-data");
  if (!form || !dataEl) return;
  const data = JSON.parse(dataEl.textContent);
  const csrf = form.querySelector('input[name="_csrf"]').value;
  const key = "prep.draft." + data.slug;
  const status = document.getElementById("grading");
  const savedEl = document.getElementById("saved");
  const progress = document.getElementById("grading-progress");
  const tabs = form.querySelector(".tabs");
  const themes = [], vims = [];
  const files = []; // {name, wrap, textarea, view, tab}
  let vimOn = localStorage.getItem("prep.vim") === "1";

  // --- drafts ---------------------------------------------------------------------
  const current = () => Object.fromEntries(files.map((f) => [f.name, f.view.state.doc.toString()]));
  let pending = null, inflight = false, dirty = false;
  // The local copy says which server version it was based on (stamp) and whether the
  // server has it (synced), so no clocks are compared.
  let stamp = data.updated_at || 0;
  const saveLocal = (synced) => {
    try { localStorage.setItem(key, JSON.stringify({files: current(), base: stamp, synced: !!synced})); } catch (e) { /* full or disabled: the server copy remains */ }
  };
  // putDraft saves the draft on the server, one save at a time, each saying which
  // version it was edited from (base) so that a stale tab cannot overwrite a newer draft
  // saved in another tab or browser; force saves over it.
  const putDraft = (keepalive, force) => {
    pending = null;
    if (!data.user) { dirty = false; return Promise.resolve(); }
    if (inflight && !keepalive) { pending = setTimeout(putDraft, 300); return Promise.resolve(); }
    inflight = true;
    const sent = JSON.stringify(current());
    const payload = {files: current()};
    if (!force) payload.base = stamp;
    return fetch((data.api || "/api/labs/" + data.slug) + "/draft", {method: "PUT", body: JSON.stringify(payload), keepalive: !!keepalive, credentials: "same-origin",
      headers: {"Content-Type": "application/json", "X-CSRF-Token": csrf}})
      .then((r) => r.json().then((j) => ({r, j})))
      .then(({r, j}) => {
        if (r.status === 409) { conflict(j.error.message); return; }
        if (!r.ok) throw new Error(j.error ? j.error.message : r.statusText);
        stamp = Date.parse(j.updated_at) || stamp;
        const same = sent === JSON.stringify(current());
        saveLocal(same);
        if (same) dirty = false;
        savedEl.textContent = "Draft saved on the server";
      })
      .catch((e) => { savedEl.textContent = "Draft kept in this browser only: " + e.message; })
      .finally(() => { inflight = false; });
  };
  const conflict = (msg) => {
    savedEl.textContent = msg + " ";
    const reload = document.createElement("button");
    reload.type = "button";
    reload.className = "link";
    reload.textContent = "Reload";
    reload.addEventListener("click", () => { dirty = false; location.reload(); });
    const keep = document.createElement("button");
    keep.type = "button";
    keep.className = "link";
    keep.textContent = "Keep this version";
    keep.addEventListener("click", () => putDraft(false, true));
    savedEl.append(reload, " · ", keep);
  };
  const changed = (tr) => {
    if (tr.annotation(fromServer)) { saveLocal(true); return; }
    saveLocal(false);
    dirty = true;
    savedEl.textContent = data.user ? "Saving…" : "Draft kept in this browser";
    clearTimeout(pending);
    pending = setTimeout(putDraft, 1000);
  };
  window.addEventListener("beforeunload", (e) => {
    if (!dirty && !inflight) return;
    if (pending) putDraft(true);
    e.preventDefault();
    e.returnValue = "";
  });
  window.addEventListener("pagehide", () => { if (pending) putDraft(true); });

  // --- editors --------------------------------------------------------------------
  const select = (f, focus) => {
    for (const g of files) {
      const on = g === f;
      g.wrap.hidden = !on;
      g.tab.setAttribute("aria-selected", on ? "true" : "false");
      g.tab.tabIndex = on ? 0 : -1;
    }
    if (focus) f.view.focus();
  };
  const runKeys = Prec.highest(keymap.of([
    {key: "Mod-Enter", run: () => { grade("run"); return true; }},
    {key: "Mod-Shift-Enter", run: () => { grade("submit"); return true; }},
  ]));
  form.querySelectorAll(".file").forEach((wrap, i) => {
    const textarea = wrap.querySelector("textarea");
    const name = wrap.dataset.file;
    const th = new Compartment(), vm = new Compartment();
    themes.push(th); vims.push(vm);
    const f = {name, wrap, textarea};
    f.view = new EditorView({
      parent: wrap,
      state: EditorState.create({
        doc: textarea.value,
        extensions: [
          vm.of(vimOn ? vim() : []),
          runKeys,
          basicSetup,
          keymap.of([indentWithTab]),
          indentUnit.of("\t"),
          EditorState.tabSize.of(4),
          go(),
          lintGutter(),
          th.of(theme()),
          EditorView.contentAttributes.of({"aria-label": name + " (code editor)"}),
          EditorView.updateListener.of((u) => { if (u.docChanged) changed(u.transactions[0]); }),
        ],
      }),
    });
    textarea.hidden = true;
    wrap.querySelector("label").hidden = !wrap.dataset.scratch;
    const tab = document.createElement("button");
    tab.type = "button";
    tab.role = "tab";
    tab.id = "tab-" + name;
    tab.textContent = name;
    if (wrap.dataset.scratch) tab.classList.add("scratch");
    tab.addEventListener("click", () => select(f, true));
    tab.addEventListener("keydown", (e) => {
      const k = files.indexOf(f);
      const to = e.key === "ArrowRight" ? files[(k + 1) % files.length] : e.key === "ArrowLeft" ? files[(k + files.length - 1) % files.length] : null;
      if (to) { e.preventDefault(); select(to, false); to.tab.focus(); }
    });
    f.tab = tab;
    tabs.appendChild(tab);
    files.push(f);
  });
  if (!files.length) return;
  if (syncStyles) syncStyles();
  form.dataset.enhanced = "1";
  tabs.hidden = false;
  select(files[0], false);
  darkQuery.addEventListener("change", () => files.forEach((f, i) => f.view.dispatch({effects: themes[i].reconfigure(theme())})));

  const opts = form.querySelector(".editor-opts");
  opts.hidden = false;
  const vimBox = document.getElementById("vim");
  vimBox.checked = vimOn;
  vimBox.addEventListener("change", () => {
    vimOn = vimBox.checked;
    localStorage.setItem("prep.vim", vimOn ? "1" : "0");
    files.forEach((f, i) => f.view.dispatch({effects: vims[i].reconfigure(vimOn ? vim() : [])}));
  });

  // setFiles replaces the editors' text, each as one undoable change.
  const setFiles = (m, annotations) => {
    for (const f of files) {
      if (typeof m[f.name] === "string" && m[f.name] !== f.view.state.doc.toString()) {
        f.view.dispatch({changes: {from: 0, to: f.view.state.doc.length, insert: m[f.name]}, annotations});
      }
    }
  };

  // A local copy the server never got (the tab closed before the save, or the network
  // was down), based on the draft the server still has, wins and is sent now. If the
  // server's draft changed since (saved from another browser), the server's wins.
  try {
    const local = JSON.parse(localStorage.getItem(key) || "null");
    const server = current();
    if (local && local.files && (!data.user || (!local.synced && local.base === stamp)) &&
        Object.keys(local.files).some((n) => n in server && local.files[n] !== server[n])) {
      setFiles(local.files);
      savedEl.textContent = "Restored your latest edits from this browser";
    } else {
      saveLocal(true);
    }
  } catch (e) { /* unreadable local copy: the server's stands */ }

  // --- grading --------------------------------------------------------------------
  let busy = false;
  const buttons = form.querySelectorAll(".buttons button");
  async function grade(mode) {
    if (busy) return;
    busy = true;
    clearTimeout(pending);
    pending = null;
    files.forEach((f) => { f.textarea.value = f.view.state.doc.toString(); });
    const body = new FormData(form);
    buttons.forEach((b) => { b.disabled = true; });
    progress.hidden = false;
    status.textContent = mode === "submit" ? "Grading: public tests, hidden tests, timing budget…" : "Running the public tests and yours…";
    try {
      const r = await fetch((data.page || "/labs/" + data.slug) + "/" + mode, {method: "POST", body, credentials: "same-origin", headers: {"Accept": "text/html"}});
      const doc = new DOMParser().parseFromString(await r.text(), "text/html");
      const result = doc.getElementById("result");
      if (!result) {
        const msg = doc.querySelector(".error-message");
        throw new Error(msg ? msg.textContent.trim() : "the server answered " + r.status);
      }
      for (const id of ["result", "history"]) {
        const now = document.getElementById(id), next = doc.getElementById(id);
        if (now && next) now.replaceWith(next);
      }
      const meta = document.querySelector("main > p.meta"), nextMeta = doc.querySelector("main > p.meta");
      if (meta && nextMeta) meta.replaceWith(nextMeta);
      if (r.redirected) history.replaceState(null, "", r.url);
      const nextData = doc.getElementById("lab-data");
      if (data.user && r.ok && nextData) {
        // The form post saved the draft on the server.
        stamp = JSON.parse(nextData.textContent).updated_at || stamp;
        dirty = false;
        saveLocal(true);
        savedEl.textContent = "Draft saved on the server";
      }
      const verdict = document.querySelector("#result .verdict");
      status.textContent = verdict ? (mode === "submit" ? "Submission: " : "Run: ") + verdict.textContent : "";
      wireResult();
      wireHistory();
    } catch (e) {
      status.textContent = "Not graded: " + e.message;
      if (dirty && data.user) pending = setTimeout(putDraft, 1000); // the post may not have saved it
    } finally {
      busy = false;
      progress.hidden = true;
      buttons.forEach((b) => { b.disabled = false; });
    }
  }
  // The keys work anywhere on the page, not only in an editor.
  document.addEventListener("keydown", (e) => {
    if (e.key !== "Enter" || !(e.ctrlKey || e.metaKey) || e.defaultPrevented) return;
    e.preventDefault();
    grade(e.shiftKey ? "submit" : "run");
  });
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    grade(e.submitter && e.submitter.id === "submit" ? "submit" : "run");
  });

  // Places in the results (compile errors, panics, failures) mark their lines and jump
  // there on click.
  function wireResult() {
    const marks = new Map(files.map((f) => [f.name, []]));
    document.querySelectorAll("#result a.loc").forEach((a) => {
      const f = files.find((g) => g.name === a.dataset.file);
      if (!f) return;
      const doc = f.view.state.doc;
      const line = doc.line(Math.min(Math.max(1, +a.dataset.line), doc.lines));
      const col = +a.dataset.col;
      const from = col > 0 ? Math.min(line.from + col - 1, line.to) : line.from;
      const host = a.closest("li, pre, p");
      let message = host ? host.textContent.trim() : a.textContent;
      if (message.length > 300) message = message.slice(0, 300) + "…";
      const list = marks.get(f.name);
      if (!list.some((d) => d.from === from)) list.push({from, to: Math.max(from, line.to), severity: "error", message});
      a.addEventListener("click", (e) => {
        e.preventDefault();
        select(f, false);
        f.view.dispatch({selection: {anchor: from}, scrollIntoView: true});
        f.view.focus();
      });
    });
    for (const f of files) f.view.dispatch(setDiagnostics(f.view.state, marks.get(f.name)));
    document.querySelectorAll("#result form.restore").forEach(wireRestore);
  }

  // --- reset, restore, history ----------------------------------------------------
  const undoAll = () => files.forEach((f) => undo(f.view));
  const offerUndo = (what) => {
    savedEl.textContent = what + " ";
    const b = document.createElement("button");
    b.type = "button";
    b.className = "link";
    b.textContent = "Undo";
    b.addEventListener("click", () => { undoAll(); savedEl.textContent = "Undone"; });
    savedEl.appendChild(b);
  };
  const resetForm = document.getElementById("reset-form");
  if (resetForm) {
    resetForm.addEventListener("submit", (e) => {
      e.preventDefault();
      if (!window.confirm("Replace your code with the starter? Ctrl+Z (or Undo) brings it back.")) return;
      clearTimeout(pending);
      pending = null;
      setFiles(data.starter, fromServer.of(true));
      dirty = false;
      stamp = 0;
      saveLocal(true);
      fetch((data.api || "/api/labs/" + data.slug) + "/draft", {method: "DELETE", credentials: "same-origin", headers: {"X-CSRF-Token": csrf, "Accept": "application/json"}});
      resetForm.closest("details").open = false;
      offerUndo("Reset to the starter.");
      files[0].view.focus();
    });
  }

  const attempts = new Map();
  const attempt = (id) => {
    if (!attempts.has(id)) {
      attempts.set(id, fetch("/api/attempts/" + id, {credentials: "same-origin"}).then((r) => {
        if (!r.ok) throw new Error("attempt " + id + ": " + r.status);
        return r.json();
      }));
    }
    return attempts.get(id);
  };
  function wireRestore(f) {
    if (f.dataset.wired) return;
    f.dataset.wired = "1";
    f.addEventListener("submit", (e) => {
      e.preventDefault();
      attempt(f.dataset.attempt).then((a) => {
        setFiles(a.files);
        offerUndo("Restored attempt " + a.id + " into the editor.");
        files[0].view.focus();
      }).catch((err) => { savedEl.textContent = err.message; });
    });
  }

  let merges = [];
  function wireHistory() {
    document.querySelectorAll("#history form.restore").forEach(wireRestore);
    const diffForm = document.getElementById("diff-form");
    if (!diffForm) return;
    diffForm.hidden = false;
    const b = document.getElementById("diff-b");
    if (b.options.length > 2) b.selectedIndex = 2; // the newest attempt against the one before
    diffForm.addEventListener("submit", async (e) => {
      e.preventDefault();
      const out = document.getElementById("diff");
      const pick = (v) => (v === "draft" ? Promise.resolve({files: current(), label: "your draft"}) :
        attempt(v).then((x) => ({files: x.files, label: "attempt " + x.id})));
      try {
        const [A, B] = await Promise.all([pick(document.getElementById("diff-a").value), pick(b.value)]);
        merges.forEach((m) => m.destroy());
        merges = [];
        out.replaceChildren();
        const names = [...new Set([...Object.keys(A.files), ...Object.keys(B.files)])].sort();
        for (const n of names) {
          const x = A.files[n] || "", y = B.files[n] || "";
          if (x === y) continue;
          const h = document.createElement("h3");
          h.innerHTML = "<code></code>";
          h.firstChild.textContent = n;
          h.append(": " + A.label + " ⟷ " + B.label);
          const box = document.createElement("div");
          box.className = "merge";
          out.append(h, box);
          const ext = [basicSetup, go(), theme(), EditorState.readOnly.of(true), EditorView.editable.of(false)];
          merges.push(new MergeView({a: {doc: x, extensions: ext}, b: {doc: y, extensions: ext}, parent: box, collapseUnchanged: {margin: 3}}));
        }
        if (!out.children.length) out.textContent = A.label + " and " + B.label + " are the same.";
        out.hidden = false;
      } catch (err) {
        out.hidden = false;
        out.textContent = "Cannot show the diff: " + err.message;
      }
    });
  }
  wireResult();
  wireHistory();

  window.__prepEditor = {
    files: () => current(),
    view: (name) => (files.find((f) => f.name === name) || {}).view,
    select: (name) => select(files.find((f) => f.name === name), true),
    saved: () => !dirty && !inflight && !pending,
  };
}

start();
