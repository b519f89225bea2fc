"""Where plan text comes from: a file, or `REV:path` read from git with git itself (never
through a shell; a revision that looks like an option is refused). The path follows git:
from the repository's root, or from the current folder when it starts with ./ or ../."""
from __future__ import annotations

import subprocess
from pathlib import Path

from plangen.errors import Diagnostic, PlanError, UsageError
from plangen.source.yamlsafe import DEFAULT_LIMITS, decode, read_file


def is_git_spec(spec: str) -> bool:
    return ":" in spec and not Path(spec).exists()


def read_spec(spec: str) -> tuple[str, str]:
    """(text, name shown in messages) for a path or REV:path."""
    data = git_show(*spec.split(":", 1)) if is_git_spec(spec) else read_file(spec)
    text, diags = decode(data, spec)
    if text is None:
        raise PlanError(diags)
    return text, spec


def git_show(rev: str, path: str, cwd: str | Path = ".") -> bytes:
    if not rev:
        raise UsageError(f":{path}: give a revision before the colon, e.g. HEAD~1:{path or 'plans/2022-logistics.yaml'}")
    if rev.startswith("-"):
        raise UsageError(f"refusing revision {rev!r}: a revision may not start with '-'")
    if not path:
        raise UsageError(f"{rev}: — give a path after the colon, e.g. HEAD~1:plans/2022-logistics.yaml")
    commit = _git(["rev-parse", "--verify", "--quiet", "--end-of-options", f"{rev}^{{commit}}"], cwd,
                  f"{rev}: not a revision in this git repository").decode().strip()
    # as in git: HEAD:plans/x.yaml is from the repository's root, HEAD:./x.yaml and HEAD:../x.yaml
    # from the current folder; an absolute path is made relative to the root
    rel = path
    if Path(path).is_absolute():
        top = _git(["rev-parse", "--show-toplevel"], cwd, "not in a git repository").decode().strip()
        try:
            rel = Path(path).resolve().relative_to(Path(top).resolve()).as_posix()
        except ValueError:
            raise UsageError(f"{rev}:{path}: the path is outside the git repository {top}") from None
    missing = f"{rev}:{path}: no such file at that revision"
    size = _git(["cat-file", "-s", f"{commit}:{rel}"], cwd, missing).decode().strip()
    if not size.isdigit() or int(size) > DEFAULT_LIMITS.max_bytes:  # read only what a plan may be
        raise PlanError([Diagnostic(f"{rev}:{path}", 0, 0, "", f"file is too large ({size} bytes; the limit is "
                                                                f"{DEFAULT_LIMITS.max_bytes})")])
    return _git(["show", f"{commit}:{rel}"], cwd, missing)


def _git(args: list[str], cwd: str | Path | None, message: str) -> bytes:
    try:
        proc = subprocess.run(["git", *args], cwd=cwd, capture_output=True, timeout=60, check=False)
    except (OSError, subprocess.SubprocessError) as exc:
        raise PlanError([Diagnostic(message.split(":")[0], 0, 0, "", f"cannot run git: {exc}")]) from None
    if proc.returncode != 0:
        spec = message.split(": ", 1)
        raise PlanError([Diagnostic(spec[0], 0, 0, "", spec[1] if len(spec) > 1 else message)])
    return proc.stdout
