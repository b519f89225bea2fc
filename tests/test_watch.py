"""plangen watch as a library call: the saved plan is rebuilt before the others are checked."""
from __future__ import annotations

import threading

import plangen
from conftest import SEED


def test_a_saved_plan_is_built_before_the_others_are_checked(tmp_path):
    plans = [tmp_path / "a.yaml", tmp_path / "b.yaml"]
    for plan in plans:
        plan.write_text(SEED.read_text(encoding="utf-8"), encoding="utf-8")
    calls: list[list[str]] = []
    stop = threading.Event()

    def on_change(paths: list[str]) -> None:
        calls.append(paths)
        if len(calls) == 1:
            plans[1].write_text(plans[1].read_text(encoding="utf-8") + "\n", encoding="utf-8")
        elif len(calls) == 3:
            stop.set()

    names = [str(p) for p in plans]
    worker = threading.Thread(target=plangen.watch, args=(lambda: names, plangen.Options(out=tmp_path / "out"), on_change),
                              kwargs={"stop": stop}, daemon=True)
    worker.start()
    worker.join(timeout=30)
    assert not worker.is_alive()
    assert calls == [names, [names[1]], names]  # at the start; the saved plan; then every plan
