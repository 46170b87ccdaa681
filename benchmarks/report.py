"""Turn benchmarks/results/*.json into REPORT.md with PNG figures (side-by-side ratios from one run).

    .venv/bin/python benchmarks/report.py [results-folder]
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

HERE = Path(__file__).resolve().parent
ENGINES = (("pyoxigraph", "pyoxigraph (bare)"), ("regenkg_engine", "regenkg SparqlEngine"),
           ("rdflib", "rdflib"), ("oxigraph_serve", "oxigraph serve + RemoteStore"))


def _load(folder: Path, name: str) -> Any:
    path = folder / name
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None


def _bars(ax, labels: list[str], values: list[float], title: str, unit: str) -> None:
    bars = ax.bar(labels, values, color=["#4c72b0", "#dd8452", "#55a868", "#c44e52", "#8172b3"][: len(values)])
    ax.bar_label(bars, [f"{v:.3g}" for v in values], fontsize=8)
    ax.set_title(title, fontsize=10)
    ax.set_ylabel(unit)
    ax.tick_params(axis="x", labelsize=8, rotation=15)


def _save(fig, folder: Path, name: str) -> str:
    fig.tight_layout()
    fig.savefig(folder / name, dpi=110)
    plt.close(fig)
    return name


def _ratio(a: float | None, b: float | None) -> str:
    return f"{a / b:.2f}×" if a and b else "–"


def section_machine(run: dict | None) -> list[str]:
    if not run:
        return ["_No run.json: run `benchmarks/run_all.py`._", ""]
    m = run["machine"]
    v = m["versions"]
    lines = [f"- CPU: {m['cpu']}, {m['cores']} cores, {m['memory_gb']} GiB RAM; {m['os']}",
             f"- Python {m['python']}; " + ", ".join(f"{k} {val}" for k, val in v.items() if val),
             (f"- OMP_NUM_THREADS={m['omp_num_threads']}; mode **{run['mode']}**, started {run['started_utc']}, "
             f"total {run['total_s'] / 60:.1f} min"
             + (f" (steps re-run afterwards on their own: {', '.join(run['rerun_steps'])})"
                if run.get("rerun_steps") else "")),
             (f"- Load average before the run: {', '.join(f'{x:.2f}' for x in run['load_average_before'])} "
             "(other jobs on the machine inflate latencies; each step's load is listed below)"), "",
             "| step | seconds | status | load avg (1 min) after |", "|---|---:|---|---:|"]
    for name, s in run["steps"].items():
        lines.append(f"| {name} | {s['seconds']} | {s['status']} | {s['load_average_after'][0]:.2f} |")
    return lines + [""]


def _before(folder: Path) -> dict:
    """Figures of the report before issue #18 (sentence-transformers on torch), shown beside today's."""
    return _load(folder, "before_issue18.json") or {}


def section_embed(d: dict | None, folder: Path) -> list[str]:
    if not d:
        return []
    before = _before(folder)
    sps, q = d["sentences_per_s"], d.get("query_embedding", {})
    labels = {"onnx": "ONNX Runtime (default)", "st": "sentence-transformers backend", "bare": "bare SentenceTransformer"}
    fig, ax = plt.subplots(figsize=(6, 3))
    _bars(ax, [labels[k] for k in sps], list(sps.values()),
          f"Embedding throughput ({d['texts']} corpus sentences)", "sentences / s")
    png = _save(fig, folder, "fig_embed.png")
    load = f" Load average during the run: {d['load_average_during_run']}." if d.get("load_average_during_run") else ""
    lines = ["## Build throughput: embedding", "",
             f"Same process, {d['texts']} corpus sentences, batch {d['batch_size']}, {d['threads']} threads.{load}", "",
             "| engine | sentences/s | query embedding p50 / p99 ms | load s |", "|---|---:|---:|---:|"]
    for k, v in sps.items():
        lat = q.get(k)
        cell = f"{lat['p50_ms']} / {lat['p99_ms']}" if lat else "–"
        lines.append(f"| {labels[k]} | {v} | {cell} | {d['load_s'].get(k, '–')} |")
    if before:
        lines.append(f"| before #18 (report of 2026-11-26) | {before['embed_sentences_per_s']} | "
                     f"{before['query_embedding_p50_ms']} (in `kb.ask`) | – |")
    if "cosine_onnx_vs_st" in d:
        c = d["cosine_onnx_vs_st"]
        lines += ["", (f"ONNX vs sentence-transformers vectors: mean cosine {c['mean']}, min {c['min']} (the same "
                       f"4-bit weights in fp32 arithmetic); ONNX is {d['speedup_onnx_over_st']}× as fast in the same run.")]
    return lines + ["", f"![embedding]({png})", ""]


def section_ask(d: dict | None, folder: Path) -> list[str]:
    if not d:
        return []
    before = _before(folder)
    a, st = d["ask"], d.get("ask_st")
    lines = ["## Ask and search on the bundled corpus", ""]
    if d.get("load_average_start"):
        lines += [(f"Load average (1/5/15 min) at the start of this step: "
                   f"{', '.join(f'{x:.2f}' for x in d['load_average_start'])}; at its end: "
                   f"{', '.join(f'{x:.2f}' for x in d['load_average_end'])}."), ""]
    if d.get("load_average_during_run"):
        lines += [(f"Load average during this run: {d['load_average_during_run']}; the figures \"before #18\" were "
                   "measured at a load average of 2.6-5. Absolute latencies of the two runs are not comparable; "
                   "the ratios between engines measured in the same run (here and in the embedding section) are."), ""]
    for key, name in (("build", "ONNX Runtime"), ("build_st", "sentence-transformers")):
        b = d.get(key)
        if b:
            lines.append(f"Build of `corpus/` ({name}): {b['documents']} documents, {b['sentences']} sentences, "
                         f"{b['triples']} triples in {b['seconds']} s ({b['sentences_per_s']} sentences/s end to end, "
                         f"peak {b['peak_rss_mb']} MiB).")
    if d.get("build_note"):
        lines.append(f"({d['build_note']}.)")
    if before:
        lines.append(f"Before #18: {before['build_sentences_per_s']} sentences/s, peak {before['build_peak_rss_mb']} MiB.")
    head = "| operation (warm, one at a time) | ONNX p50 / p99 ms |"
    sep = "|---|---:|"
    if st:
        head, sep = head + " sentence-transformers p50 / p99 ms |", sep + "---:|"
    if before:
        head, sep = head + " before #18 p50 ms |", sep + "---:|"
    lines += ["", head, sep]
    rows = [("`kb.ask`", "ask", "warm_ask_p50_ms"), ("`kb.search`", "search", "warm_search_p50_ms"),
            ("query embedding alone", "encode_query", "query_embedding_p50_ms")]
    for label, key, bkey in rows:
        r = a.get(key)
        if not r:
            continue
        line = f"| {label} | {r['p50_ms']} / {r['p99_ms']} |"
        if st:
            line += f" {st[key]['p50_ms']} / {st[key]['p99_ms']} |"
        if before:
            line += f" {before.get(bkey, '–')} |"
        lines.append(line)
    if a.get("remote_ask"):
        lines.append(f"| `kb.ask`, graph in `oxigraph serve` (RemoteStore) | {a['remote_ask']['ask']['p50_ms']} / "
                     f"{a['remote_ask']['ask']['p99_ms']} |" + (" – |" if st else "") + (" – |" if before else ""))
    lines += _beside_baseline(d.get("baseline"))
    goal = d.get("goal_warm_ask_p50_ms", 10)
    verdict = "met" if a["ask"]["p50_ms"] <= goal else "**not met**"
    lines += ["", (f"Goal: warm `kb.ask` p50 ≤ {goal} ms — {verdict} ({a['ask']['p50_ms']} ms over "
              f"{a['questions']} questions from tests/data/questions.yaml; {a['answered']} distinct questions answered; "
              f"torch imported: {a.get('torch_imported')}).")]
    same = d.get("same_results")
    if same:
        lines += ["", (f"Same answers with both engines for {same['answers']:.0%} of the {same['questions']} distinct "
                       f"questions, same top-5 search hits for {same['top5_hits']:.0%}.")]
    c = d["cold"]
    lines += ["", f"Cold start, new process (median of {c['runs']}; peak RSS of the process):", "",
              "| command | wall s | peak RSS MiB |", "|---|---:|---:|",
              f"| `regenkg ask \"who develops TCR-T\"` (ONNX) | {c['cli_ask_s']} | {c['cli_ask_peak_rss_mb']} |"]
    if "st_backend_ask_s" in c:
        lines.append(f"| same question, sentence-transformers backend | {c['st_backend_ask_s']} | "
                     f"{c['st_backend_ask_peak_rss_mb']} |")
        lines.append(f"| only `import torch; SentenceTransformer(path)`; one encode | {c['bare_torch_st_encode_s']} | "
                     f"{c['bare_torch_st_encode_peak_rss_mb']} |")
    if before:
        lines.append(f"| before #18: `regenkg ask` | {before['cold_cli_ask_s']} | {before['open_ask_peak_rss_mb']} (open + ask) |")
    if "baseline_cli_ask_s" in c:
        short = (d.get("baseline") or {}).get("commit", "")[:7]
        lines.append(f"| baseline {short} (same run): `regenkg ask` | {c['baseline_cli_ask_s']} | "
                     f"{c['baseline_cli_ask_peak_rss_mb']} |")
    lines.append(f"| bare `python -c pass` | {c['python_startup_s']} | {c['python_startup_peak_rss_mb']} |")
    goal_s, goal_mb = d.get("goal_cold_ask_s", 2.0), d.get("goal_cold_peak_rss_mb", 400)
    ok = c["cli_ask_s"] <= goal_s and c["cli_ask_peak_rss_mb"] <= goal_mb
    lines += ["", (f"Goal: cold `regenkg ask` median ≤ {goal_s} s and peak RSS ≤ {goal_mb} MiB — "
                   f"{'met' if ok else '**not met**'} ({c['cli_ask_s']} s, {c['cli_ask_peak_rss_mb']} MiB).")]
    mods = d.get("modules_after_open_ask")
    if mods:
        loaded = [m for m, v in mods.items() if v]
        lines.append("After `KnowledgeBase.open(index).ask(...)` in a new process: "
                     + (f"**{', '.join(loaded)} in sys.modules**" if loaded else
                        f"none of {', '.join(f'`{m}`' for m in mods)} in `sys.modules`") + ".")
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(9, 3.2))
    labels = ["kb.ask", "kb.search", "query embedding"]
    _bars(ax1, labels, [a[k]["p50_ms"] for k in ("ask", "search", "encode_query")], "Warm latency p50 (ONNX)", "ms")
    ax1.axhline(goal, color="grey", linestyle="--", linewidth=1)
    cold_labels, cold_values = ["regenkg ask (ONNX)"], [c["cli_ask_s"]]
    if "st_backend_ask_s" in c:
        cold_labels.append("ask, st backend")
        cold_values.append(c["st_backend_ask_s"])
    _bars(ax2, cold_labels, cold_values, "Cold start, new process", "s")
    lines += ["", f"![ask]({_save(fig, folder, 'fig_ask.png')})", ""]
    return lines


def _beside_baseline(b: dict | None) -> list[str]:
    """This tree and a baseline revision's code, alternated in the same run on the same index."""
    if not b:
        return []
    short = b.get("commit", "")[:7]
    if "error" in b:
        return ["", f"Baseline {b.get('rev')} ({short}) could not be timed: {b['error']}"]
    cur, base = b["current"], b["baseline"]
    lines = ["", (f"Beside the previous figures, in the same run: baseline = the code of {b['rev']} ({short}), "
                  f"run on the same index and questions in {b['rounds']} round(s) alternating with this tree "
                  "(p50 / p99 over every round's samples; CPU = the process's CPU time, all threads, which "
                  "moves far less than wall time with the machine's load):"), "",
             (f"| operation | this tree wall p50 / p99 ms | baseline {short} wall p50 / p99 ms | wall ratio | "
              "this tree CPU p50 ms | baseline CPU p50 ms | CPU ratio |"), "|---|---:|---:|---:|---:|---:|---:|"]

    def ratio(x: dict, y: dict) -> str:
        return f"{x['p50_ms'] / y['p50_ms']:.2f}×" if y.get("p50_ms") else "–"

    for label, key in (("`kb.ask`", "ask"), ("`kb.search`", "search"), ("query embedding alone", "encode_query"),
                       ("`kb.ask`, analyst questions (once each)", "ask_analyst")):
        if key in cur and key in base:
            c_cpu, b_cpu = cur.get(key + "_cpu"), base.get(key + "_cpu")
            cpu = (f" {c_cpu['p50_ms']} | {b_cpu['p50_ms']} | {ratio(c_cpu, b_cpu)} |" if c_cpu and b_cpu
                   else " – | – | – |")
            lines.append(f"| {label} | {cur[key]['p50_ms']} / {cur[key]['p99_ms']} | {base[key]['p50_ms']} / "
                         f"{base[key]['p99_ms']} | {ratio(cur[key], base[key])} |" + cpu)
    if "ask_cpu" in cur and "encode_query_cpu" in cur and "ask_cpu" in base and "encode_query_cpu" in base:
        lines += ["", (f"CPU of `kb.ask` beside the query embedding (the planner, graph and search part), p50: this "
                       f"tree {cur['ask_cpu']['p50_ms'] - cur['encode_query_cpu']['p50_ms']:.2f} ms, baseline "
                       f"{base['ask_cpu']['p50_ms'] - base['encode_query_cpu']['p50_ms']:.2f} ms.")]
    return lines


def section_int8(d: dict | None) -> list[str]:
    """Dynamic int8 quantisation of the default model against the shipped fp32-arithmetic one."""
    if not d:
        return []
    names = {"fp32": "fp32 arithmetic, 4-bit weights (shipped)", "int8-act": "int8 activations, 4-bit weights",
             "int8-dyn": "`quantize_dynamic` (int8 weights and activations)"}
    lines = ["## Dynamic int8 quantisation of the query model (issue #18)", "",
             (f"`benchmarks/bench_int8.py`, one run: {d['sentences']} corpus sentences, {d['questions']} test questions "
              "(questions.yaml + analyst_questions.yaml); the rule: adopt int8 only if the cosine to fp32 is ≥ 0.99 "
              "and the test questions' search results are unchanged. Top-10 unchanged = same hits in the same order; "
              "'index too' = the index vectors re-embedded by the same model (fp32's own row is the control)."), "",
             ("| model | MB | cosine min (sentences / queries) | query p50 ms | query CPU p50 ms | sentences/s "
              "| top-10 unchanged (query / index too) | top-1 unchanged (index too) | answers unchanged | rule |"),
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|"]
    for name, r in d["models"].items():
        rule = "–" if name == "fp32" else ("met" if r.get("meets_issue_rule") else "not met")
        lines.append(f"| {names.get(name, name)} | {d['model_mb'][name]} | {r['cosine_sentences_min']} / "
                     f"{r['cosine_queries_min']} | {r['query_p50_ms']} | {r.get('query_cpu_p50_ms', '–')} | "
                     f"{r['sentences_per_s']} | {r['top10_unchanged_query_only']:.0%} / "
                     f"{r['top10_unchanged_query_and_index']:.0%} | {r['top1_unchanged_query_and_index']:.0%} | "
                     f"{r.get('answers_unchanged', 1.0):.0%} | {rule} |")
    adopted = d.get("adopted")
    lines += ["", (f"Adopted: **{adopted}**." if adopted else
                   "Adopted: **none** — the shipped model stays fp32 arithmetic (`ACCURACY_LEVEL = 0`).")]
    return lines + [""]


def section_memory(d: dict | None, folder: Path) -> list[str]:
    if not d:
        return []
    peaks = [(name, (d.get(key) or {}).get("peak_rss_mb")) for name, key in
             (("build", "build"), ("open (all components)", "open"), ("open + ask/search", "ask"))]
    peaks = [(n, v) for n, v in peaks if v]
    if not peaks:
        return []
    fig, ax = plt.subplots(figsize=(5, 3))
    _bars(ax, [n for n, _ in peaks], [v for _, v in peaks], "Peak resident memory (own process)", "MiB")
    lines = ["## Memory peaks", "", "| phase | peak RSS MiB |", "|---|---:|"]
    lines += [f"| {n} | {v} |" for n, v in peaks]
    return lines + ["", f"![memory]({_save(fig, folder, 'fig_memory.png')})", ""]


def section_serve_start(d: dict | None) -> list[str]:
    """`regenkg serve` from a cold start (bench_serve_start.py): per-process memory, first similarity query."""
    if not d:
        return []
    rss, first = d["max_process_rss_mb"], d["first_similarity_s_max"]
    lines = ["## `regenkg serve` from a cold start", "",
             (f"`bench_serve_start.py`, {len(d['runs'])} starts of `regenkg serve --workers {d['workers']}` on the ask "
              f"benchmark's index; load average {d['load_average_start'][0]:.2f} at the start, "
              f"{d['load_average_end'][0]:.2f} at the end. The first `rkg:similarity` query is sent as soon as "
              "`/health` answers, then one per new connection until every server process has answered one."), "",
             "| start | ready s | first similarity query per process s | warm similarity s | largest process RSS / USS MiB |",
             "|---:|---:|---|---:|---:|"]
    for i, run in enumerate(d["runs"], 1):
        big = max(run["processes"], key=lambda p: p["rss_mb"])
        firsts = ", ".join(f"{v}" for v in run["first_similarity_s"].values())
        lines.append(f"| {i} | {run['ready_s']} | {firsts} | {run['warm_similarity_s']} | {big['rss_mb']} / {big['uss_mb']} |")
    met = lambda ok: "**met**" if ok else "**not met**"  # noqa: E731
    lines += ["",
              f"- Goal: each process ≤ {d['goal_process_rss_mb']} MiB — {met(rss <= d['goal_process_rss_mb'])} "
              f"(largest {rss} MiB RSS, {d['max_process_uss_mb']} MiB USS).",
              f"- Goal: `rkg:similarity` on first use ≤ {d['goal_first_similarity_s']} s — "
              f"{met(first <= d['goal_first_similarity_s'])} (slowest first answer {first} s; the model is loaded "
              "during start-up, before the first request is accepted).", ""]
    return lines


def section_sparql(d: dict | None, folder: Path) -> list[str]:
    if not d:
        return []
    lines = ["## SPARQL on synthetic regenkg-shaped graphs", "",
             "Queries: " + "; ".join(f"`{k}` = {v}" for k, v in d["queries"].items()) + ".", "",
             "| triples | engine | load/start s | " + " | ".join(f"{q} p50 / p99 ms" for q in d["queries"])
             + " | planner ratio vs pyoxigraph |", "|---:|---|---:|" + "---:|" * len(d["queries"]) + "---:|"]
    for row in d["results"]:
        base = row["pyoxigraph"]["planner"]["p50_ms"]
        for key, label in ENGINES:
            r = row.get(key)
            if not r:
                if key == "rdflib":
                    lines.append(f"| {row['quads']:,} | rdflib | – | skipped above {d['rdflib_max']:,} triples "
                                 "(too slow) |" + " |" * len(d["queries"]))
                continue
            load = r.get("load_s", r.get("start_s", r.get("push_s")))
            cells = " | ".join(f"{r[q]['p50_ms']} / {r[q]['p99_ms']}" for q in d["queries"])
            lines.append(f"| {row['quads']:,} | {label} | {load} | {cells} | {_ratio(r['planner']['p50_ms'], base)} |")
    fig, axes = plt.subplots(1, len(d["queries"]), figsize=(12, 3.5), sharey=True)
    sizes = [row["quads"] for row in d["results"]]
    for ax, q in zip(axes, d["queries"]):
        for key, label in ENGINES:
            pts = [(row["quads"], row[key][q]["p50_ms"]) for row in d["results"] if row.get(key)]
            if pts:
                ax.plot(*zip(*pts), marker="o", label=label)
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xticks(sizes)
        ax.set_xticklabels([f"{s // 1000}k" for s in sizes])
        ax.set_title(f"{q} p50", fontsize=10)
        ax.set_xlabel("triples")
    axes[0].set_ylabel("ms (log)")
    axes[0].legend(fontsize=7, loc="upper right")  # one_hop leaves the top of the shared axis empty
    lines += ["", ("Load/start: pyoxigraph and rdflib = parse into memory; SparqlEngine = worker start with the "
              "store copy; oxigraph serve = `push_snapshot` over HTTP into its RocksDB store."), "",
              f"![sparql]({_save(fig, folder, 'fig_sparql.png')})", ""]
    return lines


SERVER_NAMES = {"regenkg": "`regenkg serve`", "oxigraph": "`oxigraph serve-read-only`",
                "rdflib_endpoint": "rdflib-endpoint"}


def section_server(d: dict | None, folder: Path, python_client: dict | None = None) -> list[str]:
    if not d or not d.get("runs"):
        return []
    lines = ["## SPARQL over HTTP", "",
             (f"{d['triples']:,} triples, query mix {d['query_mix']}; load: {d['client']}, loopback; "
              f"`regenkg serve` with {d['regenkg_workers']} processes."), "",
             "| connections | server | req/s | p50 ms | p99 ms | errors |", "|---:|---|---:|---:|---:|---:|"]
    for run in d["runs"]:
        for key, name in SERVER_NAMES.items():
            if key in run:
                r = run[key]
                lines.append(f"| {run['concurrency']} | {name} | {r['req_per_s']} | {r['p50_ms']} | {r['p99_ms']} | "
                             f"{r['errors']} |")
    lines.append("")
    for run in d["runs"]:
        lines.append(f"- {run['concurrency']} connection(s): regenkg / oxigraph "
                     f"**{run.get('ratio_over_oxigraph', '–')}×** (goal ≥ 0.9×), regenkg / rdflib-endpoint "
                     f"**{run.get('ratio_over_rdflib_endpoint', '–')}×** (goal ≥ 10×).")
    if python_client and python_client.get("runs"):
        run = python_client["runs"][-1]
        lines.append(f"- The same mix from a Python client ({python_client['client']}, {run['concurrency']} threads; "
                     f"the load is client-bound, as in the issue's reference numbers): regenkg "
                     f"{run['regenkg']['req_per_s']} req/s, oxigraph {run.get('oxigraph', {}).get('req_per_s', '–')} "
                     f"req/s, ratio **{run.get('ratio_over_oxigraph', '–')}×**.")
    names = [k for k in SERVER_NAMES if k in d["runs"][-1]]
    if names:
        fig, ax = plt.subplots(figsize=(5.5, 3.2))
        _bars(ax, [SERVER_NAMES[k].strip("`") for k in names], [d["runs"][-1][k]["req_per_s"] for k in names],
              f"SPARQL HTTP throughput, {d['runs'][-1]['concurrency']} connections", "requests / s")
        lines += ["", f"![server]({_save(fig, folder, 'fig_server.png')})"]
    return lines + [""]


def section_faiss(d: dict | None, sweep: dict | None, folder: Path) -> list[str]:
    lines = ["## Vector search (FAISS)", ""]
    if d:
        lines += [(f"`bench_faiss.py --data {d['data']}` ({d['queries']} queries, {d['dimension']}-d; exact_limit "
                  f"{d['exact_limit']:,}):"), "", "| n | index | build s | p50 ms | p99 ms | batch q/s | recall@10 |",
                  "|---:|---|---:|---:|---:|---:|---:|"]
        for row in d["results"]:
            for key in ("default", "ivf"):
                r = row.get(key)
                if r:
                    kind = r["kind"] + (f" (nprobe {r['nprobe']})" if r.get("nprobe") else "")
                    lines.append(f"| {row['n']:,} | {kind} | {r['build_s']} | {r['p50_ms']} | {r['p99_ms']} | "
                                 f"{r['batch_queries_per_s']} | {r['recall_at_10']} |")
        lines.append("")
    if sweep:
        sweeps = sweep.get("sweeps", [sweep])
        goal = sweep.get("goal_recall_at_10", 0.95)
        fig, ax = plt.subplots(figsize=(5.5, 3.4))
        ax2 = ax.twinx()
        for i, sw in enumerate(sweeps):
            lines += [(f"IVF nprobe sweep at {sw['n']:,} `{sw['data']}` vectors (nlist {sw['nlist']}, build "
                       f"{sw['build_s']} s, {sw['queries']} queries):"), "",
                      "| index | nprobe | p50 ms | p99 ms | batch q/s | recall@10 | bare FAISS p50 ms (1 thread / "
                      "2 threads) | regenkg ÷ best bare |", "|---|---:|---:|---:|---:|---:|---:|---:|"]
            for r in sw["rows"]:
                bare = {b["threads"]: b["p50_ms"] for b in r.get("bare_faiss", [])}
                cells = " / ".join(str(bare[t]) for t in sorted(bare)) if bare else "–"
                ratio = f"{r['p50_ms'] / min(bare.values()):.2f}×" if bare and min(bare.values()) else "–"
                lines.append(f"| {r['kind']} | {r['nprobe'] or '–'} | {r['p50_ms']} | {r['p99_ms']} | "
                             f"{r['batch_queries_per_s']} | {r['recall_at_10']} | {cells} | {ratio} |")
            rec = sw["recommended_nprobe"]
            lines += ["", f"`{sw['data']}`: recall@10 ≥ {goal} " +
                      (f"first reached at nprobe **{rec}**." if rec else "not reached by any nprobe tried."), ""]
            ivf = [r for r in sw["rows"] if r["kind"] == "ivf"]
            colour = ("#4c72b0", "#c44e52", "#55a868")[i % 3]
            ax.plot([r["nprobe"] for r in ivf], [r["recall_at_10"] for r in ivf], marker="o", color=colour,
                    label=f"recall@10 {sw['data']}")
            ax2.plot([r["nprobe"] for r in ivf], [r["p50_ms"] for r in ivf], marker="s", linestyle=":",
                     color=colour, label=f"p50 ms {sw['data']}")
        if sweep.get("sweeps"):
            rec = sweep.get("recommended_nprobe")
            lines += [f"Recommended `ivf_nprobe` (smallest meeting the goal on every data set): **{rec}**." if rec
                      else "No nprobe tried meets the goal on every data set.", ""]
        lines += [("Both sets are synthetic mixtures of Gaussians. Uniform random vectors (`bench_faiss.py --data random`, "
                  "no structure at all) are IVF's worst case: recall@10 falls below 0.1 at 1 M with nprobe 16. Real "
                  "sentence embeddings lie in between."), "",
                  ("Where the single-query time went (issue #18): FAISS parallelises a search over its queries, so one "
                   "query keeps one OpenMP thread busy while the other only joins the team; on 2 shared cores that join "
                   "waits whenever the other core is taken (bare FAISS with 2 threads above), and `VectorIndex` also "
                   "reset the team size before every search. A single query now runs on one thread and the team size is "
                   "set only when it changes; the coarse-centroid scan and the copies are a small part."), ""]
        ax.axhline(goal, color="grey", linestyle="--", linewidth=1)
        ax.set_xlabel("nprobe")
        ax.set_ylabel("recall@10")
        ax2.set_ylabel("p50 ms (one query)")
        ax.set_title(f"IVF at {sweeps[0]['n']:,} vectors", fontsize=10)
        handles = ax.get_legend_handles_labels()[0] + ax2.get_legend_handles_labels()[0]
        ax.legend(handles=handles, fontsize=6, loc="center")
        lines += [f"![faiss]({_save(fig, folder, 'fig_faiss_nprobe.png')})"]
    return lines + [""] if len(lines) > 2 else []


RETRIEVAL_TITLE = "## Retrieval: dense, BM25 and hybrid across languages"
_DIRECTIONS = ("dev en->zh", "dev zh->en", "dev same", "xling en->zh", "xling zh->en")
_TUNING_DIRECTIONS = ("dev en->zh", "dev zh->en", "dev same", "corpus en->zh", "corpus zh->en", "corpus same",
                      "xling en->zh", "xling zh->en")


def _retrieval_table(d: dict, first: str, directions: tuple[str, ...] = _DIRECTIONS) -> list[str]:
    p = d["pairs"]
    by = p["by_group"]
    lines = [first + " " + ", ".join(f"{k}: {by.get(k, 0)}" for k in directions) + "; unmatched: "
             + str(len(p["unmatched"])) + ".", "",
             "| method | " + " | ".join(directions) + " |", "|---|" + "---:|" * len(directions)]
    for name, groups in d["scores"].items():
        cells = []
        for key in directions:
            g = groups.get(key)
            cells.append("–" if g is None else
                         f"{g['recall@1']:.2f} / {g['recall@5']:.2f} / {g['recall@10']:.2f} / {g['mrr']:.2f}")
        label = f"**{name}**" if name == d.get("default") else name
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return lines + [""]


def _within_table(d: dict, directions: tuple[str, ...]) -> list[str]:
    """recall@1..5 within the expected sentence's language (bench_retrieval's ``within_language``)."""
    within = d.get("within_language")
    if not within:
        return []
    lines = [("Within the expected sentence's language (each ranking keeps only that language; cell: recall@1 / "
              "@2 / @3 / @4 / @5). A method that gives that language *n* of the first five places finds the pair "
              "exactly when this rank is ≤ *n*, so this bounds every way of sharing the places:"), "",
             "| method | " + " | ".join(directions) + " |", "|---|" + "---:|" * len(directions)]
    for name, groups in within.items():
        cells = ["–" if groups.get(k) is None else " / ".join(f"{groups[k][f'recall@{n}']:.2f}" for n in range(1, 6))
                 for k in directions]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return lines + [""]


def section_retrieval(d: dict | None) -> list[str]:
    """The retrieval evaluation (benchmarks/bench_retrieval.py → retrieval.json) as Markdown lines."""
    if not d:
        return []
    lines = [RETRIEVAL_TITLE, "",
             ("`benchmarks/bench_retrieval.py`. Pairs: every gold fact's evidence sentence asked by a fixed template "
              "per relation from the fact's subject/object labels (the gold's names/terms tables) in English, "
              "Traditional and Simplified Chinese; a pair's direction is the query's language → the expected "
              "sentence's (a pair whose expected sentences lie in both languages counts once in each direction, "
              "each needing a sentence of its own language); xling pairs: each side of a translation in "
              "tests/data/xling_pairs.yaml asks for the other. Every method ranks the same candidates (one "
              "search with the same k and candidate depths); only the fusion differs. Methods marked *one dense "
              "cut* take the dense candidates from a single cut at depth 100, as before; all others give each "
              "language its own 100 dense candidates."), "",
             ("Each cell: recall@1 / recall@5 / recall@10 / MRR (a pair is found at k when an expected sentence "
              "is among the first k hits)."), ""]
    t = d.get("tuning")
    if t:
        lines += ["### Private set (fusions chosen here)", ""]
        lines += _retrieval_table(t, (f"tests/data/private_eval with corpus/ as distractors "
                                      f"({t['index']['sentences']} sentences; in this table 'dev' = the private "
                                      "gold's pairs, 'corpus' = tests/data/retrieval_tuning, facts that corpus/'s "
                                      "parallel English and Chinese articles both state): "
                                      f"{t['pairs']['resolved']} pairs,"), _TUNING_DIRECTIONS)
        lines += _within_table(t, _TUNING_DIRECTIONS)
        lines += ["### Dev set (measured only)", ""]
    lines += _retrieval_table(d, (f"The 9 dev articles and the xling sides ({d['index']['sentences']} sentences): "
                                  f"{d['pairs']['resolved']} pairs,"))
    lines += _within_table(d, _DIRECTIONS)
    lines += ["Issue #19 checks on the dev pairs (recall@5):", ""]
    for c in d.get("criteria", []):
        nums = ", ".join(f"{k} {v:.2f}" for k, v in c.items() if isinstance(v, float))
        lines.append(f"- {c['check']}: {nums} — **{'met' if c['met'] else 'not met'}**")
    return lines + [""]


def splice_section(report: Path, lines: list[str]) -> None:
    """Put ``lines`` (a section starting with its ``## `` title) into ``report``, replacing that section."""
    text = report.read_text(encoding="utf-8") if report.exists() else "# regenkg benchmarks\n"
    title = lines[0]
    block = "\n".join(lines).rstrip() + "\n"
    if title in text:
        start = text.index(title)
        nxt = text.find("\n## ", start + len(title))
        end = len(text) if nxt < 0 else nxt + 1
        text = text[:start] + block + ("\n" if nxt >= 0 else "") + text[end:]
    else:
        text = text.rstrip() + "\n\n" + block
    report.write_text(text, encoding="utf-8")


def section_faiss_single_query(folder: Path) -> list[str]:
    """The 1 M single-query measurement of issue #18 (rows as the nprobe sweep logged them)."""
    path = folder / "logs" / "nprobe_1m_clustered_issue18.jsonl"
    if not path.is_file():
        return []
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    before = _before(folder).get("ivf_1m_p50_ms", {})
    lines = ["### Single queries at 1 M vectors, beside bare FAISS (issue #18)", "",
             ("1,000,000 `clustered` vectors, IVF nlist 4000, 200 single queries, the nprobe sweep of "
              "`run_all.py` run on its own (load average 11-15 from other jobs; its second data set, `clustered-hard`, "
              "was cut by the run's time limit). Bare FAISS = `index.search` on the same `IndexIVFFlat` object in "
              f"the same run. Before #18: p50 {before.get('clustered', '–')} ms at nprobe 16 (clustered), "
              f"{before.get('clustered-hard', '–')} ms (clustered-hard)."), "",
             "| nprobe | regenkg p50 / p99 ms | bare FAISS 1 thread p50 / p99 ms | bare FAISS 2 threads p50 / p99 ms "
             "| regenkg ÷ bare (1 thread) | recall@10 |", "|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        bare = {b["threads"]: b for b in r.get("bare_faiss", [])}
        one, two = bare.get(1), bare.get(2)
        lines.append(f"| {r['nprobe']} | {r['p50_ms']} / {r['p99_ms']} | "
                     + (f"{one['p50_ms']} / {one['p99_ms']}" if one else "–") + " | "
                     + (f"{two['p50_ms']} / {two['p99_ms']}" if two else "–") + " | "
                     + (f"{r['p50_ms'] / one['p50_ms']:.2f}×" if one else "–") + f" | {r['recall_at_10']} |")
    return lines + [""]


def write_report(folder: Path = HERE / "results") -> Path:
    """Write ``folder/REPORT.md`` (and its figures) from the JSON results in ``folder``."""
    folder = Path(folder)
    run = _load(folder, "run.json")
    parts = ["# regenkg benchmarks", "",
             ("Generated by `make bench` (`benchmarks/run_all.py`); every figure compares measurements from the same "
             "run on the same machine. Synthetic data comes from `benchmarks/gen_data.py` (not committed)."), "",
             "## Machine", ""]
    parts += section_machine(run)
    parts += section_embed(_load(folder, "embed.json"), folder)
    ask = _load(folder, "ask.json")
    parts += section_ask(ask, folder)
    parts += section_memory(ask, folder)
    parts += section_serve_start(_load(folder, "serve_start.json"))
    parts += section_int8(_load(folder, "int8.json"))
    parts += section_sparql(_load(folder, "sparql.json"), folder)
    parts += section_server(_load(folder, "server.json"), folder, _load(folder, "server_python_client.json"))
    parts += section_faiss(_load(folder, "faiss.json"), _load(folder, "faiss_nprobe.json"), folder)
    parts += section_faiss_single_query(folder)  # a subsection of the vector search
    parts += section_retrieval(_load(folder, "retrieval.json"))
    path = folder / "REPORT.md"
    parts += _kept_sections(path)
    path.write_text("\n".join(parts).rstrip() + "\n", encoding="utf-8")
    return path


def _kept_sections(path: Path) -> list[str]:
    """Sections other scripts write into REPORT.md themselves (bench_extract.py's), kept as they are."""
    if not path.is_file():
        return []
    text = path.read_text(encoding="utf-8")
    head = "## Extraction quality"
    if head not in text:
        return []
    start = text.index(head)
    end = text.find("\n## ", start + 1)
    return ["", text[start:end if end != -1 else len(text)].rstrip(), ""]


if __name__ == "__main__":
    print(write_report(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE / "results"))
