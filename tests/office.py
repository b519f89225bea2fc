"""LibreOffice as an office would use it: accept or reject every tracked change of a .docx
and save the result (a Basic macro in a private profile), then read it back."""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

_MODULE = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE script:module PUBLIC "-//OpenOffice.org//DTD OfficeDocument 1.0//EN" "module.dtd">
<script:module xmlns:script="http://openoffice.org/2000/script" script:name="Module1" script:language="StarBasic">
Sub Batch(spec As String)
  Dim args(0) As New com.sun.star.beans.PropertyValue
  Dim f(0) As New com.sun.star.beans.PropertyValue
  args(0).Name = &quot;Hidden&quot;
  args(0).Value = True
  f(0).Name = &quot;FilterName&quot;
  For Each job In Split(spec, &quot;;&quot;)
    part = Split(job, &quot;|&quot;)
    If Not FileExists(part(1)) Then Exit Sub
    doc = StarDesktop.loadComponentFromURL(part(1), &quot;_blank&quot;, 0, args())
    frame = doc.getCurrentController().getFrame()
    helper = createUnoService(&quot;com.sun.star.frame.DispatchHelper&quot;)
    If part(0) = &quot;accept&quot; Then helper.executeDispatch(frame, &quot;.uno:AcceptAllTrackedChanges&quot;, &quot;&quot;, 0, Array())
    If part(0) = &quot;reject&quot; Then helper.executeDispatch(frame, &quot;.uno:RejectAllTrackedChanges&quot;, &quot;&quot;, 0, Array())
    f(0).Value = &quot;MS Word 2007 XML&quot;
    doc.storeToURL(part(2) &amp; &quot;.docx&quot;, f())
    doc.close(True)
    REM the saved file, opened afresh: the open document keeps stale list numbers after accepting
    doc = StarDesktop.loadComponentFromURL(part(2) &amp; &quot;.docx&quot;, &quot;_blank&quot;, 0, args())
    f(0).Value = &quot;writer_pdf_Export&quot;
    doc.storeToURL(part(2) &amp; &quot;.pdf&quot;, f())
    doc.close(True)
  Next job
End Sub
</script:module>
"""
_LIBRARY = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE library:library PUBLIC "-//OpenOffice.org//DTD OfficeDocument 1.0//EN" "library.dtd">
<library:library xmlns:library="http://openoffice.org/2000/library" library:name="Standard" library:readonly="false" library:passwordprotected="false">
 <library:element library:name="Module1"/>
</library:library>
"""


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def _run(profile: Path, *args: str) -> None:
    proc = subprocess.run([soffice() or "soffice", f"-env:UserInstallation={profile.resolve().as_uri()}", "--headless",
                           "--norestore", *args], capture_output=True, text=True, timeout=180)
    assert proc.returncode == 0, proc.stderr


def process(jobs: list[tuple[str, Path, Path]], profile: Path) -> None:
    """jobs: (mode, input .docx, output path without suffix); mode "accept", "reject" or
    "keep" (just open and save). Each job writes <output>.docx and <output>.pdf."""
    if not (profile / "user").exists():
        _run(profile, "--terminate_after_init")  # LibreOffice writes its default profile first
    standard = profile / "user" / "basic" / "Standard"
    standard.mkdir(parents=True, exist_ok=True)
    (standard / "Module1.xba").write_text(_MODULE, encoding="utf-8")
    (standard / "script.xlb").write_text(_LIBRARY, encoding="utf-8")
    spec = ";".join(f"{mode}|{src.resolve().as_uri()}|{out.resolve().as_uri()}" for mode, src, out in jobs)
    _run(profile, f'macro:///Standard.Module1.Batch("{spec}")')
    for _mode, _src, out in jobs:
        assert out.with_suffix(".pdf").exists(), f"LibreOffice wrote no {out}.pdf"
