"""Results folders: what a run or comparison writes, atomically, with its provenance."""

from __future__ import annotations

import io
import json
import math
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

import pandas as pd

from model.scenario.inputs import InputError

#: Packages whose versions every manifest records.
RECORDED_PACKAGES = (
    "citizenization",
    "mesa",
    "numpy",
    "pandas",
    "pyarrow",
    "pydantic",
    "scipy",
    "matplotlib",
)
PROJECT_ROOT = Path(__file__).resolve().parents[2]


_UMASK = os.umask(0)
os.umask(_UMASK)


class OutputError(InputError):
    """An output folder that cannot be written. The message is one paragraph for the user."""


def notebook_folder(name: str) -> Path:
    """Where a notebook writes: results/notebooks/NAME, or $CITIZENIZATION_NOTEBOOK_OUT/NAME
    (the tests point it at a temporary folder)."""
    base = os.environ.get("CITIZENIZATION_NOTEBOOK_OUT")
    folder = (Path(base) if base else PROJECT_ROOT / "results" / "notebooks") / name
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def timestamp() -> str:
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")


#: Free space every command needs on its output device before it starts (bytes).
MIN_FREE_BYTES = 50_000_000


def check_free_space(path: Path, needed_bytes: float, what: str) -> None:
    """Refuse, before any work, when the device holding `path` has less free space than
    `needed_bytes` (at least `MIN_FREE_BYTES`)."""
    existing = path
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    free = shutil.disk_usage(existing).free
    needed = max(float(needed_bytes), MIN_FREE_BYTES)
    if free < needed:
        raise OutputError(
            f"Output folder {path}: {free / 1e6:,.0f} MB free on its device, and {what} needs "
            f"about {needed / 1e6:,.0f} MB. Free some space or choose another --out; nothing "
            "has been run."
        )


def prepare_folder(path: Path, force: bool = False) -> Path:
    """Create `path` and prove it is writable, before any work is done. A folder that already
    holds files is refused (its results would be mixed with or overwritten by new ones)
    unless `force`; so is one on a device without `MIN_FREE_BYTES` free."""
    if path.exists() and not path.is_dir():
        raise OutputError(
            f"Output folder {path} exists and is a file, not a folder; choose another with "
            "--out. Nothing has been run."
        )
    if path.is_dir() and any(path.iterdir()) and not force:
        raise OutputError(
            f"Output folder {path.resolve()} is not empty; results go into a new folder (the "
            "default is a new one under results/). Choose another with --out, or pass --force "
            "to write over what is there. Nothing has been run."
        )
    check_free_space(path, MIN_FREE_BYTES, "a results folder")
    try:
        path.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path, prefix=".probe-"):
            pass
    except OSError as err:
        raise OutputError(
            f"Output folder {path} cannot be written ({err.strerror or err}). "
            "Choose another with --out, one you may create files in; nothing "
            "has been run."
        ) from None
    return path


def write_atomic(path: Path, data: bytes) -> None:
    """Write to a temporary file beside `path`, then rename: readers never see half a file."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        os.fchmod(fd, 0o666 & ~_UMASK)  # mkstemp makes 0600; results are ordinary files
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_parquet(frame: pd.DataFrame, path: Path) -> None:
    buffer = io.BytesIO()
    frame.to_parquet(buffer, index=False)
    write_atomic(path, buffer.getvalue())


def json_safe(obj: object) -> object:
    """`obj` with NaN and infinities as None, so that it is strict JSON (null)."""
    if isinstance(obj, float):
        return obj if math.isfinite(obj) else None
    if isinstance(obj, dict):
        return {k: json_safe(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [json_safe(v) for v in obj]
    return obj


def write_json(obj: object, path: Path) -> None:
    """Strict JSON (missing numbers as null), written atomically."""
    text = json.dumps(json_safe(obj), indent=2, ensure_ascii=False, allow_nan=False)
    write_atomic(path, (text + "\n").encode())


def write_text(text: str, path: Path) -> None:
    write_atomic(path, text.encode())


def git_commit() -> str:
    """The project's git commit (with `+dirty` if changed), or `unknown` outside a checkout."""
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "HEAD"],
            cwd=PROJECT_ROOT,
            text=True,
            capture_output=True,
            check=True,
            timeout=10,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=PROJECT_ROOT,
            text=True,
            capture_output=True,
            timeout=10,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return commit + ("+dirty" if dirty else "")


def versions() -> dict[str, str]:
    found = {"python": platform.python_version()}
    for name in RECORDED_PACKAGES:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = "not installed"
    return found


def peak_memory_bytes() -> int:
    """Peak resident memory of this process so far."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak if sys.platform == "darwin" else peak * 1024


def manifest(**fields: object) -> dict:
    """Provenance of a result: the given fields plus code and package versions and memory."""
    return {
        **fields,
        "code_version": git_commit(),
        "versions": versions(),
        "peak_memory_bytes": peak_memory_bytes(),
        "command": " ".join(sys.argv),
        "written_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }


def sha256_of(path: Path) -> str:
    """The SHA-256 of a file's bytes (which posterior, targets or input a result came from)."""
    import hashlib

    digest = hashlib.sha256()
    with Path(path).open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()
