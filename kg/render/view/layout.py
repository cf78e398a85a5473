"""Positions grouped by cluster, and vis-network options."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence


def grouped_layout(keys: Sequence[str], group_of: dict, degree: dict, *, spacing: float = 30.0) -> dict:
    """Positions that keep each cluster together: groups on a circle, nodes on a sunflower spiral.

    Linear in the number of nodes (after sorting each group by degree, hubs in the middle).

    >>> pos = grouped_layout(["a", "b", "c"], {"a": "x", "b": "x", "c": "y"}, {"a": 2})
    >>> sorted(pos) == ["a", "b", "c"] and pos["a"] != pos["c"]
    True
    """
    groups: dict[str, list[str]] = defaultdict(list)
    for k in keys:
        groups[group_of.get(k, "")].append(k)
    order = sorted(groups, key=lambda g: (-len(groups[g]), g))
    radius = {g: spacing * math.sqrt(len(groups[g]) + 1) for g in order}
    gap = spacing * 3
    centres: dict[str, tuple[float, float]] = {}
    if not order:  # nothing linked to lay out (a cluster whose members have no stated link)
        return {}
    if len(order) == 1:
        centres[order[0]] = (0.0, 0.0)
    else:
        total = sum(2 * radius[g] + gap for g in order)
        ring = max(total / (2 * math.pi), max(radius.values()) + gap)
        angle = 0.0
        for g in order:
            share = (2 * radius[g] + gap) / total * 2 * math.pi
            angle += share / 2
            centres[g] = (ring * math.cos(angle), ring * math.sin(angle))
            angle += share / 2
    golden = math.pi * (3 - math.sqrt(5))
    pos = {}
    for g in order:
        cx, cy = centres[g]
        members = sorted(groups[g], key=lambda k: (-degree.get(k, 0), k))
        for i, k in enumerate(members):
            r = spacing * math.sqrt(i + 0.5)
            pos[k] = (round(cx + r * math.cos(i * golden), 1), round(cy + r * math.sin(i * golden), 1))
    return pos


def apart_layout(keys: Sequence[str], above: dict, *, spacing: float = 30.0) -> dict:
    """Positions for nodes drawn apart (no stated supply link): a grid below the nodes
    placed in ``above`` (key -> (x, y)), in the order of ``keys``, centred under them.

    Rows hold at most ``max(6, ceil(sqrt(2 n)))`` nodes; columns are ``3.5 * spacing`` apart
    (room for a label), rows ``1.6 * spacing``; the grid starts ``3 * spacing`` below the
    lowest node above (at 0 when there is none).

    >>> apart_layout(["a", "b"], {}, spacing=10)
    {'a': (-17.5, 0.0), 'b': (17.5, 0.0)}
    >>> apart_layout(["c"], {"x": (5.0, 20.0), "y": (-5.0, -20.0)}, spacing=10)
    {'c': (0.0, 50.0)}
    >>> apart_layout([], {"x": (0.0, 0.0)})
    {}
    """
    n = len(keys)
    if not n:
        return {}
    per_row = min(n, max(6, math.ceil(math.sqrt(2 * n))))
    dx, dy = 3.5 * spacing, 1.6 * spacing
    if above:
        xs = [x for x, _ in above.values()]
        cx, top = (min(xs) + max(xs)) / 2, max(y for _, y in above.values()) + 3 * spacing
    else:
        cx, top = 0.0, 0.0
    pos = {}
    for i, k in enumerate(keys):
        row, col = divmod(i, per_row)
        in_row = min(per_row, n - row * per_row)
        pos[k] = (round(cx + (col - (in_row - 1) / 2) * dx, 1), round(top + row * dy, 1))
    return pos


def vis_options(n: int, physics: bool) -> dict:
    options = {
        "autoResize": True,
        "layout": {"improvedLayout": False, "randomSeed": 7},
        "interaction": {"hover": True, "tooltipDelay": 150, "navigationButtons": False, "multiselect": False,
                        "hideEdgesOnDrag": n > 2000, "hideEdgesOnZoom": n > 2000},
        "nodes": {"font": {"size": 15, "face": "DejaVu Sans, Noto Sans, Arial, Noto Sans CJK SC, WenQuanYi Zen Hei, sans-serif",
                           "color": "#222222", "strokeWidth": 3, "strokeColor": "#ffffff"}},
        "edges": {"smooth": False, "font": {"size": 12, "color": "#555555", "strokeWidth": 3,
                                            "strokeColor": "#ffffff", "align": "middle"},
                  "selectionWidth": 1.5},
    }
    if n <= 400:
        options["nodes"]["widthConstraint"] = {"maximum": 170}
    if physics:
        # bounded: MEASURED.md has 500 nodes needing 6 s for vis-network's default 1000 iterations
        iterations = 300 if n <= 200 else 150 if n <= 600 else 80 if n <= 1000 else 50
        options["physics"] = {
            "enabled": True, "solver": "barnesHut",
            "barnesHut": {"gravitationalConstant": -5000, "centralGravity": 0.5, "springLength": 135,
                          "springConstant": 0.05, "damping": 0.4, "avoidOverlap": 0.5,
                          "theta": 0.5 if n <= 600 else 0.8},
            "stabilization": {"enabled": True, "iterations": iterations, "updateInterval": 50, "fit": True},
            "minVelocity": 1.0, "maxVelocity": 40,
        }
    else:
        options["physics"] = {"enabled": False}
    return options
