"""``python -m ui`` starts the desktop app (also the bundled ``gongkai-desktop`` program)."""

import sys

from ui.app import main

sys.exit(main())
