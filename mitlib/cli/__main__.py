"""``python -m mitlib.cli``: the ``mit`` command."""

import sys

from mitlib.cli.main import main

sys.exit(main())
