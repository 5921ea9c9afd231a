"""python -m devmail: the development SMTP server, until Ctrl-C."""
import sys

from devmail import main

sys.exit(main())
