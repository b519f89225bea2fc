"""``plangen fill``: write values into a rendered plan's cover fields (PDF and .docx).

A PDF field gets its value as UTF-16 and an appearance stream drawn with an embedded
subset of the glyphs written (``render.fields``), so every reader shows it; ``flatten``
draws the appearances into the page and removes the form (a print-only copy). A .docx
content control (tagged with the field's name) gets the value as its text; ``flatten``
replaces the control by its text. ``--from values.csv`` fills one copy per row: every row
is checked and every document filled in memory before the first file is written.
"""
from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, Union

from plangen.errors import Diagnostic, PlanError, RenderError, UsageError

if TYPE_CHECKING:
    from lxml import etree
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import ArrayObject, DictionaryObject, PdfObject

SUFFIXES = (".pdf", ".docx")
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
Row = tuple[int, str, dict[str, str]]  # line, output file name, field -> value
Widget = tuple[str, str, "DictionaryObject", "DictionaryObject"]  # name, label, widget, its field
Small = list[tuple[str, float]]  # field name, size in points of a value drawn too small to read


class CsvReader(Protocol):
    """What ``csv.reader`` returns, as far as ``_rows`` uses it."""

    line_num: int

    def __iter__(self) -> Iterator[list[str]]: ...


class FillError(PlanError):
    """A value or values file a user wrote is wrong (exit 1): one line ``path[:line]: message``,
    printed as it is (a diagnostic) rather than after ``plangen:``."""

    def __init__(self, text: str):
        where, _, message = text.partition(": ")
        super().__init__([Diagnostic(where, 0, 0, "", message)])


@dataclass(frozen=True)
class Field:
    name: str
    label: str


def fields_of(path: Path, data: bytes) -> list[Field]:
    """The fill-in fields of a rendered plan (.pdf or .docx), in document order; a document
    without any is an error saying why (flattened, or no form)."""
    if path.suffix.lower() == ".pdf":
        reader = _pdf_reader(path, data)
        found = [Field(name, label) for name, label, _, _ in _pdf_widgets(reader)]
        flat = any(str(key).startswith("/PlangenFlat") for page in reader.pages
                   for key in page.get("/Resources", {}).get("/XObject", {}))
    else:
        found = [Field(_attr(sdt, "tag"), _attr(sdt, "alias")) for sdt in _controls(_docx_xml(path, data))]
        flat = None  # a flattened .docx keeps no trace of its controls
    if not found:
        raise FillError(f"{path}: {_no_fields(flat)}")
    return found


def _no_fields(flat: bool | None) -> str:
    if flat:
        return "no fields to fill: this copy was flattened (fill --flatten); fill the copy plangen built, or one filled without --flatten"
    if flat is None:
        return ("no fields to fill: the copy was flattened (fill --flatten) or has no cover form; "
                "fill the copy plangen built")
    return "no fields to fill: the PDF has no form; fill a PDF that plangen built from a plan with cover fields"


def resolve(fields: list[Field], given: dict[str, str], where: str) -> dict[str, str]:
    """``given`` keyed by field name or label -> keyed by field name; unknown keys are errors."""
    by_key = {f.name: f.name for f in fields} | {f.label: f.name for f in fields if f.label}
    unknown = [k for k in given if k not in by_key]
    if unknown:
        known = ", ".join(f"{f.name} ({f.label})" if f.label and f.label != f.name else f.name for f in fields)
        raise FillError(f"{where}: {unknown[0]}: no such field (fields: {known or 'none'})")
    from plangen.source.dates import impossible_date
    for key, value in given.items():  # 2027-02-30 would print as written, on a cover that looks signed
        problem = impossible_date(value.strip())
        if problem:
            raise FillError(f"{where}: {key}: {problem}")
    return {by_key[k]: v for k, v in given.items()}


def fill(path: Path, data: bytes, values: dict[str, str], flatten: bool = False, small: Small | None = None) -> bytes:
    """``data`` (the bytes of ``path``) with ``values`` (field name -> text) filled in; each PDF
    value drawn below READABLE points to fit its line is added to ``small`` (name, size)."""
    if path.suffix.lower() == ".pdf":
        return _fill_pdf(path, data, values, flatten, [] if small is None else small)
    return _fill_docx(path, data, values, flatten)


def small_warning(where: str, name: str, size: float) -> Diagnostic:
    """The warning for a value shrunk below a readable size (render.fields.READABLE)."""
    from plangen.render.fields import READABLE, SIZE
    return Diagnostic(where, 0, 0, name, f"the value is too long for its line: drawn at {size:.1f} pt instead of "
                                         f"{SIZE} pt (under {READABLE} pt is hard to read); shorten it", "warning")


# --- PDF ---------------------------------------------------------------------------

def _pdf_reader(path: Path, data: bytes) -> PdfReader:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError
    try:
        return PdfReader(io.BytesIO(data))
    except (PdfReadError, ValueError, KeyError) as exc:
        raise FillError(f"{path}: not a readable PDF ({exc})") from None


def _pdf_widgets(reader: Union[PdfReader, PdfWriter]) -> Iterator[Widget]:
    """(name, label, widget, field) of every text field widget, page by page."""
    from pypdf.generic import DictionaryObject
    for page in reader.pages:
        for ref in page.get("/Annots") or []:
            annot = ref.get_object()
            if not isinstance(annot, DictionaryObject) or annot.get("/Subtype") != "/Widget":
                continue
            field = annot if "/T" in annot else annot.get("/Parent", annot).get_object()
            if isinstance(field, DictionaryObject) and field.get("/FT") == "/Tx" and "/T" in field:
                yield str(field["/T"]), str(field.get("/TU", "")), annot, field


def _pdf_date_format(annot: DictionaryObject) -> str | None:
    """A date field's format, from its AFDate_FormatEx action (plangen writes one per date line)."""
    actions = annot.get("/AA")
    format_action = actions.get_object().get("/F") if actions is not None else None
    script = str(format_action.get_object().get("/JS", "")) if format_action is not None else ""
    found = re.search(r'AFDate_FormatEx\("([^"]*)"\)', script)
    return found.group(1) if found else None


def _as_picked(value: str, picture: str | None, pdf: bool) -> tuple[str, str | None]:
    """A value for a date field: 2021-03-01 written as the field shows a picked date (1 Mar 2021,
    2021年3月1日), with its ISO date; any other value as given (no ISO date)."""
    import datetime as dt

    from plangen.outline.wording import picture_date
    from plangen.source.dates import ISO_DATE
    if picture is None or not ISO_DATE.fullmatch(value):
        return value, None
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        return value, None
    return picture_date(picture, day, pdf) or value, day.isoformat()


def _fill_pdf(path: Path, data: bytes, values: dict[str, str], flatten: bool, small: Small) -> bytes:
    from pypdf import PdfWriter
    from pypdf.generic import IndirectObject, NameObject

    from plangen.render.fieldfont import LATIN
    from plangen.render.fields import READABLE, Memo, Text, appearance, fitted
    from plangen.render.pdfobj import to_pypdf
    writer = PdfWriter(clone_from=_pdf_reader(path, data))
    latin = LATIN if str(writer._root_object.get("/Lang", "")).startswith("en") else None  # as the build did
    memo: Memo[IndirectObject] = {}
    for name, _label, annot, field in _pdf_widgets(writer):
        if name not in values:
            continue
        x1, y1, x2, y2 = _rect(annot)
        value = _as_picked(values[name].strip(), _pdf_date_format(annot), pdf=True)[0]
        if value:
            field[NameObject("/V")] = to_pypdf(Text(value), writer)
        elif "/V" in field:
            del field["/V"]
        fit = fitted(" ".join(value.split()), abs(x2 - x1), f"{path}: {name}", latin) if value else None
        if fit is not None and fit[1] < READABLE:
            small.append((name, fit[1]))
        ap = appearance(value, abs(x2 - x1), abs(y2 - y1), f"{path}: {name}", latin, fit)
        annot[NameObject("/AP")] = to_pypdf({"N": ap}, writer, memo)
    form = writer._root_object.get("/AcroForm")
    if form is not None and "/NeedAppearances" in form.get_object():
        del form.get_object()["/NeedAppearances"]  # every field has its appearance
    if flatten:
        _flatten(writer)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _flatten(writer: PdfWriter) -> None:
    """Each widget's normal appearance drawn into its page; widgets and the form removed."""
    from pypdf.generic import ArrayObject, DecodedStreamObject, DictionaryObject, NameObject
    for page in writer.pages:
        kept, drawing = ArrayObject(), list[str]()
        resources = page.setdefault(NameObject("/Resources"), DictionaryObject())
        xobjects = resources.get_object().setdefault(NameObject("/XObject"), DictionaryObject()).get_object()
        for i, ref in enumerate(page.get("/Annots") or []):
            annot = ref.get_object()
            if annot.get("/Subtype") != "/Widget":
                kept.append(ref)
                continue
            ap = annot.get("/AP", {}).get("/N")
            if ap is None or not hasattr(ap.get_object(), "get_data"):
                continue
            bx1, by1, bx2, by2 = (float(v) for v in ap.get_object().get("/BBox", [0, 0, 1, 1]))
            x1, y1, x2, y2 = _rect(annot)
            sx, sy = (x2 - x1) / ((bx2 - bx1) or 1), (y2 - y1) / ((by2 - by1) or 1)
            key = f"/PlangenFlat{i}"
            xobjects[NameObject(key)] = ap if hasattr(ap, "idnum") else writer._add_object(ap)
            drawing.append(f"q {sx:g} 0 0 {sy:g} {x1 - bx1 * sx:g} {y1 - by1 * sy:g} cm {key} Do Q")
        page[NameObject("/Annots")] = kept
        if drawing:
            before, after = DecodedStreamObject(), DecodedStreamObject()
            before.set_data(b"q\n")
            after.set_data(("\nQ\n" + "\n".join(drawing) + "\n").encode("ascii"))
            contents = page.get("/Contents")
            old = [] if contents is None else \
                list(contents.get_object()) if isinstance(contents.get_object(), list) else [contents]
            page[NameObject("/Contents")] = ArrayObject([writer._add_object(before), *old, writer._add_object(after)])
    if "/AcroForm" in writer._root_object:
        del writer._root_object["/AcroForm"]


def _rect(annot: DictionaryObject) -> tuple[float, float, float, float]:
    """An annotation's /Rect: x1, y1, x2, y2."""
    x1, y1, x2, y2 = (float(v) for v in _array(annot["/Rect"]))
    return x1, y1, x2, y2


def _array(obj: PdfObject) -> ArrayObject:
    from pypdf.generic import ArrayObject
    if not isinstance(obj, ArrayObject):
        raise TypeError(f"not a PDF array: {obj!r}")
    return obj


# --- .docx -------------------------------------------------------------------------

def _docx_xml(path: Path, data: bytes) -> etree._Element:
    import zipfile

    from lxml import etree
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            return etree.fromstring(z.read("word/document.xml"))
    except (zipfile.BadZipFile, KeyError, etree.XMLSyntaxError) as exc:
        raise FillError(f"{path}: not a readable .docx ({exc})") from None


def _attr(sdt: etree._Element, child: str) -> str:
    node = sdt.find(f"{W}sdtPr/{W}{child}")
    return node.get(f"{W}val", "") if node is not None else ""


def _controls(root: etree._Element) -> list[etree._Element]:
    return [sdt for sdt in root.iter(f"{W}sdt") if _attr(sdt, "tag")]


def _fill_docx(path: Path, data: bytes, values: dict[str, str], flatten: bool) -> bytes:
    import copy
    import zipfile

    from lxml import etree

    from plangen.render.docx.xml import stable_zip
    root = _docx_xml(path, data)
    for sdt in _controls(root):
        name = _attr(sdt, "tag")
        content = sdt.find(f"{W}sdtContent")
        runs = content.findall(f"{W}r") if content is not None else []
        if name in values and runs and values[name].strip():
            picker = sdt.find(f"{W}sdtPr/{W}date")
            picture = picker.find(f"{W}dateFormat") if picker is not None else None
            shown, iso = _as_picked(values[name].strip(), picture.get(f"{W}val") if picture is not None else None, pdf=False)
            if iso and picker is not None:
                picker.set(f"{W}fullDate", iso + "T00:00:00Z")  # the picker holds the date itself
            run = copy.deepcopy(runs[0])
            for child in list(run):
                if child.tag != f"{W}rPr":
                    run.remove(child)
            text = etree.SubElement(run, f"{W}t")
            text.text = _xml_safe(shown, f"{path}: {name}")
            text.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
            for r in runs:
                content.remove(r)
            content.append(run)
        if flatten and content is not None:
            parent = sdt.getparent()
            for child in list(content):
                sdt.addprevious(child)
            parent.remove(sdt)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            body = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True) \
                if item.filename == "word/document.xml" else src.read(item.filename)
            dst.writestr(item, body)
    return stable_zip(out.getvalue())


def _xml_safe(text: str, where: str) -> str:
    bad = re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]", text)
    if bad:
        raise FillError(f"{where}: the value has a character a .docx cannot hold (U+{ord(bad.group()):04X})")
    return text


# --- values from the command line or a CSV ------------------------------------------

def parse_sets(items: list[str]) -> dict[str, str]:
    """``--set KEY=VALUE`` arguments as a dict (KEY: field name or label)."""
    out: dict[str, str] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise UsageError(f"--set {item}: expected FIELD=VALUE, e.g. --set 姓名=张三丰")
        out[key.strip()] = value
    return out


def read_rows(path: Path, data: bytes, name_column: str) -> list[Row]:
    """(line, file name, values) of each row of a UTF-8 CSV with a header; any problem is
    one error naming its line."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise FillError(f"{path}:{line}: not UTF-8 (byte {exc.start}); save the file as CSV UTF-8") from None
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        raise FillError(f"{path}:1: empty file; expected a header row naming '{name_column}' and the fields") from None
    except csv.Error as exc:
        raise FillError(f"{path}:1: {exc}") from None
    if name_column not in header:
        raise FillError(f"{path}:1: {name_column}: missing column (the output file names; header: {', '.join(header)})")
    return list(_rows(path, reader, header, name_column))


def _rows(path: Path, reader: CsvReader, header: list[str], name_column: str) -> Iterator[Row]:
    seen: dict[str, int] = {}
    try:
        for cells in reader:
            line = reader.line_num
            if not any(c.strip() for c in cells):
                continue
            if len(cells) != len(header):
                raise FillError(f"{path}:{line}: {len(cells)} cell(s), the header has {len(header)}")
            row = dict(zip(header, cells))
            name = row.pop(name_column).strip()
            if not name or name in (".", "..") or re.search(r'[/\\:*?"<>|\x00-\x1f]', name):
                raise FillError(f"{path}:{line}: {name_column}: not a usable file name: {name!r}")
            if name in seen:
                raise FillError(f"{path}:{line}: {name_column}: {name!r} again (first on line {seen[name]})")
            seen[name] = line
            yield line, name, row
    except csv.Error as exc:
        raise FillError(f"{path}:{reader.line_num}: {exc}") from None


def fill_many(documents: dict[Path, bytes], rows: list[Row], csv_path: Path, flatten: bool,
              warnings: list[Diagnostic]) -> dict[str, bytes]:
    """Output file name -> bytes, one per row and document; nothing is written here. A value
    drawn too small to read is a warning at its row."""
    if not rows:
        raise FillError(f"{csv_path}:2: no rows: one row per copy, below the header")
    out: dict[str, bytes] = {}
    for path, data in documents.items():
        fields = fields_of(path, data)
        resolve(fields, dict.fromkeys(rows[0][2], ""), f"{csv_path}:1")  # the header's columns are fields
        for line, name, row in rows:
            values = resolve(fields, row, f"{csv_path}:{line}")
            small: Small = []
            try:
                out[name + path.suffix.lower()] = fill(path, data, values, flatten, small)
            except (FillError, RenderError) as exc:
                raise FillError(f"{csv_path}:{line}: {exc}") from None
            warnings += [small_warning(f"{csv_path}:{line}", field, size) for field, size in small]
    return out


MAX_INPUT = 64 * 1024 * 1024  # a rendered plan is well under 2 MB; a values file under 1 MB


def read_input(path: Path) -> bytes:
    """A regular file's bytes (at most MAX_INPUT), or a one-line error."""
    import os
    import stat
    try:
        with open(path, "rb") as f:
            if not stat.S_ISREG(os.fstat(f.fileno()).st_mode):
                raise FillError(f"{path}: not a regular file")
            data = f.read(MAX_INPUT + 1)
    except OSError as exc:
        raise FillError(f"{path}: cannot read: {exc.strerror}") from None
    if len(data) > MAX_INPUT:
        raise FillError(f"{path}: larger than {MAX_INPUT // 2**20} MB")
    return data


def run(documents: list[str], sets: list[str], csv_file: str | None, output: str, name_column: str,
        flatten: bool, warnings: list[Diagnostic]) -> list[Path]:
    """The ``plangen fill`` command: returns the files written; adds to ``warnings``."""
    from plangen.build.write import atomic_write
    paths = [Path(d) for d in documents]
    for p in paths:
        if p.suffix.lower() not in SUFFIXES:
            raise UsageError(f"{p}: fill takes a .pdf or .docx that plangen wrote")
    if len({p.suffix.lower() for p in paths}) != len(paths):
        raise UsageError("give at most one .pdf and one .docx")
    data = {p: read_input(p) for p in paths}
    if csv_file is None:
        if len(paths) != 1:
            raise UsageError("--set fills one document: give one .pdf or .docx (or use --from with a folder as -o)")
        out = Path(output)
        if out.suffix.lower() != paths[0].suffix.lower():
            raise UsageError(f"-o {output}: the copy of a {paths[0].suffix} must end in {paths[0].suffix}")
        values = resolve(fields_of(paths[0], data[paths[0]]), parse_sets(sets), str(paths[0]))
        small: Small = []
        atomic_write(out, fill(paths[0], data[paths[0]], values, flatten, small))
        warnings += [small_warning(str(paths[0]), field, size) for field, size in small]
        return [out]
    if sets:
        raise UsageError("use --set or --from, not both")
    rows = read_rows(Path(csv_file), read_input(Path(csv_file)), name_column)
    filled = fill_many(data, rows, Path(csv_file), flatten, warnings)  # everything checked before any write
    folder = Path(output)
    folder.mkdir(parents=True, exist_ok=True)
    for name, body in filled.items():
        atomic_write(folder / name, body)
    return [folder / name for name in filled]
