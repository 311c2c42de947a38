"""When progress polls happen: never idle, never while paused, slower after failures."""

from snaptui.ui.polling import MAX_INTERVAL, PollSchedule


def test_polls_only_when_something_is_pending():
    schedule = PollSchedule(base=5)
    assert not schedule.due(100.0, pending=0)
    assert schedule.due(100.0, pending=3)


def test_waits_one_interval_between_polls():
    schedule = PollSchedule(base=5)
    schedule.started(100.0)
    assert not schedule.due(104.9, pending=1)
    assert schedule.due(105.0, pending=1)
    assert schedule.seconds_until_next(103.0) == 2.0


def test_pause_stops_polling():
    schedule = PollSchedule(base=5, paused=True)
    assert not schedule.due(1000.0, pending=10)


def test_failures_back_off_exponentially_up_to_a_minute_and_success_resets():
    schedule = PollSchedule(base=5)
    intervals = []
    for _ in range(6):
        schedule.failed()
        intervals.append(schedule.interval)
    assert intervals == [10, 20, 40, MAX_INTERVAL, MAX_INTERVAL, MAX_INTERVAL]
    schedule.succeeded()
    assert schedule.interval == 5
