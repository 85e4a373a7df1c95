"""`python -m eval eval --pred … --gold …` and `python -m eval compare A B --gold …`."""

from eval.cli import main

raise SystemExit(main())
