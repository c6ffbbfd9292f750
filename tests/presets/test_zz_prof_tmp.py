import cProfile, pstats, time
import pytest
from djdesk_inspector.presets import runner, runs
from djdesk_inspector.presets.models import TaskRunLogLine

@pytest.mark.django_db(transaction=True)
def test_prof(workspace, make_preset, settings, dummy_backend):
    settings.DJDESK_PRESETS = settings.DJDESK_PRESETS | {"OUTPUT_MAX_LINES": 200000, "OUTPUT_MAX_BYTES": 10**8, "BATCH_MS": 100}
    make_preset("chatty", "chatty", fixed_args=["--count=100000"])
    run = runs.request_run(target="workspace:shop", preset="chatty", args={})
    prof = cProfile.Profile()
    t = time.monotonic()
    #prof.enable()
    runner.execute(run.pk)
    prof.disable()
    print("total", time.monotonic() - t)
    marks = dict(TaskRunLogLine.objects.filter(run_id=run.pk, seq__in=[2 + k * 10_000 for k in range(11)]).values_list("seq", "t_ms"))
    o = [marks[s] for s in sorted(marks)]
    print([b - a for a, b in zip(o, o[1:])])
    pstats.Stats(prof).sort_stats("cumulative").print_stats(25)
