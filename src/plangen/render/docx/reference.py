"""The Word reference document, read safely: a regular file inside the template folder,
at most MAX_BYTES on disk; its zip parts read with a running cap on their *uncompressed*
size (a zip's declared sizes can lie), at most MAX_PARTS entries; and only the parts the
output needs (styles, numbering, settings, theme, fonts, headers and footers with their
images, document properties) are kept, so nothing else in it is copied into outputs."""
from __future__ import annotations

import hashlib
import io
import posixpath
import struct
import zipfile

from lxml import etree

from plangen.errors import RenderError
from plangen.files import FileRefused

MAX_BYTES = 20_000_000  # the file on disk
MAX_PART = 20_000_000  # one part, uncompressed
MAX_TOTAL = 60_000_000  # all parts kept, uncompressed
MAX_PARTS = 2_000  # entries in the zip
_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
_PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
_KEEP = {_R + t for t in ("officeDocument", "styles", "numbering", "settings", "theme", "fontTable", "webSettings",
                          "header", "footer", "image", "hyperlink", "stylesWithEffects", "footnotes", "endnotes")}
_KEEP |= {"http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties", _R + "extended-properties"}
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)


def clean_reference(theme, name: str) -> io.BytesIO:
    """The reference document `name` of the theme as a new, minimal .docx in memory."""
    path = theme.path(name)
    try:
        data = theme.read(name, MAX_BYTES)
    except RenderError as exc:
        if "too large" in str(exc):
            raise RenderError(f"{path}: reference document is larger than {MAX_BYTES} bytes") from None
        raise
    key = hashlib.sha256(data).digest()
    if key in _CLEAN:
        return io.BytesIO(_CLEAN[key])
    try:
        rebuilt = _rebuild(data).getvalue()
    except (zipfile.BadZipFile, etree.XMLSyntaxError, KeyError, ValueError, EOFError, struct.error,
            NotImplementedError, RuntimeError, OSError) as exc:
        raise RenderError(f"{path}: not a usable reference .docx ({type(exc).__name__}: {str(exc)[:200]})") from None
    except FileRefused as exc:
        raise RenderError(f"{path}: not a usable reference .docx: {exc.message}") from None
    if len(_CLEAN) >= 4:
        _CLEAN.pop(next(iter(_CLEAN)))
    _CLEAN[key] = rebuilt
    return io.BytesIO(rebuilt)


_CLEAN: dict[bytes, bytes] = {}  # sha256 of a reference file -> its rebuilt .docx, once per process


def _entry_count(data: bytes) -> int:
    end = data.rfind(b"PK\x05\x06", max(0, len(data) - 65_557))
    if end < 0 or end + 22 > len(data):
        raise zipfile.BadZipFile("not a zip file")
    return struct.unpack("<H", data[end + 10:end + 12])[0]


def _rebuild(data: bytes) -> io.BytesIO:
    if _entry_count(data) > MAX_PARTS:
        raise FileRefused("", f"more than {MAX_PARTS} parts")
    budget = [MAX_TOTAL]
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        names = set(src.namelist())
        if len(names) > MAX_PARTS:
            raise FileRefused("", f"more than {MAX_PARTS} parts")
        dst.writestr("[Content_Types].xml", _part(src, "[Content_Types].xml", budget))
        todo, done = ["_rels/.rels"], set()
        while todo:
            rels = todo.pop()
            if rels in done or rels not in names:
                continue
            done.add(rels)
            kept, targets = _filter_rels(_part(src, rels, budget), _source_dir(rels))
            dst.writestr(rels, kept)
            for target in targets:
                if target in names and target not in done:
                    done.add(target)
                    dst.writestr(target, _part(src, target, budget))
                    todo.append(posixpath.join(posixpath.dirname(target), "_rels", posixpath.basename(target) + ".rels"))
    out.seek(0)
    return out


def _source_dir(rels: str) -> str:
    """The folder a .rels file's relative targets start from: _rels/x.rels -> ''; word/_rels/d.xml.rels -> word."""
    return posixpath.dirname(posixpath.dirname(rels))


def _filter_rels(xml: bytes, base: str) -> tuple[bytes, list[str]]:
    """The relationships of kinds the output needs, and the parts they point to."""
    root = etree.fromstring(xml, _PARSER)
    targets = []
    for rel in list(root):
        kind, target = rel.get("Type", ""), rel.get("Target", "")
        if kind not in _KEEP:
            root.remove(rel)
        elif rel.get("TargetMode") != "External":
            part = posixpath.normpath(target.lstrip("/") if target.startswith("/") else posixpath.join(base, target))
            if part.startswith(".."):
                root.remove(rel)
            else:
                targets.append(part)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True), targets


def _part(src: zipfile.ZipFile, name: str, budget: list[int]) -> bytes:
    """A part's bytes, streamed with a running cap on what it expands to."""
    cap = min(MAX_PART, budget[0])
    chunks, size = [], 0
    with src.open(name) as handle:
        while chunk := handle.read(min(1 << 16, cap + 1 - size)):
            size += len(chunk)
            if size > cap:
                raise FileRefused("", f"part {name} expands to more than {cap} bytes "
                                      f"(the limits are {MAX_PART} a part, {MAX_TOTAL} in all)")
            chunks.append(chunk)
    budget[0] -= size
    return b"".join(chunks)
