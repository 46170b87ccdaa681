"""The "understood as" record of an answer: relation, answer end, entities with roles, constraints, unused words."""

from __future__ import annotations

from ..records import pick_label
from .facts import Lookup
from .products import entity_type
from .question import Question

__all__ = ["understood_of"]


def understood_of(q: Question, lookup: Lookup, evaluable: dict[str, bool] | None = None) -> dict:
    """The ``understood`` JSON: relation, answer end, entities with roles, constraints, unused words."""
    tq = q.query
    evaluable = evaluable or {}
    iris = list(dict.fromkeys([*q.entities, *(c.value for c in (tq.constraints if tq else ()) if c.value.startswith("http"))]))
    labels = lookup.labels(iris) if iris else {}

    def lab(iri: str) -> str:
        return pick_label(labels.get(iri, {}), q.lang, iri)

    roles: dict[str, str] = {}
    if tq is not None:
        for name, slot in (("subject", tq.subject), ("object", tq.object)):
            role = "answer end" if tq.answer == name else "bound end"
            for a in slot.anchors:
                roles[a] = f"{name} ({role})"
        for cmp in tq.compare:
            roles[cmp] = "compared"
        for m in tq.topic:
            roles[m] = "topic"
        for slot in (tq.subject, tq.object):
            for m in slot.develops:
                roles.setdefault(m, "second hop: develops")
            for pred, anchors in slot.related:
                for a in anchors:
                    roles.setdefault(a, f"second hop: {pred}")
    types = dict(q.by_type)
    entities = [{"iri": e, "label": lab(e), "type": next((k for k, v in types.items() if e in v), "Thing"),
                 "surface": q.surfaces.get(e, ""), "role": roles.get(e, "mentioned")} for e in q.entities]
    constraints = []
    for c in (tq.constraints if tq else ()):
        value = lab(c.value) if c.value.startswith("http") else c.value
        key = {"company_kind": "company_kind", "country": "country", "time": "time", "status": "status",
               "amount": "amount", "largest": "largest", "count": "count", "sub_modality": "sub_modality",
               "develops": "develops", "acquired_by": "acquired_by", "topic": "topic", "approval": "approval",
               "related": "related", "follow_up": "follow_up", "answer_type": "answer_type",
               "also_named": "also_named"}[c.kind]
        row = {"kind": c.kind, "value": value, "applies_to": c.applies_to, "surface": c.surface,
               "evaluated": evaluable.get(key, True)}
        if c.kind == "also_named":  # the other entity a shared label names, set aside by the question's relation
            row["type"] = entity_type(c.value, {})
        constraints.append(row)
    out = {"relation": list(tq.relations) if tq else [], "answer": tq.answer if tq else None,
           "also_other": bool(tq and tq.also_other), "between": bool(tq and tq.between),
           "measure": tq.measure if tq else "entities", "entities": entities, "constraints": constraints,
           "unused": list(tq.unused) if tq else []}
    out["text"] = _understood_text(out)
    return out


def _understood_text(u: dict) -> str:
    """One line for people: ``acquired(answer=subject) · Kite Pharma [object] · time: from 2021``."""
    rel = "+".join(u["relation"]) or "(no relation)"
    parts = [f"{rel} → {u['answer'] or '?'}" + (" + the other party" if u.get("also_other") else "")
             + (" · every relation between the named ends" if u.get("between") else "")]
    parts += [f"{e['label']} [{e['role']}]" for e in u["entities"]]
    for c in u["constraints"]:
        if c["kind"] == "also_named":
            parts.append(f"also named: {c['value']} (the {c['type'].lower()}, not asked about)")
            continue
        parts.append(f"{c['kind']}: {c['value']} ({c['applies_to']})" + ("" if c["evaluated"] else " — not evaluable"))
    if u["unused"]:
        parts.append("unused: " + ", ".join(u["unused"]))
    return " · ".join(parts)
