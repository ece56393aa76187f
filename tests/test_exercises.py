"""Code exercises on the learner's side: definitions the grader shares without torch, check()
and its messages, the remembered check states, and each solution against the library (or
torch) it teaches."""

import importlib.util
import json
import math
from pathlib import Path

import numpy as np
import pytest
import torch
from fresh_python import heavy_imports
from torch.nn.utils import prune

from pruneedu import metrics, models, pruning
from pruneedu.exercises import check, check_states, load_exercise, load_exercises
from pruneedu.exercises.compare import describe_input, expect_close, show
from pruneedu.exercises.learner import format_report
from pruneedu.wire import ModelSpec

EXERCISES = Path(__file__).parent.parent / "exercises"


def solution(exercise_id: str):
    exercise = load_exercise(exercise_id, EXERCISES)
    spec = importlib.util.spec_from_file_location(f"_solution_{exercise.folder.name}",
                                                  exercise.solution_path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return getattr(module, exercise.function)


@pytest.mark.parametrize("amount", [0.1, 0.3, 0.5, 0.77, 0.9])
def test_magnitude_mask_matches_torch_prune_l1_unstructured(amount):
    torch.manual_seed(0)
    layer = torch.nn.Linear(20, 15)  # random normal weights: no ties
    expected = prune.l1_unstructured(layer, "weight", amount=amount).weight_mask.bool()
    assert torch.equal(solution("magnitude-mask")(layer.weight_orig.detach(), amount), expected)


def test_global_masks_match_torch_global_unstructured():
    torch.manual_seed(1)
    net = models.lenet_300_100()
    weights = [layer.weight.detach().clone() for layer in (net.fc1, net.fc2, net.fc3)]
    masks = solution("global-threshold")(weights, 0.8)
    pruning.prune_weights(net, 0.8, scope="global")
    assert all(torch.equal(mask, layer.weight_mask.bool())
               for mask, layer in zip(masks, (net.fc1, net.fc2, net.fc3), strict=True))


def test_relative_index_bytes_match_what_save_compressed_writes():
    torch.manual_seed(2)
    weights = torch.randn(100, 300)
    weights[torch.rand(100, 300) < 0.95] = 0.0
    net = torch.nn.Sequential(torch.nn.Linear(300, 100, bias=False))
    with torch.no_grad():
        net[0].weight.copy_(weights)
    import io
    buffer = io.BytesIO()
    pruning.save_compressed(net, buffer, storage="sparse")
    payload = buffer.getvalue()[4 + 3 + 1 + len("0.weight") + 2 + 8:]
    bits = payload[0]  # the storage chose its own best index width
    assert solution("sparse-file-bytes")(weights, bits) == len(payload) - 5
    assert pruning.relative_index_bytes(weights, bits) == len(payload) - 5


def test_lenet5_macs_match_metrics_macs_of_channel_pruned_models():
    net = models.lenet5(seed=0)
    assert solution("lenet5-macs")(20, 50, 500) == metrics.macs(net)
    small = pruning.prune_channels(net, amount=0.5)  # conv1 and conv2 lose half their channels
    widths = (small.conv1.out_channels, small.conv2.out_channels, small.fc1.out_features)
    assert solution("lenet5-macs")(*widths) == metrics.macs(small)


def test_library_references_agree_with_the_solutions():
    torch.manual_seed(3)
    weight, inputs = torch.randn(12, 16), torch.randn(40, 16)
    assert torch.equal(solution("nm-mask")(weight), pruning.nm_mask(weight))
    assert torch.allclose(solution("activation-aware")(weight, inputs),
                          pruning.activation_aware_scores(weight, inputs))
    next_weight = torch.randn(6, 5, 3, 3)
    assert torch.allclose(solution("channel-importance")(next_weight),
                          pruning.input_channel_importance(next_weight))
    assert solution("cubic-schedule")(0.9, 4, 0.2) == pytest.approx(
        pruning.cubic_schedule(0.9, 4, initial_amount=0.2))
    scan = pruning.Sensitivity(0.95, (0.5, 0.9), {"fc1": (0.95, 0.94), "fc2": (0.94, 0.8)})
    sizes = {"fc1": 1000, "fc2": 100}
    assert solution("amounts-for-budget")(sizes, list(scan.amounts),
                                          {k: list(v) for k, v in scan.accuracy.items()},
                                          0.93, 200) \
        == pruning.amounts_for_budget(scan, sizes, 0.93, 200)


def test_check_reports_an_unfinished_stub_without_raising(capsys):
    def magnitude_mask(weights, amount):
        raise NotImplementedError

    report = check("magnitude-mask", magnitude_mask, EXERCISES)
    out = capsys.readouterr().out
    assert (report.passed, report.total) == (0, len(load_exercise("magnitude-mask").public_cases()))
    assert "still raises NotImplementedError" in out and "hidden-" not in out
    assert "input:" not in out  # nothing to compare yet


def test_a_failure_names_the_input_what_was_expected_what_came_back_and_a_hint(capsys):
    def int_kthvalue_greater(weights, amount):  # the mask the issue says used to pass
        k = int(amount * weights.numel())
        if k == 0:
            return torch.ones_like(weights, dtype=torch.bool)
        return weights.abs() > weights.abs().flatten().kthvalue(k).values

    report = check("magnitude-mask", int_kthvalue_greater, EXERCISES)
    out = capsys.readouterr().out
    assert not report.all_passed
    block = out.split("FAIL  ties-at-the-threshold")[1].split("FAIL")[0]
    assert "input:    weights = [ 1. -1.  1.  1.  2.  3.], amount = 0.5" in block
    assert "expected: 3 of 6 weights pruned" in block and "got:      4 pruned" in block
    assert "hint:" in block and "count first" in block
    assert "FAIL  count-rounds-not-truncates" in out and "FAIL  all-zero-weights" in out


def test_check_reports_errors_and_passes(capsys):
    report = check("magnitude-mask", lambda w, a: 1 / 0, EXERCISES)
    assert report.passed == 0 and "ZeroDivisionError" in report.results[0].reason
    report = check("magnitude-mask", solution("magnitude-mask"), EXERCISES)
    assert report.all_passed
    assert f"All {report.total} public tests pass" in capsys.readouterr().out


def test_check_takes_networks_in_and_out(capsys):
    report = check("remove-neurons", solution("remove-neurons"), EXERCISES)
    assert report.all_passed, capsys.readouterr().out

    def forgets_the_next_layer(net, layer, keep):
        import copy
        small = copy.deepcopy(net)
        getattr(small, layer).weight = torch.nn.Parameter(getattr(net, layer).weight[keep])
        getattr(small, layer).bias = torch.nn.Parameter(getattr(net, layer).bias[keep])
        return small

    report = check("remove-neurons", forgets_the_next_layer, EXERCISES)
    out = capsys.readouterr().out
    assert report.passed == 1  # only "keep all" passes
    assert "input:    net = a LeNet-300-100 network (fc1.weight (300, 784)" in out
    assert "expected: fc2.weight of shape (100, 3)" in out and "got:      shape (100, 300)" in out


def test_checks_are_remembered_with_the_source_for_the_dashboard_and_hand_in():
    check("cubic-schedule", solution("cubic-schedule"), EXERCISES)
    check("lenet5-macs", lambda c1, c2, h: 0, EXERCISES)
    states = check_states()
    assert states["cubic-schedule"].all_passed and not states["lenet5-macs"].all_passed
    assert "def cubic_schedule(amount" in states["cubic-schedule"].source
    assert states["lenet5-macs"].source is None  # a lambda has no source to hand in


def test_check_speaks_to_the_learner_without_the_course_paths(tmp_path):
    with pytest.raises(ValueError) as missing:
        check("magnitude-masks", lambda w, a: w, EXERCISES)
    assert "no exercise 'magnitude-masks'" in str(missing.value)
    assert "magnitude-mask" in str(missing.value).split("exercises are:")[1]
    folder = tmp_path / "magnitude-mask"
    folder.mkdir()
    (folder / "exercise.yaml").write_bytes(
        (EXERCISES / "magnitude-mask" / "exercise.yaml").read_bytes())  # no public_tests.py
    with pytest.raises(ValueError, match="incomplete in your copy of the course") as broken:
        check("magnitude-mask", lambda w, a: w, tmp_path)
    for error in (missing.value, broken.value):
        assert str(EXERCISES) not in str(error) and str(tmp_path) not in str(error)


def test_definitions_load_without_torch_for_the_grader():
    loaded, _ = heavy_imports("from pruneedu import exercises; from pruneedu.grading import grade; "
                              "[e.hidden_cases() for e in exercises.load_exercises().values()]")
    assert "torch" not in loaded and "ipywidgets" not in loaded


def test_load_exercise_explains_bad_definitions(tmp_path):
    with pytest.raises(ValueError, match="no exercise 'missing'"):
        load_exercise("missing", tmp_path)
    folder = tmp_path / "odd"
    folder.mkdir()
    spec = folder / "exercise.yaml"
    spec.write_text("id: other\ntitle: t\nfunction: f\npoints: 1\n")
    with pytest.raises(ValueError, match="make the id equal the folder name"):
        load_exercise(folder)
    for extra, message in (("array_type: jax\n", "array_type"), ("kind: quiz\n", "kind"),
                           ("lesson: 4\n", "lesson"), ("kind: capstone\n", "capstone"),
                           ("points: 5\n", "'points' appears twice")):
        spec.write_text("id: odd\ntitle: t\nfunction: f\npoints: 1\n" + extra)
        with pytest.raises(ValueError, match=message):
            load_exercise(folder)


def test_every_exercise_names_its_lesson_and_argument_names():
    for exercise in load_exercises(EXERCISES).values():
        assert exercise.lesson in (1, 2, 3)
        assert exercise.arguments, exercise.id


def test_values_are_shown_short_and_compared_in_words():
    assert show(np.arange(3, dtype=np.float32)) == "[0. 1. 2.]"
    assert show(np.zeros((50, 50))) == "a float64 array of shape (50, 50)"
    state = {"fc1.weight": np.zeros((300, 784), np.float32)}
    assert show(ModelSpec("lenet_300_100", state)).startswith("a LeNet-300-100 network")
    assert describe_input(("a",), (1, 2)) == "a = 1, argument 2 = 2"
    problem = expect_close(np.ones(100), np.full(100, 1.5), "scores")
    assert problem.expected == "scores[0] = 1.5" and "100 entries differ" in problem.got
    assert expect_close(np.ones(3), np.ones(3), "x") is None
    assert math.isclose(float(expect_close(np.ones(2), np.ones(3), "x") is not None), 1.0)


def test_the_report_text_lists_details_only_for_failures():
    exercise = load_exercise("cubic-schedule", EXERCISES)
    report = check("cubic-schedule", lambda amount, rounds, initial_amount=0.0: [amount] * rounds,
                   EXERCISES)
    text = format_report(report, exercise)
    assert text.count("input:") == report.total - report.passed
    assert json.dumps(text)  # plain text, no objects
