"""``python -m gongkai_desktop`` runs the command line (also the bundled ``gongkai`` program)."""

import sys

from gongkai_desktop.cli import main

sys.exit(main())
