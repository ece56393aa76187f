"""The progress dashboard shows each code exercise's last public check."""

from pruneedu import progress
from pruneedu.exercises import check, load_exercises


def test_the_dashboard_lists_each_exercise_with_its_public_check_state():
    assert all(row["state"] == "not checked" for row in progress.summary()["exercises"])
    check("cubic-schedule", lambda amount, rounds, initial_amount=0.0:
          [amount + (initial_amount - amount) * (1 - t / rounds) ** 3
           for t in range(1, rounds + 1)])
    check("lenet5-macs", lambda channels1, channels2, hidden: 0)
    data = progress.summary()
    rows = {row["exercise_id"]: row for row in data["exercises"]}
    functions = [e for e in load_exercises().values() if e.kind == "function"]
    assert set(rows) == {e.id for e in functions} and not data["empty"]
    assert rows["cubic-schedule"]["state"] == "passed"
    assert rows["lenet5-macs"]["state"] == "failing" and rows["lenet5-macs"]["passed"] == 0
    assert [row["lesson"] for row in data["exercises"]] == sorted(e.lesson for e in functions)
    html = progress.summary_html(data)
    assert "Code exercise" in html and "The cubic pruning schedule" in html and "failing" in html
    assert "The cubic pruning schedule" in progress.show().table.value
