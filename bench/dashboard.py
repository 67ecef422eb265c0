"""Time of the 首页 (``ComplianceService.dashboard``) for a year of ``demo --scale N``: the bureau's
dashboard and one division's (the first in the bureau's to-do list), each the best of ``--repeat``
runs after one run that warms the page cache. The demo data is made once and not timed.

    .venv/bin/python bench/dashboard.py [--scale N] [--year Y] [--data-dir DIR] [--repeat K]
"""

from __future__ import annotations

import sys
import tempfile
from datetime import date, datetime
from pathlib import Path

from evaluation import best, demo_arguments, open_demo

from gongkai_desktop.services.admin import AdminService
from gongkai_desktop.services.compliance import ComplianceService


def main(argv: list[str] | None = None) -> int:
    args = demo_arguments(__doc__, argv)
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.data_dir or Path(tmp) / "data"
        ctx, actor = open_demo(folder, args)
        service = ComplianceService(ctx.db, actor)
        today = date.today() if args.year == date.today().year else date(args.year, 12, 31)
        now = datetime.combine(today, datetime.now().time())
        bureau = service.dashboard(args.year, None, today, now)  # warms the page cache
        division = next(a.division_name for a in bureau.attention if a.division_name)
        division_id = AdminService(ctx.db, actor).division_by_name(division).id
        t_bureau = best(lambda: service.dashboard(args.year, None, today, now), args.repeat)
        t_division = best(
            lambda: service.dashboard(args.year, division_id, today, now), args.repeat
        )
        ctx.close()
    print(f"首页, the bureau (全局), {args.year}, on {today}: {t_bureau * 1000:8.1f} ms")
    print(f"首页, {division}:              {t_division * 1000:8.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
