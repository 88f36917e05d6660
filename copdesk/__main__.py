"""``python -m copdesk``."""

import sys

from copdesk.cli.main import main

sys.exit(main())
