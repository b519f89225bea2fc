"""plangen: yearly work plans as YAML, rendered to numbered A4 Word and PDF documents.

The library is the product; the ``plangen`` command line is a thin layer over it.
"""
from plangen.errors import Diagnostic, PlanError, PlangenError, RenderError, UsageError


__version__ = "0.1.0"
__all__ = [
    "Diagnostic", "PlanError", "PlangenError", "RenderError", "UsageError",
    "__version__",
]
