// untm web page: renders what the JSON API returns (the same JSON as the CLI's --json).
// Every text from the server is put in with textContent, never as HTML.
"use strict";

const LANGS = ["ar", "en", "es", "fr", "ru", "zh"];
const NAMES = { ar: "العربية", en: "English", es: "Español", fr: "Français", ru: "Русский", zh: "中文" };
const RTL = new Set(["ar"]);
const $ = (id) => document.getElementById(id);

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "class") node.className = value;
    else node.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

// text in a language: its own lang and direction, so Arabic reads right to left
function inLang(tag, lang, text, attrs = {}) {
  const base = (lang || "").split("-")[0].toLowerCase();
  return el(tag, { ...attrs, lang: base || null, dir: RTL.has(base) ? "rtl" : "auto" }, text);
}

// --- the token --------------------------------------------------------------------------------

function token() { return sessionStorage.getItem("untm-token") || ""; }

function showSignedIn() {
  const signed = Boolean(token());
  $("signout").hidden = !signed;
  $("who").textContent = signed ? "signed in" : "";
}

function message(text) {
  const box = $("message");
  box.hidden = !text;
  box.textContent = text || "";
}

async function api(path, options = {}) {
  if (!token()) throw new Error("Sign in with a token first (ask your administrator: untm tokens add).");
  const headers = { Authorization: `Bearer ${token()}`, ...(options.headers || {}) };
  const response = await fetch(path, { ...options, headers });
  if (!response.ok) {
    let text = `${response.status} ${response.statusText}`;
    try { text = (await response.json()).error.message; } catch (err) { /* not JSON */ }
    throw new Error(text);
  }
  return response;
}

async function run(target, work) {
  message("");
  target.replaceChildren(el("p", { class: "empty" }, "Working…"));
  try {
    await work();
  } catch (err) {
    target.replaceChildren();
    message(err.message);
  }
}

// --- tabs (arrow keys move between them, as WAI-ARIA tabs do) ---------------------------------

function selectTab(tab) {
  for (const other of document.querySelectorAll('[role="tab"]')) {
    const on = other === tab;
    other.setAttribute("aria-selected", String(on));
    other.tabIndex = on ? 0 : -1;
    $(other.getAttribute("aria-controls")).hidden = !on;
  }
  tab.focus();
  const first = $(tab.getAttribute("aria-controls")).querySelector("input, textarea");
  if (first) first.focus();
}

function setUpTabs() {
  const tabs = [...document.querySelectorAll('[role="tab"]')];
  tabs.forEach((tab, i) => {
    tab.addEventListener("click", () => selectTab(tab));
    tab.addEventListener("keydown", (event) => {
      const step = { ArrowRight: 1, ArrowLeft: -1 }[event.key];
      if (step) selectTab(tabs[(i + step + tabs.length) % tabs.length]);
    });
  });
}

function fillLanguages() {
  for (const select of document.querySelectorAll("select.langs")) {
    const any = select.dataset.any;
    if (any) select.append(el("option", { value: any === "all" ? "all" : "" }, any));
    for (const lang of LANGS) select.append(el("option", { value: lang }, `${lang} — ${NAMES[lang]}`));
  }
  $("draft-lang").value = "en";
  $("draft-target").value = "fr";
}

// --- terms ------------------------------------------------------------------------------------

function termCell(terms) {
  const cell = el("td");
  for (const term of terms) {
    const line = inLang("span", term.lang, term.text, { class: "term" });
    line.append(el("span", { class: `status ${term.status}` }, term.status));
    const meta = [];
    if (term.confidence) meta.push(term.confidence);
    const info = el("span", { class: "meta" }, meta.join(" · "));
    if (term.source) {
      const url = term.source.match(/https?:\/\/\S+/);
      info.append(meta.length ? " · " : "", url ? el("a", { href: url[0], rel: "noreferrer" }, "source") : term.source);
    }
    cell.append(line, info);
  }
  return cell;
}

function showConcepts(data) {
  const out = $("terms-results");
  out.replaceChildren();
  if (!data.results.length) {
    out.append(el("p", { class: "empty" }, `No concept matches “${data.query}”.`));
    return;
  }
  for (const concept of data.results) {
    const table = el("table", { class: "concept" },
      el("caption", {}, `${concept.id} (${concept.category})`),
      el("thead", {}, el("tr", {}, LANGS.map((lang) => el("th", { scope: "col", lang }, NAMES[lang])))));
    const row = el("tr");
    for (const lang of LANGS) {
      row.append(termCell(concept.terms.filter((t) => t.lang.split("-")[0] === lang)));
    }
    table.append(el("tbody", {}, row));
    out.append(table);
  }
}

// --- concordance ------------------------------------------------------------------------------

function highlighted(lang, text, query) {
  const cell = inLang("td", lang, "");
  const lower = text.toLocaleLowerCase();
  const needle = query.toLocaleLowerCase();
  let at = 0;
  for (let hit = lower.indexOf(needle); needle && hit >= 0; hit = lower.indexOf(needle, at)) {
    cell.append(text.slice(at, hit), el("mark", {}, text.slice(hit, hit + needle.length)));
    at = hit + needle.length;
  }
  cell.append(text.slice(at));
  return cell;
}

function showUnits(units, query) {
  const out = $("concordance-results");
  out.replaceChildren();
  if (!units.length) {
    out.append(el("p", { class: "empty" }, `No unit contains “${query}”.`));
    return;
  }
  const langs = LANGS.filter((lang) => units.some((u) => Object.keys(u.texts).some((t) => t.split("-")[0] === lang)));
  const body = el("tbody");
  for (const unit of units) {
    const row = el("tr");
    for (const lang of langs) {
      const tag = Object.keys(unit.texts).find((t) => t.split("-")[0] === lang);
      row.append(highlighted(lang, tag ? unit.texts[tag] : "", query));
    }
    body.append(row);
  }
  out.append(el("table", {},
    el("caption", {}, `${units.length} unit(s)`),
    el("thead", {}, el("tr", {}, langs.map((lang) => el("th", { scope: "col", lang }, NAMES[lang])))),
    body));
}

// --- drafts -----------------------------------------------------------------------------------

function diffNodes(diff) {
  const nodes = [];
  const marks = /\[-(.*?)-\]|\{\+(.*?)\+\}/g;
  let at = 0;
  for (const found of diff.matchAll(marks)) {
    nodes.push(diff.slice(at, found.index));
    nodes.push(found[1] !== undefined ? el("del", {}, found[1]) : el("ins", {}, found[2]));
    at = found.index + found[0].length;
  }
  nodes.push(diff.slice(at));
  return nodes;
}

function showMatches(data, lang) {
  const out = $("draft-results");
  out.replaceChildren(el("p", {}, `${data.segments.length} segment(s), ${data.segments.filter((s) => s.matches.length).length} with matches`));
  for (const seg of data.segments) {
    const box = el("article", { class: "segment" },
      el("h3", {}, `Segment ${seg.index + 1}`),
      inLang("p", lang, seg.text));
    if (!seg.matches.length) box.append(el("p", { class: "empty" }, "no match"));
    for (const match of seg.matches.slice(0, 1)) {
      box.append(el("p", {},
        el("span", { class: "score" }, `${match.score}% `), `${match.kind}${match.suspect ? " · suspect alignment" : ""} · `,
        el("span", { class: "diff" }, diffNodes(match.diff))));
      for (const [tag, text] of Object.entries(match.substituted && Object.keys(match.substituted).length ? match.substituted : match.targets)) {
        box.append(el("p", {}, `${tag}: `, inLang("span", tag, text)));
      }
    }
    if (seg.terms.length) {
      const list = el("ul", { class: "terms" });
      for (const term of seg.terms) {
        const item = el("li", {}, term.text, el("span", { class: `status ${term.status}` }, term.status), " → ");
        for (const [tag, text] of Object.entries(term.equivalents)) item.append(`${tag}: `, inLang("span", tag, text), " ");
        list.append(item);
      }
      box.append(list);
    }
    out.append(box);
  }
}

function showFindings(data) {
  const out = $("draft-results");
  out.replaceChildren();
  if (!data.issues.length) {
    out.append(el("p", {}, "No terminology problem found."));
    return;
  }
  out.append(el("p", {}, `${data.issues.length} finding(s)`));
  for (const issue of data.issues) {
    out.append(el("div", { class: `finding ${issue.severity}` },
      el("strong", {}, `${issue.severity} · ${issue.rule} · segment ${issue.segment + 1}`),
      el("p", {}, issue.message)));
  }
}

async function matchDraft() {
  const form = $("draft-form");
  const file = $("draft-file").files[0];
  const lang = $("draft-lang").value;
  let response;
  if (file) {
    const body = new FormData(form);
    response = await api("/api/match", { method: "POST", body });
  } else {
    const fields = { text: $("draft-text").value, lang, target_lang: $("draft-target").value, min_score: Number($("draft-min").value) };
    response = await api("/api/match", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(fields) });
  }
  showMatches(await response.json(), lang);
}

async function checkDraft() {
  const fields = { text: $("draft-text").value, lang: $("draft-lang").value };
  const response = await api("/api/check", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(fields) });
  showFindings(await response.json());
}

// --- export -----------------------------------------------------------------------------------

async function download() {
  const params = new URLSearchParams(new FormData($("export-form")));
  for (const [key, value] of [...params]) if (!value) params.delete(key);
  const response = await api(`/api/export?${params}`);
  const name = (response.headers.get("content-disposition") || "").match(/filename="?([^";]+)"?/);
  const link = el("a", { href: URL.createObjectURL(await response.blob()), download: name ? name[1] : "memory.tmx" }, `Save ${name ? name[1] : "the file"}`);
  $("export-results").replaceChildren(el("p", {}, link));
  link.click();
}

// --- documents --------------------------------------------------------------------------------

async function listDocuments() {
  const found = await (await api("/api/documents")).json();
  const out = $("documents-results");
  out.replaceChildren();
  if (!found.length) {
    out.append(el("p", { class: "empty" }, "The memory holds no document yet."));
    return;
  }
  const body = el("tbody");
  for (const doc of found) {
    body.append(el("tr", {}, el("td", {}, doc.id), el("td", { dir: "auto" }, doc.title || ""),
      el("td", {}, doc.languages.join(" ")), el("td", {}, String(doc.units)), el("td", {}, doc.built)));
  }
  out.append(el("table", {}, el("caption", {}, `${found.length} document(s)`),
    el("thead", {}, el("tr", {}, ["id", "title", "languages", "units", "built"].map((h) => el("th", { scope: "col" }, h)))),
    body));
}

async function buildDocument() {
  const body = new FormData($("documents-form"));
  if (!body.get("document")) body.delete("document");
  const report = await (await api("/api/documents", { method: "POST", body })).json();
  const stored = report.stored;
  $("documents-built").replaceChildren(el("p", { role: "status" },
    `Built ${stored.document}: ${report.rows} row(s); ${stored.added} added, ${stored.replaced} replaced, ${stored.kept} kept.`));
  await listDocuments();
}

// --- wiring -----------------------------------------------------------------------------------

function on(id, event, work, target) {
  $(id).addEventListener(event, (e) => { e.preventDefault(); run($(target), work); });
}

document.addEventListener("DOMContentLoaded", () => {
  setUpTabs();
  fillLanguages();
  showSignedIn();
  $("signin").addEventListener("submit", (event) => {
    event.preventDefault();
    sessionStorage.setItem("untm-token", $("token").value.trim());
    $("token").value = "";
    showSignedIn();
    message("");
  });
  $("signout").addEventListener("click", () => { sessionStorage.removeItem("untm-token"); showSignedIn(); });
  on("terms-form", "submit", async () => {
    const params = new URLSearchParams({ q: $("terms-q").value, lang: $("terms-lang").value });
    if (!params.get("lang")) params.delete("lang");
    showConcepts(await (await api(`/api/terms?${params}`)).json());
  }, "terms-results");
  on("concordance-form", "submit", async () => {
    const query = $("concordance-q").value;
    const params = new URLSearchParams({ q: query, lang: $("concordance-lang").value });
    if (!params.get("lang")) params.delete("lang");
    showUnits(await (await api(`/api/concordance?${params}`)).json(), query);
  }, "concordance-results");
  on("draft-form", "submit", matchDraft, "draft-results");
  on("draft-check", "click", checkDraft, "draft-results");
  on("export-form", "submit", download, "export-results");
  on("documents-list", "click", listDocuments, "documents-results");
  on("documents-form", "submit", buildDocument, "documents-built");
});
