// regenkg web page: an Ask panel, an entity view with its neighbourhood graph, and YASGUI (editor + result
// table with paging, downloads, tabs) on /sparql. No framework; every value from the server goes into the
// page through textContent, never innerHTML. All scripts are served from /static (npm lockfile, no CDN).
"use strict";

const TEXT = {
  en: {
    tagline: "Regenerative medicine knowledge graph", ask: "Ask", askButton: "Ask", entity: "Entity",
    show: "Show", examples: "Examples", history: "History", askPlaceholder: "who develops TCR-T",
    entityPlaceholder: "GSK / 葛蘭素史克 / company/gsk", toggle: "中文", rows: "rows", truncated: "truncated",
    noAnswer: "No answer in the graph.", closest: "Closest sentences (search, not a graph answer):",
    notFound: "No such entity.", running: "running…", answer: "answer", relation: "relation", score: "score",
    evidence: "evidence", type: "type", openSparql: "Open this question's SPARQL in a new editor tab",
    askTab: "Ask", historyEmpty: "(queries you run)", noEditor: "The SPARQL editor needs static/vendor/yasgui.min.js: run `npm ci && npm run vendor` in server/web.",
    noGraph: "(the graph view needs static/vendor/cytoscape.min.js: run `npm ci && npm run vendor` in server/web)",
    curated: "curated", discovered: "discovered",
    footer: "Read-only SPARQL 1.1 endpoint at /sparql · JSON API at /api",
  },
  zh: {
    tagline: "再生醫學知識圖譜", ask: "提問", askButton: "提問", entity: "實體", show: "顯示",
    examples: "範例查詢", history: "查詢紀錄", askPlaceholder: "誰在開發 TCR-T", entityPlaceholder: "葛蘭素史克 / GSK",
    toggle: "English", rows: "列", truncated: "已截斷", noAnswer: "圖譜中找不到答案。",
    closest: "最相近的句子（搜尋結果，非圖譜答案）：", notFound: "沒有這個實體。", running: "執行中…",
    answer: "答案", relation: "關係", score: "分數", evidence: "證據句", type: "類型",
    openSparql: "在新的編輯器分頁開啟此問題的 SPARQL", askTab: "提問", historyEmpty: "（執行過的查詢）",
    noEditor: "SPARQL 編輯器需要 static/vendor/yasgui.min.js：請在 server/web 執行 `npm ci && npm run vendor`。",
    noGraph: "（關係圖需要 static/vendor/cytoscape.min.js：請在 server/web 執行 `npm ci && npm run vendor`）",
    curated: "人工整理", discovered: "自動發現",
    footer: "唯讀 SPARQL 1.1 端點 /sparql · JSON API /api",
  },
};

// Each example is written once, with a title in both languages; labels are asked for in the page language.
const EXAMPLES = [
  { en: "Who develops TCR-T (names in the page language)", zh: "誰在開發 TCR-T（顯示頁面語言的名稱）", query: (l) => `SELECT ?company ?name WHERE {
  ?company rkg:develops modality:tcr-t ; skos:prefLabel ?name .
  FILTER(LANGMATCHES(LANG(?name), "${l}"))
} ORDER BY ?name` },
  { en: "Companies and what they develop", zh: "公司與其開發的療法", query: (l) => `SELECT ?company ?companyName ?modality ?modalityName WHERE {
  ?company rkg:develops ?modality ; skos:prefLabel ?companyName .
  ?modality skos:prefLabel ?modalityName .
  FILTER(LANGMATCHES(LANG(?companyName), "${l}") && LANGMATCHES(LANG(?modalityName), "${l}"))
} ORDER BY ?companyName LIMIT 200` },
  { en: "Chinese labels containing 細胞 (cell)", zh: "含「細胞」的中文標籤", query: () => `SELECT ?thing ?label WHERE {
  ?thing skos:prefLabel ?label .
  FILTER(LANGMATCHES(LANG(?label), "zh") && CONTAINS(?label, "細胞"))
} LIMIT 100` },
  { en: "Facts with their evidence sentence", zh: "事實及其證據句", query: () => `SELECT ?subject ?relation ?object ?text WHERE {
  ?a a rkg:Assertion ; rdf:subject ?subject ; rdf:predicate ?relation ; rdf:object ?object ;
     prov:wasDerivedFrom ?s .
  ?s rkg:text ?text .
}` },
  { en: "Sentences most similar to a phrase (vectors)", zh: "與片語最相似的句子（向量）", query: () => `SELECT ?s ?text ?score WHERE {
  ?s rkg:text ?text .
  BIND(rkg:similarity(?s, "TCR-T cell therapy for solid tumours") AS ?score)
} ORDER BY DESC(?score) LIMIT 10` },
  { en: "Every triple (many pages)", zh: "所有三元組（多頁）", query: () => `SELECT ?s ?p ?o WHERE { ?s ?p ?o } LIMIT 1000` },
  { en: "Triples per named graph", zh: "各具名圖的三元組數", query: () => `SELECT ?g (COUNT(*) AS ?triples) WHERE {
  GRAPH ?g { ?s ?p ?o }
} GROUP BY ?g ORDER BY DESC(?triples) LIMIT 20` },
];

const ENTITY_NS = "https://w3id.org/regenkg/id/";
// IRIs under these are not entities (the entity view has nothing to show for them).
const NOT_ENTITIES = ["sentence/", "assertion/", "doc/"].map((p) => ENTITY_NS + p);
const HISTORY_KEY = "regenkg-history";
const HISTORY_MAX = 25;

let lang = localStorage.getItem("regenkg-lang") || (navigator.language.startsWith("zh") ? "zh" : "en");
let prefixes = {};
const vocab = new Map(); // ontology term local name -> {en, zh-Hant, zh-Hans}
let yasgui = null;
let lastAnswer = null;
let lastEntity = null;
let lastStatus = null; // {rows, truncated} of the last SPARQL result, redrawn when the language changes

const $ = (id) => document.getElementById(id);
const t = (key) => TEXT[lang][key] || TEXT.en[key] || key;
const labelLang = () => (lang === "zh" ? "zh-Hant" : "en");

function el(tag, text, cls) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = String(text);
  if (cls) node.className = cls;
  return node;
}

function labelOf(labels, fallback) {
  if (!labels) return fallback;
  const order = lang === "zh" ? ["zh-Hant", "zh-Hans", "en"] : ["en", "zh-Hant", "zh-Hans"];
  for (const key of order) if (labels[key]) return labels[key];
  return Object.values(labels)[0] || fallback;
}

const localName = (iri) => String(iri || "").split(/[#/]/).pop();
const termLabel = (name) => labelOf(vocab.get(localName(name)), localName(name));

function prefixed(iri) {
  let best = "";
  for (const [prefix, ns] of Object.entries(prefixes)) {
    if (iri.startsWith(ns) && ns.length > (prefixes[best] || "").length) best = prefix;
  }
  return best ? `${best}:${iri.slice(prefixes[best].length)}` : iri;
}

function prefixBlock() {
  return Object.entries(prefixes).map(([p, ns]) => `PREFIX ${p}: <${ns}>`).join("\n") + "\n";
}

const isEntity = (iri) => iri.startsWith(ENTITY_NS) && !NOT_ENTITIES.some((ns) => iri.startsWith(ns));

function entityLink(iri, text) {
  const a = el("a", text, "entity-link");
  a.href = `?entity=${encodeURIComponent(iri)}`;
  a.dataset.entity = iri;
  a.title = iri;
  return a;
}

async function fetchJSON(url) {
  const response = await fetch(url);
  const body = await response.json().catch(() => ({ error: response.statusText }));
  if (!response.ok) throw new Error(body.error || response.statusText);
  return body;
}

async function sparqlJSON(query) {
  const response = await fetch("/sparql", {
    method: "POST", body: prefixBlock() + query,
    headers: { "Content-Type": "application/sparql-query", Accept: "application/sparql-results+json" },
  });
  if (!response.ok) throw new Error(`${response.status}: ${await response.text()}`);
  return response.json();
}

function showError(target, error) { target.replaceChildren(el("div", error.message || String(error), "error")); }

function table(columns, rows) {
  const tbl = el("table");
  const head = el("tr");
  columns.forEach((c) => head.appendChild(el("th", c)));
  tbl.appendChild(head);
  rows.forEach((row) => {
    const tr = el("tr");
    row.forEach((cell) => {
      const td = el("td");
      if (cell instanceof Node) td.appendChild(cell); else td.textContent = cell;
      tr.appendChild(td);
    });
    tbl.appendChild(tr);
  });
  return tbl;
}

// ---- language ----
function applyLanguage() {
  document.documentElement.lang = lang === "zh" ? "zh-Hant" : "en";
  document.querySelectorAll("[data-i18n]").forEach((n) => { n.textContent = t(n.dataset.i18n); });
  document.querySelectorAll("[data-i18n-placeholder]").forEach((n) => { n.placeholder = t(n.dataset.i18nPlaceholder); });
  $("lang-toggle").textContent = t("toggle");
  const select = $("examples");
  const chosen = select.selectedIndex;
  select.replaceChildren(el("option", "—"), ...EXAMPLES.map((ex, i) => { const o = el("option", ex[lang]); o.value = i; return o; }));
  select.selectedIndex = Math.max(chosen, 0);
  drawHistory();
  drawStatus();
  if (lastAnswer) drawAnswer(lastAnswer);
  if (lastEntity) drawEntity(lastEntity);
}

// ---- ask (its own panel: it never touches the editor) ----
function drawAnswer(answer) {
  const out = $("ask-out");
  const items = answer.answers || [];
  if (!items.length) {
    out.replaceChildren(el("p", t("noAnswer")));
    if ((answer.passages || []).length) out.appendChild(el("p", t("closest")));
    (answer.passages || []).slice(0, 3).forEach((p) => out.appendChild(el("p", `“${p.text}” — ${p.title || p.doc}`, "evidence")));
  } else {
    // One row per answer, its first proving sentence beside it (the others are in the entity view).
    out.replaceChildren(table([t("answer"), t("relation"), t("score"), t("evidence")], items.map((a) => {
      const e = (a.evidence || [])[0];
      return [entityLink(a.iri, labelOf(a.labels, a.label)), termLabel(a.relation), Number(a.score).toFixed(2),
        e ? `“${e.text}” — ${e.title || e.doc}` : ""];
    })));
  }
  $("ask-sparql").hidden = !(answer.sparql && yasgui);
}

$("ask-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const out = $("ask-out");
  const question = $("ask-q").value.trim();
  if (!question) return;
  out.replaceChildren(el("span", t("running")));
  $("ask-sparql").hidden = true;
  try {
    lastAnswer = await fetchJSON(`/api/ask?q=${encodeURIComponent(question)}`);
    drawAnswer(lastAnswer);
  } catch (error) { lastAnswer = null; showError(out, error); }
});

$("ask-sparql").addEventListener("click", () => {
  if (!lastAnswer || !lastAnswer.sparql || !yasgui) return;
  const tab = yasgui.addTab(true, { ...Yasgui.Tab.getDefaults(yasgui), name: `${t("askTab")}: ${lastAnswer.question}`.slice(0, 40) });
  tab.setQuery(lastAnswer.sparql);
  $("sparql").scrollIntoView();
});

// ---- entity view ----
let cy = null;
function drawGraph(view) {
  const container = $("graph");
  if (typeof window.cytoscape !== "function") { container.textContent = t("noGraph"); return; }
  const nodes = new Map([[view.iri, { data: { id: view.iri, label: labelOf(view.labels, view.iri) }, classes: "centre" }]]);
  const edges = [];
  (view.relations || []).forEach((r, i) => {
    if (!nodes.has(r.other)) nodes.set(r.other, { data: { id: r.other, label: labelOf(r.other_labels, localName(r.other)) } });
    const [source, target] = r.direction === "in" ? [r.other, view.iri] : [view.iri, r.other];
    edges.push({ data: { id: `e${i}`, source, target, label: termLabel(r.predicate) } });
  });
  if (cy) cy.destroy();
  cy = window.cytoscape({
    container, elements: [...nodes.values(), ...edges], layout: { name: "cose", animate: false },
    style: [
      { selector: "node", style: { label: "data(label)", "font-size": 11, "background-color": "#5b8fa8" } },
      { selector: "node.centre", style: { "background-color": "#d1495b" } },
      { selector: "edge", style: { label: "data(label)", "font-size": 9, "curve-style": "bezier", "target-arrow-shape": "triangle", width: 1 } },
    ],
  });
  window.cy = cy;
  cy.on("tap", "node", (event) => showEntity(event.target.id()));
}

function drawEntity(view) {
  const kind = `${termLabel(view.type || "")} · ${view.curated ? t("curated") : t("discovered")} · `;
  const iri = el("code", prefixed(view.iri));
  iri.title = view.iri;
  const meta = el("div", kind);
  meta.appendChild(iri);
  $("entity-out").replaceChildren(el("h3", labelOf(view.labels, view.iri)), meta);
  drawGraph(view);
  const evidence = $("evidence");
  evidence.replaceChildren();
  (view.relations || []).forEach((r) => (r.evidence || []).forEach((e) => {
    const li = el("li", null, "evidence");
    li.append(`${termLabel(r.predicate)} ${r.direction === "in" ? "←" : "→"} `, entityLink(r.other, labelOf(r.other_labels, localName(r.other))),
      `: “${e.text}” — ${e.title || e.doc}`);
    evidence.appendChild(li);
  }));
}

async function showEntity(ident) {
  if (!ident) return;
  $("entity-q").value = ident.startsWith(ENTITY_NS) ? prefixed(ident).replace(/^[a-z]+:/, (m) => `${m.slice(0, -1)}/`) : ident;
  const out = $("entity-out");
  out.replaceChildren(el("span", t("running")));
  $("evidence").replaceChildren();
  try {
    lastEntity = await fetchJSON(`/api/entity/${encodeURIComponent(ident)}`);
    drawEntity(lastEntity);
  } catch (error) { lastEntity = null; showError(out, error); }
}
$("entity-form").addEventListener("submit", (event) => { event.preventDefault(); showEntity($("entity-q").value.trim()); });

// Entity links anywhere on the page (ask table, evidence, YASGUI's result table) open the entity view here.
document.addEventListener("click", (event) => {
  const a = event.target.closest && event.target.closest("a[data-entity]");
  if (!a || event.ctrlKey || event.metaKey || event.shiftKey) return;
  event.preventDefault();
  showEntity(a.dataset.entity);
  $("entity").scrollIntoView({ block: "nearest" });
});

// ---- SPARQL: YASGUI ----
function loadHistory() {
  try { return JSON.parse(localStorage.getItem(HISTORY_KEY) || "[]"); } catch { return []; }
}

function remember(query) {
  const list = [query, ...loadHistory().filter((q) => q !== query)].slice(0, HISTORY_MAX);
  localStorage.setItem(HISTORY_KEY, JSON.stringify(list));
  drawHistory();
}

function drawHistory() {
  const list = loadHistory();
  const shorten = (q) => q.replace(/^\s*PREFIX[^\n]*\n/gim, "").replace(/\s+/g, " ").trim().slice(0, 90);
  $("history").replaceChildren(el("option", t("historyEmpty")), ...list.map((q, i) => { const o = el("option", shorten(q)); o.value = i; return o; }));
}

// YASGUI's table links IRIs to themselves; entities link to our entity view instead, shown prefixed.
function linkEntities(root) {
  root.querySelectorAll("a.iri:not([data-entity])").forEach((a) => {
    const iri = a.getAttribute("href") || "";
    if (!isEntity(iri)) return;
    a.dataset.entity = iri;
    a.href = `?entity=${encodeURIComponent(iri)}`;
    a.target = "_self";
    a.removeAttribute("rel");
    a.title = iri;
  });
}

function drawStatus() {
  $("status").textContent = lastStatus
    ? `${lastStatus.rows} ${t("rows")}${lastStatus.truncated ? " · " + t("truncated") : ""}` : "";
}

function setupEditor() {
  if (typeof window.Yasgui !== "function") { $("yasgui").textContent = t("noEditor"); return; }
  const endpoint = new URL("/sparql", location.href).href;
  yasgui = new Yasgui($("yasgui"), {
    requestConfig: { endpoint, method: "POST" },
    copyEndpointOnNewTab: true,
    endpointCatalogueOptions: { getData: () => [{ endpoint }] },
    persistenceId: "regenkg",
    autofocus: false,
    yasqe: {
      value: prefixBlock() + EXAMPLES[0].query(labelLang()),
      // Prefix completion from our own list; the class/property completers ask a remote service (LOV).
      autocompleters: ["prefixes", "variables"],
      prefixCcApi: "/static/prefixes.json",
      editorHeight: "260px",
    },
    yasr: { prefixes, defaultPlugin: "table", pluginOrder: ["table", "response"] },
  });
  yasgui.on("query", () => { $("status").textContent = t("running"); });
  // Emitted just before YASR takes the response: read it once this handler has returned.
  yasgui.on("queryResponse", (instance, tab) => setTimeout(() => afterQuery(tab), 0));
  new MutationObserver(() => linkEntities($("yasgui"))).observe($("yasgui"), { childList: true, subtree: true });
}

function afterQuery(tab) {
  {
    const results = tab.getYasr().results;
    const json = results && !results.hasError() ? results.getAsJson() : null;
    const rows = json && json.results ? json.results.bindings.length : null;
    lastStatus = rows === null ? null : { rows, truncated: Boolean(json.truncated) };
    drawStatus();
    remember(tab.getQuery());
    // The query goes into the address bar, so the page can be bookmarked or shared.
    history.replaceState(null, "", tab.getShareableLink(location.origin + location.pathname));
  }
}

function loadIntoEditor(query) {
  if (!yasgui) return;
  yasgui.getTab().setQuery(query);
  yasgui.getTab().getYasqe().focus();
}

$("examples").addEventListener("change", () => {
  const ex = EXAMPLES[$("examples").value];
  if (ex) loadIntoEditor(prefixBlock() + ex.query(labelLang()));
  $("examples").selectedIndex = 0;
});
$("history").addEventListener("change", () => {
  const q = loadHistory()[$("history").value];
  if (q) loadIntoEditor(q);
  $("history").selectedIndex = 0;
});

$("lang-toggle").addEventListener("click", () => {
  lang = lang === "en" ? "zh" : "en";
  localStorage.setItem("regenkg-lang", lang);
  applyLanguage();
});

async function loadVocabulary() {
  // Relation and class names in every language, from the ontology's rdfs:label (one query, once).
  const data = await sparqlJSON(`SELECT ?term ?label WHERE {
  ?term rdfs:label ?label . FILTER(STRSTARTS(STR(?term), STR(rkg:)))
}`);
  data.results.bindings.forEach((b) => {
    const key = localName(b.term.value);
    const labels = vocab.get(key) || {};
    const tag = (b.label["xml:lang"] || "").toLowerCase();
    const keyLang = tag === "zh-hant" ? "zh-Hant" : tag === "zh-hans" ? "zh-Hans" : tag || "en";
    labels[keyLang] = b.label.value;
    vocab.set(key, labels);
  });
}

async function start() {
  prefixes = await fetchJSON("/static/prefixes.json");
  applyLanguage();
  setupEditor();
  try { await loadVocabulary(); } catch (error) { console.warn("ontology labels unavailable:", error); }
  applyLanguage();
  const entity = new URLSearchParams(location.search).get("entity");
  if (entity) showEntity(entity);
  document.body.dataset.ready = "true";
}
start();
