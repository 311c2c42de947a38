"""Lets ``python -m snaptui`` behave like the ``snaptui`` command."""

from snaptui.cli import main

raise SystemExit(main())
