"""Importing WeasyPrint without paying for what plangen does not use.

A plain `import weasyprint` costs about 0.7 s of a cold command. Two parts of it are waste:
- cffi looks each of WeasyPrint's library names up with `ctypes.util.find_library`, which
  for every name that does not load directly spawns `ldconfig -p` and `gcc` (10-25 ms each;
  22 calls, six of them for `harfbuzz-vector`, which Debian 12 does not have). Here the
  lookup reads the linker cache once and answers from it.
- `weasyprint.pdf.fonts` imports `fontTools.subset` and `fontTools.varLib.instancer`
  (0.2-0.3 s), used only when HarfBuzz's subsetter is missing or a font is variable. They
  are imported lazily: on first use, not at start-up.
Nothing else changes: the same libraries are loaded, and the first use of a lazy module
imports it whole.
"""
from __future__ import annotations

import ctypes.util
import importlib.util
import os
import re
import subprocess
import sys
from contextlib import contextmanager
from functools import lru_cache

LAZY_MODULES = ("fontTools.subset", "fontTools.varLib.instancer")


def import_weasyprint():
    """`import weasyprint` with fast library lookups and lazy fontTools modules."""
    if "weasyprint" in sys.modules:
        return sys.modules["weasyprint"]
    for name in LAZY_MODULES:
        _lazy(name)
    with _fast_find_library():
        import weasyprint
        import weasyprint.pdf.fonts  # noqa: F401  (loaded now, while the lookups are fast)
    return weasyprint


def _lazy(name: str) -> None:
    """Put a module in sys.modules that is executed on first attribute access."""
    if name in sys.modules:
        return
    spec = importlib.util.find_spec(name)
    if spec is None or spec.loader is None:
        return
    loader = importlib.util.LazyLoader(spec.loader)
    spec.loader = loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    loader.exec_module(module)


@contextmanager
def _fast_find_library():
    original = ctypes.util.find_library

    def find_library(name: str):
        cache = _linker_cache()
        if cache is None or os.environ.get("LD_LIBRARY_PATH"):
            return original(name)  # no cache to read, or paths ldconfig does not know
        return cache.get(name)

    ctypes.util.find_library = find_library
    try:
        yield
    finally:
        ctypes.util.find_library = original


@lru_cache(maxsize=1)
def _linker_cache() -> dict[str, str] | None:
    """Library name -> soname from one `ldconfig -p` run (what find_library reads first),
    for this machine's architecture; None when there is no cache to read."""
    if not sys.platform.startswith("linux"):
        return None
    for ldconfig in ("/sbin/ldconfig", "/usr/sbin/ldconfig", "ldconfig"):
        try:
            out = subprocess.run([ldconfig, "-p"], capture_output=True, text=True, timeout=10,
                                 env={"LC_ALL": "C", "LANG": "C"}, check=False).stdout
        except (OSError, subprocess.SubprocessError):
            continue
        if out:
            return _parse_linker_cache(out)
    return None


def _parse_linker_cache(text: str) -> dict[str, str]:
    """The first soname per name whose ABI is this machine's, as ctypes.util matches it."""
    abi = {"x86_64": "libc6,x86-64", "ppc64": "libc6,64bit", "sparc64": "libc6,64bit", "s390x": "libc6,64bit",
           "ia64": "libc6,IA-64"}.get(os.uname().machine, "libc6")
    found: dict[str, str] = {}
    for match in re.finditer(r"^\s+(lib(\S+?)\.so(?:\.\S*)?)\s+\(([^)]*)\)", text, re.M):
        soname, name, flags = match.groups()
        if flags.startswith(abi):
            found.setdefault(name, soname)
    return found
