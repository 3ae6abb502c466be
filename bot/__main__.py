"""`python -m bot` is the same as the `helpline` console script."""

from bot.cli import main

raise SystemExit(main())
