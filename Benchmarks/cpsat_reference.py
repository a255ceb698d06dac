#!/usr/bin/env python3
"""An exact CP-SAT model of the weekly scheduling problem (docs/weekly-scheduling.md), the reference the solver is
measured against in docs/benchmarks.md. Run by hand, with OR-Tools from PyPI in a virtual environment:

    python3 -m venv .venv-cpsat && .venv-cpsat/bin/pip install ortools==9.15.6755
    .venv-cpsat/bin/python Benchmarks/cpsat_reference.py PROBLEM.json [--seconds 300] [--workers 2] [--out SOLUTION.json]

It prints one JSON line: the best score found, the best bound, whether it is proven optimal, and the wall time.
A problem with a `published` baseline (the spec's "Repairing a published week") is scored with its terms too: for
each published request, `dropped × weight` when it is left out, else `moved`, `memberChanged` and `teamChanged` for
what differs from its published entry; the line then also gives `changedSessions` of the best solution.
"""

import argparse
import json
import sys
import time
from datetime import datetime

from ortools.sat.python import cp_model

WEIGHTS = {"unscheduled": 1000, "rank": 10, "notInCharge": 50, "noMember": 80, "sameDay": 20,
           "moved": 300, "memberChanged": 100, "teamChanged": 100, "dropped": 3000}


def minutes(text):
    return int(datetime.strptime(text, "%Y-%m-%dT%H:%M").timestamp() // 60)


def load(path):
    doc = json.load(open(path, encoding="utf-8"))
    weights = dict(WEIGHTS)
    weights.update({k: v for k, v in (doc.get("weights") or {}).items() if v is not None})
    travel = doc.get("travelMinutes") or {}
    default = travel.get("default") or 0
    pairs = {}
    for p in travel.get("pairs") or []:
        if p["a"] != p["b"]:
            pairs[(p["a"], p["b"])] = pairs[(p["b"], p["a"])] = p["minutes"]

    def people(items, kind):
        out = []
        for it in items:
            out.append({"id": it["id"], "kind": kind, "cap": it.get("maxPerDay") or 2 if it.get("maxPerDay") != 0 else 0,
                        "busy": [(minutes(b["start"]), minutes(b["end"])) for b in it.get("busy") or []],
                        "blocs": set(it.get("blocs") or [])})
        return out

    members = people(doc["members"], "member")
    teams = people(doc["teams"], "team")
    requests = []
    for r in doc["requests"]:
        nb = r.get("notBefore")
        requests.append({
            "id": r["id"], "bloc": r["bloc"], "location": r["location"],
            "needsMember": r.get("needsMember", True) is not False,
            "inCharge": set(r.get("inCharge") or []), "weight": r.get("weight") or 1 if r.get("weight") != 0 else 0,
            "notBefore": minutes(nb) if nb else None, "after": r.get("after") or [],
            "options": [(minutes(o["start"]), minutes(o["end"]), o["start"][:10]) for o in r["options"]],
        })
    pins = {p["request"]: p for p in doc.get("pinned") or []}
    published = {}
    for p in doc.get("published") or []:
        published.setdefault(p["request"], p)
    return weights, default, pairs, members, teams, requests, pins, published


def solve(path, seconds, workers, out):
    started = time.monotonic()
    weights, default, pairs, members, teams, requests, pins, published = load(path)
    index = {r["id"]: i for i, r in enumerate(requests)}
    member_index = {m["id"]: i for i, m in enumerate(members)}
    team_index = {t["id"]: i for i, t in enumerate(teams)}

    def travel(a, b):
        return 0 if a == b else pairs.get((a, b), default)

    def free(person, start, end):
        return all(end <= bs or be <= start for bs, be in person["busy"])

    model = cp_model.CpModel()
    objective = []
    y = {}
    x = {}
    z = {}
    # Per person: list of (request, option, var).
    taken = {("member", i): [] for i in range(len(members))}
    taken.update({("team", i): [] for i in range(len(teams))})
    for ri, r in enumerate(requests):
        pin = pins.get(r["id"])
        base = published.get(r["id"])   # the published entry: its changes are priced on the same variables
        chosen = []
        for oi, (start, end, _day) in enumerate(r["options"]):
            if r["notBefore"] is not None and start < r["notBefore"]:
                continue
            if pin is not None and pin["option"] != oi:
                continue
            mvars = []
            for mi, m in enumerate(members):
                if pin is not None and pin["member"] != m["id"]:
                    continue
                if not free(m, start, end) or m["cap"] == 0:
                    continue
                v = model.NewBoolVar(f"x{ri}_{oi}_{mi}")
                x[(ri, oi, mi)] = v
                mvars.append(v)
                taken[("member", mi)].append((ri, oi, v))
                if r["inCharge"] and m["id"] not in r["inCharge"]:
                    objective.append(weights["notInCharge"] * v)
                if base is not None and base["member"] != m["id"]:
                    objective.append(weights["memberChanged"] * v)
            tvars = []
            for ti, t in enumerate(teams):
                if pin is not None and pin["team"] != t["id"]:
                    continue
                if r["bloc"] not in t["blocs"] or not free(t, start, end) or t["cap"] == 0:
                    continue
                v = model.NewBoolVar(f"z{ri}_{oi}_{ti}")
                z[(ri, oi, ti)] = v
                tvars.append(v)
                taken[("team", ti)].append((ri, oi, v))
                if base is not None and base["team"] != t["id"]:
                    objective.append(weights["teamChanged"] * v)
            may_skip_member = not r["needsMember"] and (pin is None or pin["member"] is None)
            if not tvars or (not mvars and not may_skip_member):
                continue
            yv = model.NewBoolVar(f"y{ri}_{oi}")
            y[(ri, oi)] = yv
            chosen.append(yv)
            model.Add(sum(tvars) == yv)
            if may_skip_member:
                no_member = model.NewBoolVar(f"n{ri}_{oi}")
                model.Add(sum(mvars) + no_member == yv)
                objective.append(weights["noMember"] * no_member)
                if base is not None and base["member"] is not None:
                    objective.append(weights["memberChanged"] * no_member)
            else:
                model.Add(sum(mvars) == yv)
            objective.append(weights["rank"] * oi * yv)
            if base is not None and base["option"] != oi:
                objective.append(weights["moved"] * yv)
        if pin is not None:
            if not chosen:
                print(json.dumps({"instance": path, "status": "pin cannot be placed"}))
                return
            model.Add(sum(chosen) == 1)
        else:
            left_out = model.NewBoolVar(f"u{ri}")
            model.AddExactlyOne(chosen + [left_out])
            dropped = weights["dropped"] * r["weight"] if base is not None else 0
            objective.append((weights["unscheduled"] * r["weight"] + dropped) * left_out)
    for ri, r in enumerate(requests):
        for p in r["after"]:
            pi = index[p]
            for oi, (start, _end, _day) in enumerate(r["options"]):
                if (ri, oi) not in y:
                    continue
                before = [y[(pi, qi)] for qi, (_s, qe, _d) in enumerate(requests[pi]["options"]) if (pi, qi) in y and qe <= start]
                model.Add(y[(ri, oi)] <= sum(before))
    for (kind, pi), items in taken.items():
        person = members[pi] if kind == "member" else teams[pi]
        # Sessions that share an instant: at most one (a clique, which keeps the LP relaxation tight); pairs that do
        # not overlap but leave too little time to travel: one of the two.
        spans = [(requests[ri]["options"][oi][0], requests[ri]["options"][oi][1], v) for ri, oi, v in items]
        cliques = set()
        for start, _end, _v in spans:
            clique = tuple(sorted(i for i, (s2, e2, _) in enumerate(spans) if s2 <= start < e2))
            if len(clique) > 1:
                cliques.add(clique)
        for clique in cliques:
            model.AddAtMostOne([spans[i][2] for i in clique])
        for a in range(len(items)):
            ra, oa, va = items[a]
            sa, ea, _ = requests[ra]["options"][oa]
            for b in range(a + 1, len(items)):
                rb, ob, vb = items[b]
                if ra == rb:
                    continue
                sb, eb, _ = requests[rb]["options"][ob]
                if sa < eb and sb < ea:
                    continue
                la, lb = requests[ra]["location"], requests[rb]["location"]
                first_ok = ea + travel(la, lb) <= sb
                second_ok = eb + travel(lb, la) <= sa
                if sa <= sb and not first_ok or sb <= sa and not second_ok:
                    model.AddBoolOr([va.Not(), vb.Not()])
        by_day = {}
        for ri, oi, v in items:
            by_day.setdefault(requests[ri]["options"][oi][2], []).append(v)
        for day, vs in by_day.items():
            if len(vs) > person["cap"]:
                model.Add(sum(vs) <= person["cap"])
            if kind == "member" and len(vs) > 1:
                extra = model.NewIntVar(0, len(vs), f"e{pi}_{day}")
                model.Add(extra >= sum(vs) - 1)
                objective.append(weights["sameDay"] * extra)
    model.Minimize(sum(objective))
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = seconds
    solver.parameters.num_workers = workers
    status = solver.Solve(model)
    wall = time.monotonic() - started
    result = {"instance": path, "status": solver.StatusName(status), "seconds": round(wall, 2)}
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        result.update(score=round(solver.ObjectiveValue()), bound=round(solver.BestObjectiveBound()),
                      proven_optimal=status == cp_model.OPTIMAL)
        if published:
            changed = 0
            for ri, r in enumerate(requests):
                base = published.get(r["id"])
                if base is None:
                    continue
                placed = [oi for oi in range(len(r["options"])) if (ri, oi) in y and solver.Value(y[(ri, oi)])]
                if not placed:
                    changed += 1
                    continue
                oi = placed[0]
                member = next((members[mi]["id"] for mi in range(len(members)) if (ri, oi, mi) in x and solver.Value(x[(ri, oi, mi)])), None)
                team = next(teams[ti]["id"] for ti in range(len(teams)) if (ri, oi, ti) in z and solver.Value(z[(ri, oi, ti)]))
                changed += (oi, member, team) != (base["option"], base["member"], base["team"])
            result["changedSessions"] = changed
        if out:
            assignments, unscheduled = [], []
            for ri, r in enumerate(requests):
                placed = [oi for oi in range(len(r["options"])) if (ri, oi) in y and solver.Value(y[(ri, oi)])]
                if not placed:
                    unscheduled.append({"request": r["id"], "reason": "left out by the reference model"})
                    continue
                oi = placed[0]
                member = next((members[mi]["id"] for mi in range(len(members)) if (ri, oi, mi) in x and solver.Value(x[(ri, oi, mi)])), None)
                team = next(teams[ti]["id"] for ti in range(len(teams)) if (ri, oi, ti) in z and solver.Value(z[(ri, oi, ti)]))
                assignments.append({"request": r["id"], "option": oi, "member": member, "team": team})
            json.dump({"version": 1, "assignments": assignments, "unscheduled": unscheduled, "score": result["score"]},
                      open(out, "w", encoding="utf-8"), ensure_ascii=False)
    print(json.dumps(result))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("problem")
    parser.add_argument("--seconds", type=float, default=300)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--out")
    args = parser.parse_args()
    sys.exit(solve(args.problem, args.seconds, args.workers, args.out))
