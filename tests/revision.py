"""Generated revisions of the 2022 plan, to compare and redline against it."""
from __future__ import annotations

from pathlib import Path

import yaml

from conftest import NEXT


def _items(node: dict) -> list[dict]:
    return node.get("items") or []


def _find(plan: dict, item_id: str) -> dict:
    stack = list(plan["sections"])
    while stack:
        item = stack.pop()
        if item.get("id") == item_id:
            return item
        stack.extend(_items(item))
    raise KeyError(item_id)


def write(plan: dict, path: Path) -> Path:
    path.write_text(yaml.safe_dump(plan, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def quantity_change(path: Path) -> Path:
    """2022 with one quantity changed: 档案柜 for 水塘坝小学 1 → 2 (its total and budget follow)."""
    plan = yaml.safe_load(NEXT.read_text(encoding="utf-8"))
    _find(plan, "facilities.cabinets")["targets"][0]["quantity"] = 2
    return write(plan, path)


def with_statuses(path: Path) -> Path:
    """2022 with target statuses (so its target tables have a status column), one of them
    dropped: what `plangen new` starts from at the end of a year."""
    text = NEXT.read_text(encoding="utf-8")
    for old, new in (("for: [huangzhulin]}", "for: [huangzhulin], status: done}"),
                     ("{what: 旗台改造维修, quantity: 1, unit: 项, for: [shifan]}",
                      "{what: 旗台改造维修, quantity: 1, unit: 项, for: [shifan], status: dropped}"),
                     ("deadline: 2022-06-30}", "deadline: 2022-06-30, status: in-progress}")):
        assert old in text, old
        text = text.replace(old, new, 1)
    path.write_text(text, encoding="utf-8")
    return path


def revision(path: Path, source: Path = NEXT) -> Path:
    """source (2022) revised: a moved item, a removed unit, an added and a removed target, rewording."""
    plan = yaml.safe_load(source.read_text(encoding="utf-8"))
    goals = _find(plan, "goals")
    greening = next(i for i in goals["items"] if i["id"] == "greening")
    goals["items"].remove(greening)
    goals["items"].append(greening)  # （二） moves to the end of 二、
    plan["units"] = [u for u in plan["units"] if u["id"] != "qingmen"]
    desks = _find(plan, "facilities.purchases")["targets"][0]
    desks["for"] = [u for u in desks["for"] if u != "qingmen"]
    _find(plan, "facilities.cabinets")["targets"].append(
        {"id": "shelves", "what": "书架", "quantity": 2, "unit": "个", "for": ["huangzhulin"], "budget": 600})
    safety = _find(plan, "safety")
    safety["targets"] = [t for t in safety["targets"] if t["id"] != "extinguishers"]
    training = _find(plan, "training")
    training["text"] = training["text"].replace("进一步加强", "切实加强")
    document = plan["document"]  # the document's own text: the preface reworded, a paragraph added
    preface = document["preface"] if isinstance(document["preface"], list) else [document["preface"]]
    assert "总结出一些经验" in preface[0]
    document["preface"] = [preface[0].replace("总结出一些经验", "总结出更多经验"), "本计划自印发之日起施行。"]
    document["tagline"] = document["tagline"].replace("continuous progress", "steady progress")
    return write(plan, path)
