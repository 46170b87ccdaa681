// regenkg web page: ask box, entity view with a neighbourhood graph, SPARQL editor. No framework;
// every value from the server goes into the page through textContent, never innerHTML.
"use strict";

const TEXT = {
  en: {
    tagline: "Regenerative medicine knowledge graph", ask: "Ask", askButton: "Ask", entity: "Entity",
    show: "Show", examples: "Examples", run: "Run", askPlaceholder: "who develops TCR-T",
    entityPlaceholder: "GSK / 葛蘭素史克 / company/gsk", toggle: "中文", rows: "rows", truncated: "truncated",
    noAnswer: "No answer found.", notFound: "No such entity.", evidence: "Evidence", running: "running…",
    footer: "Read-only SPARQL 1.1 endpoint at /sparql · JSON API at /api",
  },
  zh: {
    tagline: "再生醫學知識圖譜", ask: "提問", askButton: "提問", entity: "實體", show: "顯示",
    examples: "範例查詢", run: "執行", askPlaceholder: "誰在開發 TCR-T", entityPlaceholder: "葛蘭素史克 / GSK",
    toggle: "English", rows: "列", truncated: "已截斷", noAnswer: "找不到答案。", notFound: "沒有這個實體。",
    evidence: "證據句", running: "執行中…", footer: "唯讀 SPARQL 1.1 端點 /sparql · JSON API /api",
  },
};

const PREFIXES = `PREFIX rkg: <https://w3id.org/regenkg/ontology#>
PREFIX rkgr: <https://w3id.org/regenkg/id/>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
`;

const EXAMPLES = [
  { en: "Companies and what they develop", zh: "公司與其開發的療法", query: `SELECT ?company ?label ?modality WHERE {
  ?company rkg:develops ?modality ; skos:prefLabel ?label .
  FILTER(LANGMATCHES(LANG(?label), "en"))
} LIMIT 50` },
  { en: "Chinese labels containing 細胞 (cell)", zh: "含「細胞」的中文標籤", query: `SELECT ?thing ?label WHERE {
  ?thing skos:prefLabel ?label .
  FILTER(LANGMATCHES(LANG(?label), "zh") && CONTAINS(?label, "細胞"))
} LIMIT 50` },
  { en: "Acquisitions with their evidence sentence", zh: "併購事件及其證據句", query: `SELECT ?buyer ?target ?text WHERE {
  ?a rdf:subject ?buyer ; rdf:predicate rkg:acquired ; rdf:object ?target ; prov:wasDerivedFrom ?s .
  ?s rkg:text ?text .
} LIMIT 50` },
  { en: "Sentences most similar to a phrase (vectors)", zh: "與片語最相似的句子（向量）", query: `SELECT ?s ?text ?score WHERE {
  ?s rkg:text ?text .
  BIND(rkg:similarity(?s, "TCR-T cell therapy for solid tumours") AS ?score)
} ORDER BY DESC(?score) LIMIT 10` },
  { en: "Triples per named graph", zh: "各具名圖的三元組數", query: `SELECT ?g (COUNT(*) AS ?triples) WHERE {
  GRAPH ?g { ?s ?p ?o }
} GROUP BY ?g ORDER BY DESC(?triples) LIMIT 20` },
];

let lang = localStorage.getItem("regenkg-lang") || (navigator.language.startsWith("zh") ? "zh" : "en");
const $ = (id) => document.getElementById(id);
const t = (key) => TEXT[lang][key] || key;

function el(tag, text, cls) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = String(text);
  if (cls) node.className = cls;
  return node;
}

function applyLanguage() {
  document.documentElement.lang = lang === "zh" ? "zh-Hant" : "en";
  document.querySelectorAll("[data-i18n]").forEach((n) => { n.textContent = t(n.dataset.i18n); });
  document.querySelectorAll("[data-i18n-placeholder]").forEach((n) => { n.placeholder = t(n.dataset.i18nPlaceholder); });
  $("lang-toggle").textContent = t("toggle");
  const select = $("examples");
  const chosen = select.selectedIndex;
  select.replaceChildren(...EXAMPLES.map((ex, i) => { const o = el("option", ex[lang]); o.value = i; return o; }));
  select.selectedIndex = Math.max(chosen, 0);
}

function labelOf(labels, fallback) {
  if (!labels) return fallback;
  const order = lang === "zh" ? ["zh-Hant", "zh-Hans", "en"] : ["en", "zh-Hant", "zh-Hans"];
  for (const key of order) if (labels[key]) return labels[key];
  return Object.values(labels)[0] || fallback;
}

async function fetchJSON(url) {
  const response = await fetch(url);
  const body = await response.json().catch(() => ({ error: response.statusText }));
  if (!response.ok) throw new Error(body.error || response.statusText);
  return body;
}

function showError(target, error) { target.replaceChildren(el("div", error.message || String(error), "error")); }

function table(columns, rows) {
  const tbl = el("table");
  const head = el("tr");
  columns.forEach((c) => head.appendChild(el("th", c)));
  tbl.appendChild(head);
  rows.forEach((row) => {
    const tr = el("tr");
    row.forEach((cell) => tr.appendChild(el("td", cell)));
    tbl.appendChild(tr);
  });
  return tbl;
}

// ---- ask ----
$("ask-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const out = $("ask-out");
  out.replaceChildren(el("span", t("running")));
  try {
    const answer = await fetchJSON(`/api/ask?q=${encodeURIComponent($("ask-q").value)}`);
    const items = answer.answers || [];
    if (!items.length) { out.replaceChildren(el("p", t("noAnswer"))); }
    else {
      // One row per answer, its first proving sentence beside it (the others are in the entity view).
      out.replaceChildren(table(["", "relation", "score", "evidence"], items.map((a) => {
        const e = (a.evidence || [])[0];
        return [labelOf(a.labels, a.label), a.relation, Number(a.score).toFixed(3), e ? `“${e.text}” — ${e.title || e.doc}` : ""];
      })));
    }
    if (!items.length) (answer.passages || []).slice(0, 3).forEach((p) => out.appendChild(el("p", p.text, "evidence")));
    if (answer.sparql) { $("query").value = answer.sparql; }
  } catch (error) { showError(out, error); }
});

// ---- entity view ----
let cy = null;
function drawGraph(view) {
  const container = $("graph");
  if (typeof window.cytoscape !== "function") {
    container.textContent = "(graph view needs static/vendor/cytoscape.min.js: run `npm ci` in server/web)";
    return;
  }
  const nodes = new Map([[view.iri, { data: { id: view.iri, label: labelOf(view.labels, view.iri) }, classes: "centre" }]]);
  const edges = [];
  (view.relations || []).forEach((r, i) => {
    if (!nodes.has(r.other)) nodes.set(r.other, { data: { id: r.other, label: labelOf(r.other_labels, r.other.split("/").pop()) } });
    const [source, target] = r.direction === "in" ? [r.other, view.iri] : [view.iri, r.other];
    edges.push({ data: { id: `e${i}`, source, target, label: r.predicate.split(/[#/]/).pop() } });
  });
  if (cy) cy.destroy();
  cy = window.cytoscape({
    container, elements: [...nodes.values(), ...edges], layout: { name: "cose", animate: false },
    style: [
      { selector: "node", style: { label: "data(label)", "font-size": 10, "background-color": "#5b8fa8" } },
      { selector: "node.centre", style: { "background-color": "#d1495b" } },
      { selector: "edge", style: { label: "data(label)", "font-size": 8, "curve-style": "bezier", "target-arrow-shape": "triangle", width: 1 } },
    ],
  });
  cy.on("tap", "node", (event) => { $("entity-q").value = event.target.id(); showEntity(event.target.id()); });
}

async function showEntity(ident) {
  const out = $("entity-out");
  const evidence = $("evidence");
  out.replaceChildren(el("span", t("running")));
  evidence.replaceChildren();
  try {
    const view = await fetchJSON(`/api/entity/${encodeURIComponent(ident)}`);
    out.replaceChildren(el("h3", labelOf(view.labels, view.iri)), el("div", `${view.type || ""} · ${view.iri}`));
    drawGraph(view);
    (view.relations || []).forEach((r) => (r.evidence || []).forEach((e) => {
      evidence.appendChild(el("li", `${r.predicate.split(/[#/]/).pop()} → ${labelOf(r.other_labels, r.other)}: “${e.text}”`, "evidence"));
    }));
  } catch (error) { showError(out, error); }
}
$("entity-form").addEventListener("submit", (event) => { event.preventDefault(); showEntity($("entity-q").value.trim()); });

// ---- SPARQL editor ----
function termText(term) {
  if (!term) return "";
  if (term.type === "literal" && term["xml:lang"]) return `${term.value} @${term["xml:lang"]}`;
  if (term.type === "bnode") return `_:${term.value}`;
  return term.value;
}

$("examples").addEventListener("change", () => { $("query").value = PREFIXES + EXAMPLES[$("examples").value].query; });
$("run").addEventListener("click", async () => {
  const status = $("status");
  const out = $("results");
  status.textContent = t("running");
  const started = performance.now();
  try {
    const response = await fetch("/sparql", {
      method: "POST",
      headers: { "Content-Type": "application/sparql-query", Accept: "application/sparql-results+json, text/turtle;q=0.9" },
      body: $("query").value,
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${response.status}: ${text}`);
    const ms = Math.round(performance.now() - started);
    if ((response.headers.get("content-type") || "").includes("json")) {
      const data = JSON.parse(text);
      if ("boolean" in data) { out.replaceChildren(el("p", String(data.boolean))); status.textContent = `${ms} ms`; return; }
      const vars = data.head.vars;
      const rows = data.results.bindings.map((b) => vars.map((v) => termText(b[v])));
      out.replaceChildren(table(vars, rows));
      status.textContent = `${rows.length} ${t("rows")} · ${ms} ms${data.truncated ? " · " + t("truncated") : ""}`;
    } else {
      out.replaceChildren(el("pre", text));
      status.textContent = `${ms} ms`;
    }
  } catch (error) { status.textContent = ""; showError(out, error); }
});

$("lang-toggle").addEventListener("click", () => {
  lang = lang === "en" ? "zh" : "en";
  localStorage.setItem("regenkg-lang", lang);
  applyLanguage();
});

applyLanguage();
$("query").value = PREFIXES + EXAMPLES[0].query;
