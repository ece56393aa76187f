"""``python -m pruneedu`` runs the same command as ``pruneedu``."""

import sys

from pruneedu.cli import main

sys.exit(main())
