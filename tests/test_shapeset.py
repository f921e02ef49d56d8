"""Tests of the Shapeset-3×2 generator (glorot.shapeset) against the rules of its module docstring.

Every test checks a property that a wrong generator would break: labels against the shapes
drawn (also by an independent numpy/matplotlib re-rasterisation), class frequencies against
theory, grey-level ranges, the 1-pixel margin, the overlap rule, the 50-rejection cap,
the construction of each shape (steps 3–5), determinism, prefix-consistency and validation.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from matplotlib.path import Path

from glorot import shapeset as S
from glorot.shapeset import (
    IMAGE_SIZE,
    INPUT_DIM,
    LABEL_NAMES,
    N_CLASSES,
    N_VERTICES,
    SHAPE_NAMES,
    ShapesetStream,
    class_probabilities,
    generate,
)

# Labels by name, independent of the module's lookup table.
_NAME_OF_COUNTS = {
    ("triangle",): "triangle",
    ("parallelogram",): "parallelogram",
    ("ellipse",): "ellipse",
    ("parallelogram", "triangle"): "triangle+parallelogram",
    ("ellipse", "parallelogram"): "parallelogram+ellipse",
    ("ellipse", "triangle"): "triangle+ellipse",
    ("triangle", "triangle"): "two triangles",
    ("parallelogram", "parallelogram"): "two parallelograms",
    ("ellipse", "ellipse"): "two ellipses",
}


def _expected_label(types_row) -> int:
    names = tuple(sorted(SHAPE_NAMES[t] for t in types_row if t >= 0))
    return LABEL_NAMES.index(_NAME_OF_COUNTS[names])


def _value(level: int) -> np.float32:
    """Pixel value of a grey level, computed here in float32 as (level/255)·2 − 1."""
    return (np.float32(level) / np.float32(255.0)) * np.float32(2.0) - np.float32(1.0)


@pytest.fixture(scope="module")
def batch():
    """A moderate batch with its info, on the CPU."""
    return generate(20_000, seed=11, return_info=True)


# --------------------------------------------------------------------------- API basics
def test_constants():
    assert LABEL_NAMES == (
        "triangle", "parallelogram", "ellipse", "triangle+parallelogram", "parallelogram+ellipse",
        "triangle+ellipse", "two triangles", "two parallelograms", "two ellipses",
    )
    assert SHAPE_NAMES == ("triangle", "parallelogram", "ellipse")
    assert N_VERTICES == (3, 4, 20)
    assert (IMAGE_SIZE, INPUT_DIM, N_CLASSES) == (32, 1024, 9)


def test_output_shape_dtype_range(batch):
    x, y, info = batch
    assert x.shape == (20_000, INPUT_DIM) and x.dtype == torch.float32
    assert y.shape == (20_000,) and y.dtype == torch.int64
    assert x.min() >= -1.0 and x.max() <= 1.0
    assert y.min() >= 0 and y.max() <= 8
    assert torch.isfinite(x).all()
    # both extremes of the grey scale occur (levels 0 and 255 exist in the ranges)
    assert (x == -1.0).any() and (x == 1.0).any()


# --------------------------------------------------------------------------- labels
def test_labels_match_drawn_types(batch):
    _, y, info = batch
    types = info["types"].numpy()
    expected = np.array([_expected_label(row) for row in types])
    assert np.array_equal(y.numpy(), expected)
    # info is coherent with itself
    assert torch.equal(info["n_objects"], (info["types"] >= 0).sum(1))
    assert (info["types"][:, 0] >= 0).all()
    assert torch.equal(info["labels"], y)
    assert ((info["n_requested"] == 1) | (info["n_requested"] == 2)).all()
    assert (info["n_objects"] <= info["n_requested"]).all()
    drawn2 = info["n_objects"] == 2
    assert torch.equal(info["types"][drawn2], info["requested_types"][drawn2])


def _pixel_centres():
    c = np.arange(IMAGE_SIZE) + 0.5
    xx, yy = np.meshgrid(c, c)  # row-major: row = y
    return np.stack([xx.ravel(), yy.ravel()], axis=1)


def _dist_to_boundary(points, poly):
    """Distance from each point to the closed polygon's boundary (numpy, float64)."""
    a = poly
    b = np.roll(poly, -1, axis=0)
    ab = b - a
    ap = points[:, None, :] - a[None]
    t = np.clip((ap * ab).sum(-1) / np.maximum((ab * ab).sum(-1), 1e-300), 0, 1)
    proj = a[None] + t[..., None] * ab[None]
    return np.sqrt(((points[:, None, :] - proj) ** 2).sum(-1)).min(1)


def test_independent_rerasterisation(batch):
    """Re-draw 400 images from their returned polygons with matplotlib's point-in-polygon on the
    pixel centres (background, then object 1, then object 2 on top) and compare pixel by pixel:
    every pixel where an object is visible must carry that object's grey level, every other
    pixel the background's. A mismatch is allowed only for a pixel centre within 1e-4 px of an
    edge (float rounding), and at most 5 in all."""
    x, y, info = batch
    pts = _pixel_centres()
    mismatched = 0
    for i in range(400):
        expected = np.full(INPUT_DIM, _value(int(info["background"][i])), dtype=np.float32)
        polys = []
        for j in range(2):
            t = int(info["types"][i, j])
            if t < 0:
                assert torch.isnan(info["vertices"][i, j]).all()
                continue
            nv = int(info["n_vertices"][i, j])
            assert nv == N_VERTICES[t]
            poly = info["vertices"][i, j, :nv].numpy()
            # padding repeats the first vertex
            assert np.array_equal(info["vertices"][i, j, nv:].numpy(), np.repeat(poly[:1], 20 - nv, axis=0))
            inside = Path(poly).contains_points(pts)
            assert inside.sum() >= 1, "every drawn object covers at least one pixel"
            expected[inside] = _value(int(info["levels"][i, j]))
            polys.append(poly)
        got = x[i].numpy()
        bad = np.nonzero(got != expected)[0]
        if bad.size:
            d = np.min([_dist_to_boundary(pts[bad], p) for p in polys], axis=0)
            assert (d < 1e-4).all(), f"image {i}: pixels {bad} differ away from any edge"
            mismatched += bad.size
    assert mismatched <= 5


# --------------------------------------------------------------------------- class frequencies
def test_class_probabilities_theory():
    p = class_probabilities()
    assert p.dtype == torch.float64 and p.shape == (9,)
    assert torch.allclose(p, torch.tensor([1 / 6] * 3 + [1 / 9] * 3 + [1 / 18] * 3, dtype=torch.float64))
    assert math.isclose(p.sum().item(), 1.0)
    pr = class_probabilities(include_rejections=True)
    assert math.isclose(pr.sum().item(), 1.0, rel_tol=0, abs_tol=1e-12)
    assert (pr[:3] >= p[:3]).all() and (pr[3:] <= p[3:]).all()  # mass moves to singles
    assert (pr - p).abs().max() < 1e-4  # give-ups are rare


@pytest.mark.slow
def test_class_frequencies_on_100k_images():
    """Counts of 100,000 images (5 × 20,000, different seeds) agree with theory: each class
    within 4 standard deviations and a chi-square (8 d.o.f.) below 40 (p ≈ 2e-6). The share of
    given-up second objects, read from return_info, is small, and each give-up is a single."""
    counts = torch.zeros(9, dtype=torch.float64)
    n_two = n_gave_up = 0
    for seed in range(100, 105):
        _, y, info = generate(20_000, seed=seed, return_info=True)
        counts += torch.bincount(y, minlength=9).double()
        two = info["n_requested"] == 2
        n_two += int(two.sum())
        gave = info["gave_up"]
        n_gave_up += int(gave.sum())
        assert (info["n_objects"][gave] == 1).all()
        assert (y[gave] == info["requested_types"][gave, 0]).all()  # labelled as the single first shape
        assert (info["rejections"][gave] == S.MAX_REJECTIONS).all()
        assert (info["rejections"][~gave] < S.MAX_REJECTIONS).all()
    n = counts.sum().item()
    assert n == 100_000
    assert abs(n_two / n - 0.5) < 4 * math.sqrt(0.25 / n)
    share = n_gave_up / n_two
    assert share < 1e-3
    p = class_probabilities(include_rejections=True)
    sigma = torch.sqrt(n * p * (1 - p))
    z = (counts - n * p) / sigma
    assert (z.abs() < 4).all(), z
    chi2 = (((counts - n * p) ** 2) / (n * p)).sum().item()
    assert chi2 < 40, chi2


# --------------------------------------------------------------------------- colours
def test_grey_levels_in_their_ranges(batch):
    x, _, info = batch
    bg = info["background"]
    lev = info["levels"]
    light = info["light_background"]
    d_lo, d_hi = S.DARK_LEVELS
    l_lo, l_hi = S.LIGHT_LEVELS
    assert (d_lo, d_hi, l_lo, l_hi) == (0, 114, 140, 255)
    assert ((bg >= l_lo) & (bg <= l_hi))[light].all()
    assert ((bg >= d_lo) & (bg <= d_hi))[~light].all()
    present = info["types"] >= 0
    assert (lev[~present] == -1).all()
    obj_light = (lev >= l_lo) & (lev <= l_hi)
    obj_dark = (lev >= d_lo) & (lev <= d_hi)
    assert (obj_dark | ~present)[light].all()
    assert (obj_light | ~present)[~light].all()
    # about half light backgrounds; the extremes of every range occur
    assert abs(light.double().mean().item() - 0.5) < 4 * math.sqrt(0.25 / len(light))
    for v in (d_lo, d_hi, l_lo, l_hi):
        assert (bg == v).any() and (lev == v).any()
    # every pixel holds the background's or one object's value
    vals = np.stack([_value_arr(bg.numpy())] + [_value_arr(lev[:, j].numpy()) for j in range(2)], 1)
    xn = x.numpy()
    ok = (xn == vals[:, :1]) | (xn == vals[:, 1:2]) | (xn == vals[:, 2:3])
    assert ok.all()


def _value_arr(levels):
    return (levels.astype(np.float32) / np.float32(255.0)) * np.float32(2.0) - np.float32(1.0)


# --------------------------------------------------------------------------- geometry
def test_one_pixel_margin(batch):
    x, _, info = batch
    img = x.view(-1, IMAGE_SIZE, IMAGE_SIZE)
    bgv = torch.from_numpy(_value_arr(info["background"].numpy()))[:, None]
    # objects never share the background's level (disjoint ranges), so border == background
    for border in (img[:, 0, :], img[:, -1, :], img[:, :, 0], img[:, :, -1]):
        assert (border == bgv).all()
    v = info["vertices"]
    present = info["types"] >= 0
    vp = v[present]
    assert (vp >= 1.0 - 1e-9).all() and (vp <= IMAGE_SIZE - 1.0 + 1e-9).all()
    # the translation is uniform over the whole allowed range: some shapes come within 0.05 px
    assert (vp.amin(dim=(1, 2)) < 1.05).any() and (vp.amax(dim=(1, 2)) > 30.95).any()


def test_shape_construction(batch):
    """Steps 3–5: undoing the final rotation and the axis scales brings every vertex back onto
    the circle of radius 0.5; after undoing the final rotation only, the base edge (vertex n−1 to
    vertex 0) is horizontal and at the bottom; parallelograms have parallel opposite sides;
    parameters lie in their ranges."""
    _, _, info = batch
    present = info["types"] >= 0
    t = info["types"][present]
    v = info["vertices"][present] - info["centres"][present][:, None, :]
    s = info["scales"][present]
    th = info["theta1"][present]
    k = info["rotation_index"][present].double()
    assert ((s >= 0.2 * 32 - 1e-9) & (s <= 0.8 * 32 + 1e-9)).all()
    assert (s[:, 0] >= s[:, 1]).all()
    assert ((k >= 0) & (k <= 253)).all()
    assert (k == 253).any() and (k == 0).any()
    # θ1 on the 2π/255 grid, inside the original's sector for each type
    step = th * 255 / (2 * math.pi)
    assert torch.allclose(step, step.round(), atol=1e-6)
    bounds = {0: (-41, 42), 1: (-31, 31), 2: (-5, 6)}
    for typ, (lo, hi) in bounds.items():
        st_ = step[t == typ].round()
        assert st_.min() == lo and st_.max() == hi
    # undo the final rotation
    a = -2 * math.pi * k / 255
    c, sn = torch.cos(a)[:, None], torch.sin(a)[:, None]
    w = torch.stack([v[..., 0] * c - v[..., 1] * sn, v[..., 0] * sn + v[..., 1] * c], -1)
    for typ, n in enumerate(N_VERTICES):
        sel = t == typ
        ws = w[sel, :n]
        assert torch.allclose(ws[:, 0, 1], ws[:, n - 1, 1], atol=1e-9), "base edge horizontal"
        assert (ws[:, :, 1] <= ws[:, :1, 1] + 1e-9).all(), "base edge at the bottom (y down)"
        # undo the back-rotation, then the scales: radius 0.5
        ss, tt = s[sel], th[sel]
        b = torch.atan(ss[:, 1] / ss[:, 0] * torch.tan(tt))[:, None]
        c2, s2 = torch.cos(b), torch.sin(b)
        z = torch.stack([ws[..., 0] * c2 - ws[..., 1] * s2, ws[..., 0] * s2 + ws[..., 1] * c2], -1)
        z = z / ss[:, None, :]
        assert torch.allclose(z.norm(dim=-1), torch.full_like(z[..., 0], 0.5), atol=1e-9)
    par = v[t == 1][:, :4]
    assert torch.allclose(par[:, 1] - par[:, 0], par[:, 2] - par[:, 3], atol=1e-9)


def _overlap_score_np(vo, co, ao, vn, cn, an):
    """Step 7 (overlap), recomputed in numpy (float64) for one pair."""
    diff = cn - co
    d = math.hypot(*diff)
    u = diff / d
    p = ((vo - co) @ u).max() + ((vn - cn) @ (-u)).max()
    if p < d:
        return 0.0
    frac = 1 - math.exp(-(p - d) * math.log(2) / d)
    return an * frac / ao


def _area_np(t, s):
    n = N_VERTICES[t]
    return s[0] * s[1] * n * math.sin(2 * math.pi / n) / (2 * math.pi)


def test_overlap_rule_holds_for_accepted_objects(batch):
    _, _, info = batch
    idx = torch.nonzero(info["n_objects"] == 2).squeeze(1).numpy()
    assert idx.size > 8000
    scores = []
    for i in idx:
        t = info["types"][i].numpy()
        s = info["scales"][i].numpy()
        ao, an = _area_np(t[0], s[0]), _area_np(t[1], s[1])
        assert math.isclose(ao, info["areas"][i, 0].item(), rel_tol=1e-12)
        vo = info["vertices"][i, 0, : N_VERTICES[t[0]]].numpy()
        vn = info["vertices"][i, 1, : N_VERTICES[t[1]]].numpy()
        co, cn = info["centres"][i].numpy()
        scores.append(_overlap_score_np(vo, co, ao, vn, cn, an))
    scores = np.array(scores)
    assert (scores <= 0.5 + 1e-9).all()
    # the rule is exercised: overlapping pairs exist and some come close to the limit
    assert (scores > 0).mean() > 0.2 and scores.max() > 0.45
    # and rejections happened (about one per two-object image on average)
    rej = info["rejections"][info["n_requested"] == 2].double().mean().item()
    assert 0.5 < rej < 2.0


def test_rejection_cap_forced():
    """With an overlap limit below 0 every second candidate is rejected: after the cap the
    object is given up, the image holds one object and is labelled as that single shape."""
    for cap in (50, 3):
        x, y, info = S._generate(500, seed=5, overlap_max=-1.0, max_rejections=cap, return_info=True)
        two = info["n_requested"] == 2
        assert two.sum() > 150
        assert (info["gave_up"] == two).all()
        assert (info["rejections"][two] == cap).all() and (info["rejections"][~two] == 0).all()
        assert (info["n_objects"] == 1).all()
        assert (info["types"][:, 1] == -1).all()
        assert (y == info["types"][:, 0]).all() and (y <= 2).all()
        vals = torch.stack([S.grey_to_value(info["background"]), S.grey_to_value(info["levels"][:, 0])], 1)
        assert ((x == vals[:, :1]) | (x == vals[:, 1:])).all()  # only one object's level appears
    # the same images' first objects and colours do not depend on the cap
    x1, _, i1 = S._generate(200, seed=5, overlap_max=-1.0, max_rejections=3, return_info=True)
    x2, _, i2 = S._generate(200, seed=5, return_info=True)
    single = i2["n_requested"] == 1
    assert torch.equal(x1[single], x2[single])
    assert torch.equal(i1["vertices"][:, 0], i2["vertices"][:, 0])


def test_no_rejection_when_limit_is_huge():
    _, _, info = S._generate(2000, seed=6, overlap_max=1e9, return_info=True)
    assert (info["rejections"] == 0).all()
    assert torch.equal(info["n_objects"], info["n_requested"])


# --------------------------------------------------------------------------- determinism
def test_determinism_and_seeds():
    a = generate(300, seed=3, return_info=True)
    b = generate(300, seed=3, return_info=True)
    assert torch.equal(a[0], b[0]) and torch.equal(a[1], b[1])
    for k in a[2]:
        va, vb = a[2][k], b[2][k]
        if va.is_floating_point():
            assert torch.equal(torch.isnan(va), torch.isnan(vb)), k
            va, vb = torch.nan_to_num(va, nan=-7.0), torch.nan_to_num(vb, nan=-7.0)
        assert torch.equal(va, vb), k
    c = generate(300, seed=4)
    assert not torch.equal(a[0], c[0])
    assert (a[1] != c[1]).float().mean() > 0.5


def test_prefix_consistency_cpu():
    xn, yn = generate(1000, seed=8)
    xm, ym = generate(333, seed=8)
    assert torch.equal(xn[:333], xm) and torch.equal(yn[:333], ym)


def test_empty_batch():
    x, y, info = generate(0, seed=1, return_info=True)
    assert x.shape == (0, INPUT_DIM) and y.shape == (0,)
    assert info["vertices"].shape == (0, 2, 20, 2)


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(min_value=0, max_value=2**63 - 1), n=st.integers(min_value=0, max_value=41))
def test_properties(seed, n):
    """Any seed and batch size: shapes, dtype, range, labels in 0..8 and coherent with the types
    drawn, determinism, and prefix-consistency on the CPU (generate(m) = generate(n)[:m])."""
    x, y, info = generate(n, seed=seed, return_info=True)
    assert x.shape == (n, INPUT_DIM) and x.dtype == torch.float32
    assert y.shape == (n,) and y.dtype == torch.int64
    if n:
        assert -1.0 <= x.min().item() and x.max().item() <= 1.0
        assert 0 <= y.min().item() and y.max().item() <= 8
    assert [_expected_label(r) for r in info["types"].tolist()] == y.tolist()
    x2, y2 = generate(n, seed=seed)
    assert torch.equal(x, x2) and torch.equal(y, y2)
    m = n // 2
    x3, y3 = generate(m, seed=seed)
    assert torch.equal(x[:m], x3) and torch.equal(y[:m], y3)


# --------------------------------------------------------------------------- validation
@pytest.mark.parametrize("n", [-1, 1.5, "3", None, True])
def test_invalid_n(n):
    with pytest.raises(ValueError):
        generate(n)


@pytest.mark.parametrize("device", ["nonsense", 3, "cuda:0" if not torch.cuda.is_available() else "nonsense"])
def test_invalid_device(device):
    with pytest.raises(ValueError):
        generate(2, device=device)


@pytest.mark.parametrize("seed", ["a", 1.0, 2**64])
def test_invalid_seed(seed):
    with pytest.raises(ValueError):
        generate(2, seed=seed)


def test_numpy_int_accepted():
    x, y = generate(np.int64(3), seed=np.int32(2))
    assert x.shape == (3, INPUT_DIM)


# --------------------------------------------------------------------------- stream
def test_stream_deterministic_and_batch_size_independent():
    a = ShapesetStream(seed=9, chunk=7)
    b = ShapesetStream(seed=9, chunk=7)
    xa = [a.next_batch(k) for k in (3, 10, 0, 1, 6)]
    xb = b.next_batch(20)
    assert torch.equal(torch.cat([p[0] for p in xa]), xb[0])
    assert torch.equal(torch.cat([p[1] for p in xa]), xb[1])
    assert a.examples_served == 20
    # chunks are generate() calls with derived seeds
    x0, y0 = generate(7, seed=S._chunk_seed(9, 0))
    x1, y1 = generate(7, seed=S._chunk_seed(9, 1))
    assert torch.equal(xb[0][:14], torch.cat([x0, x1])) and torch.equal(xb[1][:14], torch.cat([y0, y1]))
    c = ShapesetStream(seed=10, chunk=7)
    assert not torch.equal(c.next_batch(20)[0], xb[0])
    assert len({S._chunk_seed(9, i) for i in range(1000)}) == 1000


def test_stream_batches_have_right_shape():
    s = ShapesetStream(seed=1, chunk=100)
    for _ in range(25):
        x, y = s.next_batch(10)
        assert x.shape == (10, INPUT_DIM) and y.shape == (10,)
        assert x.dtype == torch.float32 and y.dtype == torch.int64
    with pytest.raises(ValueError):
        s.next_batch(-1)
    with pytest.raises(ValueError):
        ShapesetStream(seed=1, chunk=0)


# --------------------------------------------------------------------------- CUDA
@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA")
def test_cuda_generation():
    x, y, info = generate(5000, seed=2, device="cuda", return_info=True)
    assert x.device.type == "cuda" and y.device.type == "cuda"
    x2, y2 = generate(5000, seed=2, device="cuda")
    assert torch.equal(x, x2) and torch.equal(y, y2)
    assert [_expected_label(r) for r in info["types"].cpu().tolist()] == y.cpu().tolist()
    img = x.view(-1, IMAGE_SIZE, IMAGE_SIZE)
    bgv = S.grey_to_value(info["background"])[:, None]
    assert (img[:, 0, :] == bgv).all() and (img[:, :, -1] == bgv).all()
    freq = torch.bincount(y, minlength=9).double().cpu() / 5000
    p = class_probabilities()
    assert ((freq - p).abs() < 4 * torch.sqrt(p * (1 - p) / 5000)).all()


# --------------------------------------------------------------------------- other image sizes (Fig. 1 at 64×64)
def test_64_pixel_images_are_the_same_scenes_drawn_with_more_pixels():
    """Fig. 1's 64×64 images come from the generator itself: for the same seed the scenes'
    types, grey levels and rotations are those of the 32×32 images, the vertices lie within
    the 1-pixel margin of the 64-pixel side, every pixel is the background's or an object's
    level, and each pixel carries the level of the last object whose polygon holds its centre
    (matplotlib's point-in-polygon, independent of the scanline fill)."""
    x32, y32, i32 = generate(100, seed=5, return_info=True)
    x64, y64, i64 = generate(100, seed=5, return_info=True, image_size=64)
    assert x64.shape == (100, 64 * 64) and x64.dtype == torch.float32
    same = i32["rejections"] == i64["rejections"]
    assert same.float().mean() > 0.9
    for key in ("requested_types", "levels", "rotation_index", "background"):
        assert torch.equal(i32[key][same], i64[key][same]), key
    assert torch.equal(y32[same], y64[same])
    vp = i64["vertices"][i64["types"] >= 0]
    assert (vp >= 1.0 - 1e-9).all() and (vp <= 63.0 + 1e-9).all()
    c = np.arange(64) + 0.5
    pts = np.stack(np.meshgrid(c, c), -1).reshape(-1, 2)  # (x = column, y = row), row by row
    mismatched = 0
    for i in range(30):
        expected = np.full(64 * 64, _value(int(i64["background"][i])), dtype=np.float32)
        for j in range(2):
            t = int(i64["types"][i, j])
            if t >= 0:
                poly = i64["vertices"][i, j, : int(i64["n_vertices"][i, j])].numpy()
                expected[Path(poly).contains_points(pts)] = _value(int(i64["levels"][i, j]))
        mismatched += int((x64[i].numpy() != expected).sum())
    assert mismatched <= 5


@pytest.mark.parametrize("size", [0, 7, 513, 64.0, True, "64", None])
def test_invalid_image_size_names_the_parameter_and_range(size):
    with pytest.raises(ValueError, match="image_size must be an int from 8 to 512"):
        generate(2, image_size=size)
