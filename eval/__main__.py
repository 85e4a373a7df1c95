"""`python -m extractor_eval eval --pred … --gold …` and `… compare A B --gold …`."""

from extractor_eval.cli import main

raise SystemExit(main())
