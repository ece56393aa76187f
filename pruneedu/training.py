"""Train, fine-tune and evaluate the course's MNIST models.

Pruned weights stay pruned. Two ways a model can be pruned, and why both are safe here:

* with masks from ``torch.nn.utils.prune`` still attached, the forward pre-hook multiplies
  ``weight_orig`` by ``weight_mask`` before every forward pass, so the masked weights are zero
  whatever the optimizer does to ``weight_orig``;
* after ``prune.remove`` (pruning made permanent) the zeros are plain numbers, and momentum or
  weight decay would move them. ``fit`` therefore freezes every parameter entry that is exactly
  zero when training starts (``keep_zeros=True``, the default): its gradient is masked before
  each optimizer step and it is set back to zero after it. Pass ``keep_zeros=False`` to watch
  pruned weights come back. A freshly initialised model has no exact zeros, so for it the
  flag changes nothing.

Taught in notebook 01-introduction (training, evaluation) and 03-challenges (fine-tuning
after pruning, precision and recall).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import torch
from torch import nn
from torch.utils.data import TensorDataset
from tqdm.auto import tqdm

from pruneedu.argcheck import check_int, check_number
from pruneedu.data import check_dataset
from pruneedu.models import check_model


@dataclass
class History:
    """What happened during training, one entry per epoch.

    Attributes:
        loss: mean cross-entropy on the training data during the epoch.
        train_accuracy: fraction of training images classified correctly during the epoch.
        val_accuracy: accuracy on ``val`` after the epoch (empty when no ``val`` was given).
    """

    loss: list[float] = field(default_factory=list)
    train_accuracy: list[float] = field(default_factory=list)
    val_accuracy: list[float] = field(default_factory=list)


@dataclass
class Evaluation:
    """How well a classifier does on a dataset.

    Attributes:
        accuracy: fraction of images classified correctly, 0..1.
        precision: macro precision, the mean of ``per_class_precision`` over the classes that
            occur in the labels or the predictions (as ``sklearn.metrics`` does).
        recall: macro recall, the mean of ``per_class_recall`` over the same classes.
        confusion: ``[10, 10]`` int array; ``confusion[t, p]`` counts images of class ``t``
            predicted as ``p`` (rows are the true classes).
        per_class_precision: of the images predicted as class ``c``, the fraction that are
            ``c`` (0.0 when nothing was predicted as ``c``).
        per_class_recall: of the images of class ``c``, the fraction predicted as ``c``
            (0.0 when the dataset holds no ``c``).
    """

    accuracy: float
    precision: float
    recall: float
    confusion: np.ndarray
    per_class_precision: np.ndarray
    per_class_recall: np.ndarray

    @classmethod
    def from_confusion(cls, confusion: np.ndarray) -> Evaluation:
        """Compute every score from a confusion matrix (rows = true class).

        Example:
            >>> import numpy as np
            >>> report = Evaluation.from_confusion(np.array([[3, 1], [0, 4]]))
            >>> report.accuracy, report.precision, report.recall
            (0.875, 0.9, 0.875)
        """
        confusion = np.asarray(confusion, dtype=np.int64)
        hits = np.diag(confusion).astype(float)
        predicted = confusion.sum(axis=0)
        actual = confusion.sum(axis=1)
        # Classes with no predictions (or no examples) score 0, not NaN, like sklearn's
        # zero_division=0; classes absent from both are left out of the averages.
        precision = np.divide(hits, predicted, out=np.zeros_like(hits), where=predicted > 0)
        recall = np.divide(hits, actual, out=np.zeros_like(hits), where=actual > 0)
        seen = (predicted + actual) > 0
        total = int(confusion.sum())
        return cls(
            accuracy=float(hits.sum() / total) if total else 0.0,
            precision=float(precision[seen].mean()) if seen.any() else 0.0,
            recall=float(recall[seen].mean()) if seen.any() else 0.0,
            confusion=confusion,
            per_class_precision=precision,
            per_class_recall=recall,
        )


def fit(
    net: nn.Module,
    dataset: TensorDataset,
    *,
    epochs: int = 10,
    lr: float = 0.05,
    batch_size: int = 64,
    momentum: float = 0.9,
    weight_decay: float = 0.0,
    seed: int = 0,
    progress: bool = True,
    val: TensorDataset | None = None,
    keep_zeros: bool = True,
) -> History:
    """Train ``net`` in place with SGD and momentum on cross-entropy.

    The same ``seed`` gives the same batches in the same order, so the same starting model
    ends with the same weights. Entries that are exactly zero at the start stay exactly zero
    unless ``keep_zeros=False`` (see the module docstring).

    Args:
        net: a classifier with 10 outputs, e.g. ``models.lenet_300_100()``.
        dataset: training data in the format ``data.check_dataset`` accepts.
        epochs: passes over ``dataset``.
        lr: learning rate.
        batch_size: images per optimizer step.
        momentum: SGD momentum.
        weight_decay: L2 penalty added by the optimizer.
        seed: seeds the shuffling (and any randomness in ``net``, e.g. dropout).
        progress: show a progress bar; ``False`` keeps output clean (tests, loops).
        val: if given, its accuracy is measured after each epoch.
        keep_zeros: keep weights that start at zero (pruned weights) at exactly zero.

    Returns:
        A ``History`` with one entry per epoch.

    Example:
        >>> from pruneedu import data, models, training
        >>> mnist = data.load_mnist()
        >>> net = models.lenet_300_100(seed=0)
        >>> history = training.fit(net, mnist.train, epochs=1, progress=False)
        >>> len(history.loss)
        1
    """
    check_model(net, "fit")
    check_int(epochs, "epochs", minimum=0, example="10")
    check_int(batch_size, "batch_size", minimum=1, example="64")
    check_int(seed, "seed", example="0")
    for label, value in (("lr", lr), ("momentum", momentum), ("weight_decay", weight_decay)):
        check_number(value, label, example="0.05")
    if not lr > 0 or not momentum >= 0 or not weight_decay >= 0:
        raise ValueError(
            f"Need lr > 0, momentum >= 0 and weight_decay >= 0, got lr={lr}, "
            f"momentum={momentum}, weight_decay={weight_decay}; pass values in those ranges."
        )
    images, labels = check_dataset(dataset)
    if val is not None:
        check_dataset(val)  # fail now, not after the first epoch
    trainable = [p for p in net.parameters() if p.requires_grad]
    if not trainable:
        raise ValueError(
            f"{type(net).__name__} has no trainable parameters (a quantize_int8() model has "
            "none); train or fine-tune the float model, then quantize it."
        )
    optimizer = torch.optim.SGD(trainable, lr=lr, momentum=momentum, weight_decay=weight_decay)
    frozen = _zero_masks(trainable) if keep_zeros else []
    shuffler = torch.Generator().manual_seed(seed)
    history = History()
    was_training = net.training
    bar = tqdm(range(epochs), desc="training", unit="epoch", disable=not progress)
    # A private RNG stream: the run is repeatable and the caller's global seed is untouched.
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        try:
            for _ in bar:
                order = torch.randperm(len(labels), generator=shuffler)
                loss, accuracy = _train_epoch(
                    net, images[order], labels[order], batch_size, optimizer, frozen
                )
                history.loss.append(loss)
                history.train_accuracy.append(accuracy)
                postfix = {"loss": f"{loss:.3f}"}
                if val is not None:
                    history.val_accuracy.append(evaluate(net, val).accuracy)
                    postfix["val_acc"] = f"{history.val_accuracy[-1]:.3f}"
                bar.set_postfix(postfix)
        finally:
            bar.close()
            net.train(was_training)
    return history


def fine_tune(
    net: nn.Module,
    dataset: TensorDataset,
    *,
    epochs: int = 2,
    lr: float = 0.005,
    progress: bool = False,
    **options: Any,
) -> History:
    """Retrain a pruned model briefly, keeping every pruned weight at exactly zero.

    ``fit`` with ``keep_zeros=True`` and the defaults of retraining after pruning: a few
    epochs at a tenth of the training learning rate (Han et al. 2015 retrain at 1/10 of the
    original rate). Works whether the masks are still attached or pruning was made permanent.
    ``options`` are the other keyword arguments of :func:`fit` (``batch_size``, ``momentum``,
    ``weight_decay``, ``seed``, ``val``), with the same defaults.

    Example:
        >>> import torch
        >>> from pruneedu import data, models, training
        >>> mnist = data.load_mnist()
        >>> net = models.pretrained("lenet-300-100")
        >>> with torch.no_grad():
        ...     net.fc1.weight[:, :392] = 0.0
        >>> _ = training.fine_tune(net, mnist.train, epochs=1)
        >>> bool((net.fc1.weight[:, :392] == 0).all())
        True
    """
    if "keep_zeros" in options:
        raise TypeError(
            "fine_tune() always keeps pruned weights at zero; call training.fit(..., "
            "keep_zeros=False) to watch them come back."
        )
    return fit(net, dataset, epochs=epochs, lr=lr, progress=progress, keep_zeros=True, **options)


def evaluate(net: nn.Module, dataset: TensorDataset, batch_size: int = 1024) -> Evaluation:
    """Accuracy, macro precision and recall, and the confusion matrix of ``net`` on ``dataset``.

    Runs without gradients in eval mode and puts ``net`` back in the mode it was in.

    Args:
        net: a classifier with 10 outputs.
        dataset: any dataset in the format ``data.check_dataset`` accepts, e.g. an external
            test set.
        batch_size: images per forward pass (only memory use depends on it).

    Example:
        >>> from pruneedu import data, models, training
        >>> report = training.evaluate(models.pretrained("lenet-300-100"), data.load_mnist().test)
        >>> report.accuracy > 0.9
        True
    """
    check_model(net, "evaluate")
    check_int(batch_size, "batch_size", minimum=1, example="1024")
    images, labels = check_dataset(dataset)
    device = _device(net)
    num_classes = 10
    confusion = torch.zeros(num_classes * num_classes, dtype=torch.int64)
    was_training = net.training
    net.eval()
    try:
        with torch.no_grad():
            for start in range(0, len(labels), batch_size):
                logits = net(images[start : start + batch_size].to(device))
                if logits.dim() != 2 or logits.shape[1] != num_classes:
                    raise ValueError(
                        f"evaluate() needs a classifier with {num_classes} outputs per image, "
                        f"but the model returned shape {list(logits.shape)}; give its last "
                        f"layer {num_classes} outputs, one per digit."
                    )
                predicted = logits.argmax(dim=1).cpu()
                truth = labels[start : start + batch_size]
                confusion += torch.bincount(
                    truth * num_classes + predicted, minlength=num_classes * num_classes
                )
    finally:
        net.train(was_training)
    return Evaluation.from_confusion(confusion.reshape(num_classes, num_classes).numpy())


def _train_epoch(
    net: nn.Module,
    images: torch.Tensor,
    labels: torch.Tensor,
    batch_size: int,
    optimizer: torch.optim.Optimizer,
    frozen: list[tuple[nn.Parameter, torch.Tensor]],
) -> tuple[float, float]:
    """One pass over already shuffled data; returns mean loss and accuracy during the pass."""
    net.train()
    device = _device(net)
    loss_sum, correct = 0.0, 0
    for start in range(0, len(labels), batch_size):
        x = images[start : start + batch_size].to(device)
        y = labels[start : start + batch_size].to(device)
        logits = net(x)
        loss = nn.functional.cross_entropy(logits, y)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        # Masking the gradient stops the step itself; re-zeroing afterwards also undoes what
        # weight decay or momentum in any optimizer would add to a frozen entry.
        for param, keep in frozen:
            if param.grad is not None:
                param.grad.mul_(keep)
        optimizer.step()
        with torch.no_grad():
            for param, keep in frozen:
                param.masked_fill_(~keep, 0.0)
        loss_sum += loss.item() * len(y)
        correct += int((logits.argmax(dim=1) == y).sum())
    return loss_sum / len(labels), correct / len(labels)


def _zero_masks(params: list[nn.Parameter]) -> list[tuple[nn.Parameter, torch.Tensor]]:
    """``(param, keep)`` for each parameter holding exact zeros; ``keep`` is False at them."""
    masks = []
    with torch.no_grad():
        for param in params:
            keep = param != 0
            if not bool(keep.all()):
                masks.append((param, keep))
    return masks


def _device(net: nn.Module) -> torch.device:
    """Where ``net`` keeps its parameters (CPU for a model without any)."""
    first = next(net.parameters(), None)
    return first.device if first is not None else torch.device("cpu")
