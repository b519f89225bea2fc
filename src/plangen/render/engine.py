"""Importing WeasyPrint without paying for what plangen does not use.

A plain `import weasyprint` costs about 0.7 s of a cold command. Two parts of it are waste:
- cffi looks each of WeasyPrint's library names up with `ctypes.util.find_library`, which
  for every name that does not load directly spawns `ldconfig -p` and `gcc` (10-25 ms each;
  22 calls, six of them for `harfbuzz-vector`, which Debian 12 does not have). Here the
  lookup reads the linker cache once and answers from it.
- `weasyprint.pdf.fonts` imports `fontTools.subset` and `fontTools.varLib.instancer`
  (0.2-0.3 s), used only when HarfBuzz's subsetter is missing or a font is variable. They
  are stood in for while WeasyPrint loads and imported on first use.
Nothing else changes: the same libraries are loaded, and the first use of a deferred module
imports it whole.
"""
from __future__ import annotations

import ctypes.util
import importlib
import os
import re
import subprocess
import sys
import types
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import lru_cache
from typing import Any

# Modules WeasyPrint imports at start-up and plangen never uses (HarfBuzz subsets the fonts,
# and they are not variable), with the names WeasyPrint imports from them.
DEFERRED = {"fontTools.subset": (), "fontTools.varLib.instancer": ("instantiateVariableFont",)}


def import_weasyprint() -> types.ModuleType:
    """`import weasyprint` with fast library lookups and deferred fontTools modules."""
    if "weasyprint" in sys.modules:
        return sys.modules["weasyprint"]
    stubs = [_deferred(module, names) for module, names in DEFERRED.items() if module not in sys.modules]
    try:
        with _fast_find_library():
            import weasyprint
            import weasyprint.pdf.fonts  # noqa: F401  (loaded now, while the lookups are fast)
    finally:  # WeasyPrint keeps what it took from the stand-ins; later imports get the real modules
        for stub in stubs:
            if sys.modules.get(stub.__name__) is stub:
                del sys.modules[stub.__name__]
    return sys.modules["weasyprint"]  # the module just imported


def _deferred(module_name: str, names: tuple[str, ...]) -> types.ModuleType:
    """A stand-in module that imports the real one on first use of anything in it."""
    stub = types.ModuleType(module_name)

    def real() -> types.ModuleType:
        if sys.modules.get(module_name) is stub:
            del sys.modules[module_name]
        return importlib.import_module(module_name)

    def deferred_function(name: str) -> Callable[..., Any]:
        return lambda *args, **kwargs: getattr(real(), name)(*args, **kwargs)

    for name in names:  # `from module import name` takes these at import time
        setattr(stub, name, deferred_function(name))
    def first_use(name: str) -> Any:  # `module.name`; the import system's own questions (__path__ ...) are not a use
        if name.startswith("__"):
            raise AttributeError(name)
        return getattr(real(), name)

    stub.__getattr__ = first_use  # type: ignore[method-assign]  # a module's __getattr__ (PEP 562), not a method
    sys.modules[module_name] = stub
    return stub


@contextmanager
def _fast_find_library() -> Iterator[None]:
    original = ctypes.util.find_library

    def find_library(name: str) -> str | None:
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
