"""plangen: yearly work plans as YAML, rendered to numbered A4 Word and PDF documents.

The library is the product; the ``plangen`` command line is a thin layer over it::

    import plangen
    loaded = plangen.load_plan("plans/2021-logistics.yaml")
    theme = plangen.load_theme()
    outline = plangen.build_outline(loaded.plan, theme.wording(loaded.plan.document.language))
    pdf = plangen.renderer("pdf").render(outline, theme)
    result = plangen.build_plans(["plans/2021-logistics.yaml"], plangen.Options(formats=("docx",)))

Names are imported on first use, so ``import plangen`` stays cheap (the ``plangen`` command
imports it before anything else: see build/daemon.py).
"""
from __future__ import annotations

import importlib

TYPE_CHECKING = False  # typing itself is not imported: the command starts here
if TYPE_CHECKING:
    from typing import Any

__version__ = "0.1.0"

# public name -> the module that defines it (the pipeline's stages, in order), or (module, name).
# The build function is exported as build_plans: ``plangen.build`` is the build/ package.
_API: dict[str, Any] = {
    **{name: "plangen.errors" for name in ("Diagnostic", "PlanError", "PlangenError", "RenderError", "UsageError",
                                           "exit_code")},
    "load_plan": "plangen.source.load", "load_plan_text": "plangen.source.load",
    "Plan": "plangen.source.model",
    "build_outline": "plangen.outline.outline", "Outline": "plangen.outline.outline",
    "Wording": "plangen.outline.wording",
    "load_theme": "plangen.render.theme", "Theme": "plangen.render.theme",
    "renderer": "plangen.render", "register": "plangen.render", "Renderer": "plangen.render",
    "RenderOptions": "plangen.render", "RENDERERS": "plangen.render",
    "diff_plans": "plangen.compare.diff", "build_redline": "plangen.compare.redline",
    "build_plans": ("plangen.build.orchestrator", "build"), "Options": "plangen.build.orchestrator",
    "watch": "plangen.build.watch",
}
__all__ = ["__version__", *_API]


def __getattr__(name: str) -> Any:
    if name in _API:
        module, attr = _API[name] if isinstance(_API[name], tuple) else (_API[name], name)
        return getattr(importlib.import_module(module), attr)
    raise AttributeError(f"module 'plangen' has no attribute {name!r}")
