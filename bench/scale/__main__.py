"""``python -m bench.scale``: run the scale bench (``--help`` for its options)."""

import sys

from bench.scale.cli import main

sys.exit(main())
