"""`python -m bot` is `kakehashi`."""

import sys

from bot.cli import main

sys.exit(main())
