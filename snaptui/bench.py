"""``python -m snaptui.bench``: snaptui's performance benchmark against the demo backend.

Prints one JSON object of figures on stdout (progress on stderr). See snaptui.benchmarks.runner
for the flags and snaptui.benchmarks for what each phase measures.
"""

from snaptui.benchmarks.runner import main

if __name__ == "__main__":
    raise SystemExit(main())
