"""Entry script of the bundled app: the same `gbf-desktop` command as a pip install."""

import sys

from gbf_desktop.cli import main

if __name__ == "__main__":
    sys.exit(main())
