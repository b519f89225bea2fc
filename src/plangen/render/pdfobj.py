"""Plain-data PDF objects (``fields.Name``, ``Text``, ``Stream``, ``Ref``, dict, list,
numbers) written through pydyf (WeasyPrint's finisher) or pypdf (``plangen fill``)."""
from __future__ import annotations

import functools
import zlib
from typing import TYPE_CHECKING, Any

from plangen.render.fields import Memo, Name, PdfValue, Raw, Ref, Stream, Text

if TYPE_CHECKING:
    from pypdf import PdfWriter
    from pypdf.generic import IndirectObject, PdfObject


def to_pydyf(obj: PdfValue, pdf: Any, memo: Memo[Any] | None = None) -> Any:  # pydyf is untyped
    """``obj`` as pydyf objects; each ``Ref`` added to ``pdf`` once and returned as a reference."""
    import pydyf
    memo = {} if memo is None else memo
    if isinstance(obj, Ref):
        if id(obj) not in memo:
            value = to_pydyf(obj.value, pdf, memo)
            pdf.add_object(value)
            memo[id(obj)] = (obj, value.reference)
        return memo[id(obj)][1]
    if isinstance(obj, Raw):
        return obj.value
    if isinstance(obj, Name):
        return "/" + obj
    if isinstance(obj, Text):
        return _pydyf_text_class()(obj)
    if isinstance(obj, Stream):
        entries = pydyf.Dictionary({k: to_pydyf(v, pdf, memo) for k, v in obj.entries.items()})
        entries["Filter"] = "/FlateDecode"
        return pydyf.Stream([_deflate(obj.data)], entries)
    if isinstance(obj, dict):
        return pydyf.Dictionary({k: to_pydyf(v, pdf, memo) for k, v in obj.items()})
    if isinstance(obj, list):
        return pydyf.Array([to_pydyf(v, pdf, memo) for v in obj])
    return obj


@functools.lru_cache(maxsize=8)
def _deflate(data: bytes) -> bytes:
    """Deflated once per process: the typing font (700 KB) goes into every PDF of a batch."""
    return zlib.compress(data)


@functools.cache
def _pydyf_text_class() -> type:
    import pydyf

    class PydyfText(pydyf.Object):  # type: ignore[misc]  # pydyf ships no type information
        """A text string written as ``Text.pdf_bytes`` says (UTF-16 when not ASCII)."""

        def __init__(self, text: Text) -> None:
            super().__init__()
            self.text = text

        @property
        def data(self) -> bytes:
            return self.text.pdf_bytes()
    return PydyfText


def to_pypdf(obj: PdfValue, writer: PdfWriter, memo: Memo[IndirectObject] | None = None) -> PdfObject:
    """``obj`` as pypdf objects; each ``Ref`` added to ``writer`` once, as an indirect object."""
    from pypdf.generic import ArrayObject, DictionaryObject, NameObject, StreamObject
    memo = {} if memo is None else memo
    if isinstance(obj, Ref):
        if id(obj) not in memo:
            memo[id(obj)] = (obj, writer._add_object(to_pypdf(obj.value, writer, memo)))
        return memo[id(obj)][1]
    if isinstance(obj, Stream):
        stream = StreamObject()
        stream.update({NameObject("/" + k): to_pypdf(v, writer, memo) for k, v in obj.entries.items()})
        stream.set_data(obj.data)
        return stream.flate_encode()
    if isinstance(obj, dict):
        return DictionaryObject({NameObject("/" + k): to_pypdf(v, writer, memo) for k, v in obj.items()})
    if isinstance(obj, list):
        return ArrayObject(to_pypdf(v, writer, memo) for v in obj)
    return _scalar(obj)


def _scalar(obj: PdfValue) -> PdfObject:
    """A value that holds no other: raw PDF, a name, text or a number."""
    from pypdf.generic import FloatObject, NameObject, NumberObject, PdfObject, TextStringObject
    if isinstance(obj, Raw) and isinstance(obj.value, PdfObject):
        return obj.value
    if isinstance(obj, Name):
        return NameObject("/" + obj)
    if isinstance(obj, Text):
        text = TextStringObject(str(obj))
        if not obj.isascii():
            text.autodetect_utf16, text.utf16_bom = True, b"\xfe\xff"
        return text
    if isinstance(obj, bool) or not isinstance(obj, (int, float)):
        raise TypeError(f"not a PDF value: {obj!r}")
    return NumberObject(obj) if isinstance(obj, int) else FloatObject(obj)
