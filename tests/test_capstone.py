"""The capstone: the rubric, the learner's check, and the grader measuring model files in the
sandbox (real pruned LeNets, and files written to attack the parser)."""

import base64
import io
import struct

import numpy as np
import pytest
import torch
from redteam_support import require_bwrap

from pruneedu import data, models, pruning, training
from pruneedu.exercises import check, load_exercise
from pruneedu.exercises.capstone import (
    CapstoneSettings,
    accuracy_credit,
    capstone_path,
    capstone_score,
    size_credit,
)
from pruneedu.grading.capstone import encode_file, grade_capstone
from pruneedu.grading.capstone_probe import predict

SETTINGS = CapstoneSettings(max_bytes=16000, min_accuracy=0.935)


def test_the_rubric_gives_partial_credit_and_nothing_for_an_empty_model():
    assert size_credit(16000, SETTINGS) == 1.0 and size_credit(24000, SETTINGS) == 0.5
    assert size_credit(32000, SETTINGS) == 0.0 and size_credit(90000, SETTINGS) == 0.0
    assert accuracy_credit(0.99, SETTINGS) == 1.0
    assert accuracy_credit(0.91, SETTINGS) == pytest.approx(0.5)
    assert accuracy_credit(0.10, SETTINGS) == 0.0
    assert capstone_score(100, 0.11, SETTINGS, 10) == 0.0  # tiny but forgot the digits
    assert capstone_score(24000, 0.91, SETTINGS, 10) == pytest.approx(2.5)
    with pytest.raises(ValueError, match="unknown capstone settings"):
        CapstoneSettings.from_mapping({"max_bytes": 1, "min_accuracy": 0.5, "budget": 3})


def file_of(net, storage="sparse-int8") -> bytes:
    buffer = io.BytesIO()
    pruning.save_compressed(net, buffer, storage=storage)
    return buffer.getvalue()


def run_probe(content: bytes, images: np.ndarray) -> np.ndarray:
    """The probe as the sandbox runs it: tensors in, a tensor out."""
    return predict(torch.from_numpy(np.frombuffer(content, np.uint8).copy()),
                   torch.from_numpy(images)).numpy()


def test_the_probe_predicts_what_evaluate_measures_for_both_networks():
    mnist = data.load_mnist()
    images, labels = data.load_mnist_arrays().test
    small5 = pruning.prune_channels(models.pretrained("lenet-5"), amount=0.5)
    for net in (pruning.prune_weights(models.pretrained("lenet-300-100"), 0.9), small5):
        predictions = run_probe(file_of(net, "sparse"), images[:300])
        expected = training.evaluate(net, torch.utils.data.TensorDataset(
            mnist.test.tensors[0][:300], mnist.test.tensors[1][:300])).accuracy
        assert (predictions == labels[:300]).mean() == pytest.approx(expected)


def hostile_files() -> dict[str, bytes]:
    good = file_of(pruning.prune_weights(models.pretrained("lenet-300-100"), 0.98))
    huge_shape = b"PEDU" + struct.pack("<BH", 1, 1) + struct.pack("<B", 1) + b"w" \
        + struct.pack("<BB", 0, 4) + struct.pack("<4I", 2**32 - 1, 2**32 - 1, 2**32 - 1, 7)
    sparse_overrun = bytearray(file_of(models.lenet_300_100(seed=0), "sparse"))
    return {"not-a-model-file": b"#!/bin/sh\nrm -rf /\n", "truncated": good[: len(good) // 2],
            "huge-shape-header": huge_shape, "a-random-network": file_of(torch.nn.Sequential(
                torch.nn.Linear(784, 10))), "zeros": bytes(100),
            "damaged-encoding": bytes(sparse_overrun[:20]) + b"\xff" * 40}


@pytest.mark.parametrize("name", sorted(hostile_files()))
def test_the_probe_refuses_hostile_files_with_a_reason(name):
    images = data.load_mnist_arrays().test[0][:5]
    with pytest.raises(ValueError) as refused:
        run_probe(hostile_files()[name], images)
    assert len(str(refused.value)) < 300


def test_the_grader_scores_real_and_hostile_files_in_the_sandbox():
    require_bwrap()
    exercise = load_exercise("capstone")
    budget = exercise.settings["max_bytes"]
    mnist = data.load_mnist()
    net = pruning.prune_weights(models.pretrained("lenet-300-100"), 0.9)
    content = file_of(net)
    result = grade_capstone(exercise, encode_file(content))
    accuracy = training.evaluate(net, mnist.test).accuracy
    assert result.error == "" and result.isolation == "bwrap"
    assert f"{len(content):,} bytes" in result.public[0].reason
    assert f"{accuracy:.1%}" in result.public[1].reason and result.public[1].passed
    assert result.score == capstone_score(len(content), accuracy,
                                          CapstoneSettings.from_mapping(exercise.settings), 10)
    assert len(content) > budget and not result.public[0].passed
    for name in ("not-a-model-file", "huge-shape-header", "a-random-network"):
        bad = grade_capstone(exercise, encode_file(hostile_files()[name]))
        assert bad.score == 0.0 and "could not be used" in bad.error, (name, bad.error)
    assert "damaged base64" in grade_capstone(exercise, "not base64!").error


def test_the_learners_check_saves_the_file_and_measures_validation_accuracy(capsys):
    def capstone_model(mnist):
        return pruning.prune_weights(models.pretrained("lenet-300-100"), 0.98), "sparse-int8"

    report = check("capstone", capstone_model)
    out = capsys.readouterr().out
    assert report.path == capstone_path() and report.path.stat().st_size == report.size_bytes
    assert "file size:" in out and "within the budget" in out and "BELOW the floor" in out
    assert 0.5 < report.val_accuracy < 0.935 and report.estimate < report.max_score

    def stub(mnist):
        raise NotImplementedError

    assert not check("capstone", stub).written
    assert "still raises NotImplementedError" in capsys.readouterr().out
    assert not check("capstone", lambda mnist: (1, "sparse")).written
    assert "not a network" in capsys.readouterr().out
    assert base64.b64encode(report.path.read_bytes())  # the file stays for hand_in()
