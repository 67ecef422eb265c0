"""政务公开工作台 core: domain rules, database, services, importers, report writers and the CLI.

This package never imports Qt; the desktop front end lives in the ``ui`` package.
"""

__version__ = "0.1.0"
APP_NAME = "政务公开工作台"
APP_ID = "gongkai_desktop"
