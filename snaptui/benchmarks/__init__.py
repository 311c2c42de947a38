"""The performance benchmark behind ``python -m snaptui.bench`` (see ``runner`` for the flags).

Modules:

- ``runner``: flags, the demo backend, the order of the phases, targets and the JSON object;
- ``listing``: the boto3 baseline and snaptui's full inventory load, alternated in one process;
- ``app_phase``: a headless SnaptuiApp in its own process (first rows, UI loop stall, filter
  latency, progress polling cost, peak RSS), so boto3's memory is not counted;
- ``monitor``: the event-loop ticker, gc pauses and timed spans of app methods;
- ``common``: fake credentials, loopback check, /proc readings, statistics.

Everything talks to the loopback demo backend only, with fake credentials, and every wait has a
deadline, so a run always stops by itself.
"""
