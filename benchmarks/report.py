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


def section_embed(d: dict | None, folder: Path) -> list[str]:
    if not d:
        return []
    keys = list(d["sentences_per_s"])
    fig, ax = plt.subplots(figsize=(5, 3))
    _bars(ax, ["regenkg", "bare SentenceTransformer"], [d["sentences_per_s"][k] for k in keys],
          f"Embedding throughput ({d['texts']} corpus sentences)", "sentences / s")
    png = _save(fig, folder, "fig_embed.png")
    a, b = (d["sentences_per_s"][k] for k in keys)
    return ["## Build throughput: embedding", "",
            (f"regenkg `encode_documents` {a} sentences/s vs bare `SentenceTransformer.encode` {b} sentences/s "
            f"(ratio {_ratio(a, b)}; same weights, prompt, batch {d['batch_size']}, {d['threads']} threads; "
            f"mean cosine ours vs bare {d['mean_cosine_ours_vs_bare']}: differs from 1 only where Chinese is "
            "folded to Traditional)."), "", f"![embedding]({png})", ""]


def section_ask(d: dict | None, folder: Path) -> list[str]:
    if not d:
        return []
    a = d["ask"]
    lines = ["## Ask and search on the bundled corpus", ""]
    b = d.get("build")
    if b:
        lines.append(f"Build of `corpus/`: {b['documents']} documents, {b['sentences']} sentences, {b['triples']} "
                     f"triples in {b['seconds']} s ({b['sentences_per_s']} sentences/s end to end).")
    lines += ["", "| operation (warm, one at a time) | p50 ms | p99 ms |", "|---|---:|---:|"]
    rows = [("`kb.ask`", a["ask"]), ("`kb.search`", a["search"]), ("query embedding alone", a.get("encode_query"))]
    if a.get("remote_ask"):
        rows.append(("`kb.ask`, graph in `oxigraph serve` (RemoteStore)", a["remote_ask"]["ask"]))
    for label, r in rows:
        if r:
            lines.append(f"| {label} | {r['p50_ms']} | {r['p99_ms']} |")
    goal = d.get("goal_warm_ask_p50_ms", 30)
    verdict = "met" if a["ask"]["p50_ms"] <= goal else "**not met**"
    lines += ["", (f"Goal: warm `kb.ask` p50 ≤ {goal} ms — {verdict} ({a['ask']['p50_ms']} ms over "
              f"{a['questions']} questions from tests/data/questions.yaml; {a['answered']} distinct questions answered).")]
    if a.get("encode_query"):
        lines += ["", (f"The query embedding (one forward pass of the model, {a['encode_query']['p50_ms']} ms p50) is "
                  f"most of it: graph queries, FAISS, BM25 and evidence take about "
                  f"{round(a['ask']['p50_ms'] - a['encode_query']['p50_ms'], 1)} ms of the `kb.ask` p50.")]
    c = d["cold"]
    lines += ["", (f"Cold `regenkg ask` (new process, median of {c['runs']}): {c['cli_ask_s']} s, vs {c['bare_torch_st_encode_s']} s "
              f"for a process that only imports torch, loads the SentenceTransformer and encodes once "
              f"(ratio {c['ratio_cli_over_bare']}×; bare Python start {c['python_startup_s']} s).")]
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(9, 3.2))
    labels = [lbl.replace("`", "").replace(", graph in oxigraph serve (RemoteStore)", " remote") for lbl, r in rows if r]
    _bars(ax1, labels, [r["p50_ms"] for _, r in rows if r], "Warm latency p50", "ms")
    ax1.axhline(goal, color="grey", linestyle="--", linewidth=1)
    _bars(ax2, ["regenkg ask (CLI)", "torch + model + encode"], [c["cli_ask_s"], c["bare_torch_st_encode_s"]],
          "Cold start, new process", "s")
    lines += ["", f"![ask]({_save(fig, folder, 'fig_ask.png')})", ""]
    return lines


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
                      "| index | nprobe | p50 ms | p99 ms | batch q/s | recall@10 |", "|---|---:|---:|---:|---:|---:|"]
            for r in sw["rows"]:
                lines.append(f"| {r['kind']} | {r['nprobe'] or '–'} | {r['p50_ms']} | {r['p99_ms']} | "
                             f"{r['batch_queries_per_s']} | {r['recall_at_10']} |")
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
                  "sentence embeddings lie in between; single-query latency hardly changes from nprobe 16 to 64 (the "
                  "scan of the coarse centroids dominates), only batch throughput does."), ""]
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


def section_retrieval(d: dict | None) -> list[str]:
    """The retrieval evaluation (benchmarks/bench_retrieval.py → retrieval.json) as Markdown lines."""
    if not d:
        return []
    p = d["pairs"]
    by = p["by_group"]
    lines = [RETRIEVAL_TITLE, "",
             (f"`benchmarks/bench_retrieval.py`: {p['resolved']} query → sentence pairs over one index of the dev "
              f"articles and the sides of tests/data/xling_pairs.yaml ({d['index']['sentences']} sentences). "
              "Dev pairs: every gold fact's evidence sentence asked by a fixed template per relation from the "
              "fact's subject/object labels (gold names/terms tables) in English, Traditional and Simplified "
              "Chinese; xling pairs: each side of a translation asks for the other. "
              + ", ".join(f"{k}: {by.get(k, 0)}" for k in _DIRECTIONS) + "; unmatched: "
              + str(len(p["unmatched"])) + "."), "",
             ("Each cell: recall@1 / recall@5 / recall@10 / MRR (a pair is found at k when an expected sentence "
              "is among the first k hits)."), "",
             "| method | " + " | ".join(_DIRECTIONS) + " |", "|---|" + "---:|" * len(_DIRECTIONS)]
    for name, groups in d["scores"].items():
        cells = []
        for key in _DIRECTIONS:
            g = groups.get(key)
            cells.append("–" if g is None else
                         f"{g['recall@1']:.2f} / {g['recall@5']:.2f} / {g['recall@10']:.2f} / {g['mrr']:.2f}")
        label = f"**{name}**" if name == d.get("default") else name
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    lines += ["", "Issue #19 checks on the dev pairs (recall@5):", ""]
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
    parts += section_sparql(_load(folder, "sparql.json"), folder)
    parts += section_server(_load(folder, "server.json"), folder, _load(folder, "server_python_client.json"))
    parts += section_faiss(_load(folder, "faiss.json"), _load(folder, "faiss_nprobe.json"), folder)
    parts += section_retrieval(_load(folder, "retrieval.json"))
    path = folder / "REPORT.md"
    path.write_text("\n".join(parts).rstrip() + "\n", encoding="utf-8")
    return path


if __name__ == "__main__":
    print(write_report(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE / "results"))
