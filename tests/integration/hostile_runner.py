"""Feed every hostile file of ``hostile_files`` to the real imports, in a process of its own.

Run as ``python tests/integration/hostile_runner.py generate WORK_DIR`` to write the files, then
``… run WORK_DIR`` in a new process: it sets up a data folder with an admin and imports each one the way a user would (``gongkai import``, ``gongkai plan
import``, ``gongkai calendar import-notice`` in-process, and the 政策解读 workbench's attach job
for policy documents), and prints one JSON line per file: refused or not, exit code, the message,
seconds taken and the process's peak memory so far. The last line is the summary, with whether
the database still holds exactly what it held before (only audit rows may be added) and passes
``PRAGMA integrity_check``. Measuring in a process of its own keeps pytest's memory out of it.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import resource
import sqlite3
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

PASSWORD = "admin-pass-123"
CJK = re.compile(r"[\u4e00-\u9fff]")


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _setup(data: Path) -> int:
    """An initialised unit with the divisions the sample rows name and one interpretation."""
    from gongkai_desktop.app import open_app
    from gongkai_desktop.domain.interpretation import InterpretationFields
    from gongkai_desktop.domain.labels import DivisionKind
    from gongkai_desktop.services.admin import AdminService
    from gongkai_desktop.services.interpretations import InterpretationService
    from gongkai_desktop.services.setup import initialize

    ctx = open_app(data)
    actor = initialize(ctx.db, "测试局", "admin", PASSWORD)
    service = AdminService(ctx.db, actor)
    kf = service.add_division("开发指导处", DivisionKind.BUSINESS, "KF")
    detail = InterpretationService(ctx.db, actor, ctx.paths.attachments_dir).create(
        kf.id, InterpretationFields(title="解读", document_title="办法", document_number="")
    )
    ctx.close()
    return detail.row.id


def _counts(db: Path) -> dict[str, int]:
    with contextlib.closing(sqlite3.connect(db)) as con:
        tables = [r[0] for r in con.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
        )]  # fmt: skip
        return {
            t: con.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0]
            for t in tables
            if t not in ("audit_log", "audit_checkpoint")
        }


def _cli(data: Path, *args: str) -> tuple[int, str]:
    from gongkai_desktop.cli import main

    err, out = io.StringIO(), io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(out):
        try:
            code = main(["--data-dir", str(data), *args])
        except SystemExit as exc:
            code = int(exc.code or 0)
    return code, err.getvalue().strip() or out.getvalue().strip()


def _attach(data: Path, interpretation_id: int, path: Path) -> tuple[int, str]:
    from gongkai_desktop.app import open_app
    from gongkai_desktop.errors import GongkaiError
    from gongkai_desktop.progress import run_job
    from gongkai_desktop.services.auth import AuthService
    from gongkai_desktop.services.interpretations import InterpretationService

    ctx = open_app(data)
    try:
        actor = AuthService(ctx.db).login("admin", PASSWORD)
        service = InterpretationService(ctx.db, actor, ctx.paths.attachments_dir)
        version = service.get(interpretation_id).row.version
        run_job(service.attach_policy_document_job(interpretation_id, version, path))
        return 0, "accepted"
    except GongkaiError as exc:
        return 1, str(exc)
    finally:
        ctx.close()


def run_case(data: Path, interpretation_id: int, target: str, path: Path) -> tuple[int, str]:
    if target == "policy":
        return _attach(data, interpretation_id, path)
    if target == "plan":
        return _cli(data, "--as", "admin", "plan", "import", str(path), "--year", "2021")
    if target == "holidays":
        return _cli(data, "--as", "admin", "calendar", "import-notice", str(path), "--year", "2027")
    return _cli(data, "--as", "admin", "import", target, str(path))


def generate(work: Path) -> int:
    """Write the files and their manifest (in a process of its own: generating takes memory)."""
    from hostile_files import build_cases

    started = time.perf_counter()
    cases = build_cases(work / "files")
    manifest = [{"name": c.name, "target": c.target, "path": str(c.path)} for c in cases]
    (work / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
    print(json.dumps({"generated": len(cases), "seconds": round(time.perf_counter() - started, 1)}))
    return 0


def run(work: Path) -> int:
    from hostile_files import Case

    os.environ["GONGKAI_PASSWORD"] = PASSWORD
    manifest = json.loads((work / "manifest.json").read_text(encoding="utf-8"))
    cases = [Case(m["name"], m["target"], Path(m["path"])) for m in manifest]
    data = work / "data"
    interpretation_id = _setup(data)
    attachments = data / "attachments"
    before = _counts(data / "gongkai.db")
    files_before = sorted(p.name for p in attachments.rglob("*")) if attachments.exists() else []
    baseline = peak_mb()
    refused = 0
    for case in cases:
        start = time.perf_counter()
        try:
            code, message = run_case(data, interpretation_id, case.target, case.path)
        except Exception as exc:  # noqa: BLE001 - a crash is what the suite looks for
            code, message = -1, f"{type(exc).__name__}: {exc}"
        seconds = time.perf_counter() - start
        ok = (
            code == 1
            and bool(CJK.search(message))
            and "Traceback" not in message
            and "程序内部出错" not in message
        )
        refused += ok
        print(json.dumps({
            "case": case.name, "target": case.target, "size": case.path.stat().st_size,
            "refused": ok, "code": code, "message": message.splitlines()[0][:160] if message else "",
            "seconds": round(seconds, 3), "peak_mb": round(peak_mb(), 1),
        }, ensure_ascii=False), flush=True)  # fmt: skip
    after = _counts(data / "gongkai.db")
    files_after = sorted(p.name for p in attachments.rglob("*")) if attachments.exists() else []
    with contextlib.closing(sqlite3.connect(data / "gongkai.db")) as con:
        integrity = con.execute("PRAGMA integrity_check").fetchone()[0]
    print(json.dumps({
        "summary": True, "cases": len(cases), "refused": refused, "baseline_mb": round(baseline, 1),
        "peak_mb": round(peak_mb(), 1), "unchanged": before == after and files_before == files_after,
        "changed_tables": {t: (before.get(t), after.get(t)) for t in after if before.get(t) != after[t]},
        "integrity": integrity,
    }, ensure_ascii=False))  # fmt: skip
    return 0


if __name__ == "__main__":
    command, folder = sys.argv[1], Path(sys.argv[2])
    sys.exit(generate(folder) if command == "generate" else run(folder))
