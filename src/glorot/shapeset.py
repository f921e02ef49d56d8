r"""Shapeset-3×2: the paper's online, infinite synthetic dataset (paper §2, Fig. 1).

A vectorised PyTorch re-implementation of the LISA-lab generator (glorotxa/Shapeset, Python 2 +
pygame) with the parameters of "Shapeset-3*2". Each image is a 32×32 grey picture holding one
or two filled objects — triangle, parallelogram or ellipse (a 20-vertex polygon) — with random
shape, scale, rotation, position and grey level; the label names the objects present (9
classes, :data:`LABEL_NAMES`), not their order.

The rules, step by step (the functions below cite these numbers)
---------------------------------------------------------------
1. **Colours** (:func:`_colours`). With probability ½ the background is light and the objects
   dark, otherwise the reverse. The light range of grey is [0.55, 1], the dark [0, 0.45]; the
   background and each object get one integer grey level, uniform over ⌊255·lo⌋ … ⌊255·hi⌋ of
   their range.
2. **Objects** (:func:`_initial_objects`). One or two, with equal probability; each of the
   three shape types with equal probability.
3. **Base polygon** (:data:`_BASE`). ``n`` points (3, 4 or 20) evenly spaced on a circle of
   radius ½, turned so that one edge lies horizontal at the bottom.
4. **Irregular shape** (:func:`_sector_angle`, :func:`_scales`, :func:`_offsets`). Turn the
   base by a random angle inside one symmetry sector (about 2π/n wide, around zero); stretch
   the two axes by scales ``s0 ≥ s1``, each uniform in [0.2, 0.8] of the image side; then turn
   back by ``−atan(s1/s0 · tan θ1)`` so the base edge is horizontal again. This is what makes a
   square a general parallelogram and a circle an ellipse.
5. **Orientation** (:func:`_offsets`). A last rotation by 2π·k/255, ``k`` uniform in 0 … 253.
6. **Position** (:func:`_translate`). A translation uniform over the range that keeps the
   shape's bounding box, grown by one pixel, inside the image.
7. **Overlap** (:func:`_overlap_score`, the loop in :func:`_draw_scene`; second object only).
   With ``d`` the distance between the two translation points and ``p`` the sum of how far each
   shape reaches toward the other (the largest projection of its vertices on the line between
   them), a pair with ``p ≥ d`` may overlap by an estimated fraction ``1 − exp(−(p − d) ln 2 /
   d)`` of the new shape; the new shape is rejected when its area times that fraction exceeds
   half the old shape's area (areas ``s0·s1·n·sin(2π/n)/(2π)``). A rejected shape gets a new
   scale and position (same type and rotation); after 50 rejections the image keeps one object
   and its label says so.
8. **Drawing** (:func:`_rasterise`). The background, then each object in order as a filled
   polygon, without anti-aliasing; a later object covers an earlier one.
9. **Output** (:func:`_generate`). Grey level / 255, mapped to [−1, 1], flattened row by row
   to 1024 values.

**Labels** (:func:`labels_from_types`): the object types present, unordered, as one of 9
classes (three singles, three mixed pairs, three same-type pairs). The classes are not
balanced: a single shape has probability about 1/6, a mixed pair 1/9, a same-type pair 1/18
(rejections move a little mass to the singles), so answering the most frequent class always
errs about 83% of the time (:func:`class_probabilities`).

Everything runs on whole batches (CPU or CUDA): there is no Python loop over images, only a loop
over the 3 shape types when drawing, over the 2 object slots when painting, and over at most
50 rejection rounds that act on the still-rejected subset. All randomness comes from one
``torch.Generator`` on the target device, seeded with ``seed``.

Where this generator differs from the original
----------------------------------------------
None of these changes the distribution of the task (the shapes, their parameters, the classes
and their frequencies); they are listed so that the book can state them.

* **Edge pixels.** A pixel (row ``r``, column ``c``) belongs to an object iff its *centre*
  ``(c + ½, r + ½)`` lies in the closed polygon with the exact, real-valued vertices
  (a scanline fill: per row, the polygon's x-interval, compared with the 32 column centres).
  pygame's ``draw.polygon`` converts the vertices to integer pixel coordinates, fills the
  integer lattice points (pixel corners) inside, and also draws the outline, so its objects are
  slightly "fatter" — about half a pixel along every edge — and their vertices snap to the
  integer grid. Ours cover, on average, exactly the polygon's area. No anti-aliasing in either.
* **Random-number order.** The original draws from one ``numpy.random.RandomState`` image
  after image (colour, count, background, then per object type, rotations, scales, position,
  rejected redraws, grey level). We draw, per image, one row of 215 uniforms laid out as a fixed
  table (see :data:`_N_UNIFORMS`): colour, background, count, then per object slot type, grey
  level, rotations, scales, position, then 49 blocks of 4 for the redraws after each rejection.
  A seed therefore gives other images than the original's seed, from the same distribution.
* **Array layout.** pygame's ``surfarray`` is indexed ``[x, y]``, so the original flattened
  each image column by column (a transpose). We flatten row by row (row = y, pointing down).
  A transpose is a reflection of the picture: the shape classes are unchanged.
* **Overlap test.** The original stored translation points in an ``int32`` array, so its overlap
  test used the first object's centre truncated to integers. We use the exact centres
  (step 7 above).
* **Give-up bookkeeping.** After the 50th rejection the original still draws (and discards) one
  more candidate before giving up; we give up at once. The outcome is the same.

The rotation inside the symmetry sector (step 4) keeps the original's discrete rule: an index
uniform in ``0 … ⌊255/n⌋ − 1``, the upper half mapped to negative steps, angle = 2π·step/255
(steps −41…42 for triangles, with −1 drawn twice as often, as in the original; −31…31 for
parallelograms; −5…6 for ellipses).

Reproducibility
---------------
Same ``seed``, same ``n`` and same device give bit-identical images, labels and info.
On the CPU the generator is also *prefix-consistent*: image ``i`` uses only row ``i`` of the
random table, and torch fills that table sequentially, so ``generate(m, seed)`` equals the first
``m`` images of ``generate(n, seed)`` for ``m ≤ n`` (up to last-bit differences of vectorised
transcendental functions, which could flip a pixel whose centre lies within ~1e-6 px of an edge;
not observed in the tests). On CUDA the Philox stream depends on the tensor size, so only
self-consistency holds there. CPU and CUDA give different images for the same seed.
"""

from __future__ import annotations

import math
import operator
import torch

__all__ = [
    "LABEL_NAMES",
    "SHAPE_NAMES",
    "N_VERTICES",
    "IMAGE_SIZE",
    "INPUT_DIM",
    "N_CLASSES",
    "generate",
    "labels_from_types",
    "class_probabilities",
    "ShapesetStream",
]

# --------------------------------------------------------------------------- constants
LABEL_NAMES: tuple[str, ...] = (
    "triangle",
    "parallelogram",
    "ellipse",
    "triangle+parallelogram",
    "parallelogram+ellipse",
    "triangle+ellipse",
    "two triangles",
    "two parallelograms",
    "two ellipses",
)
SHAPE_NAMES: tuple[str, ...] = ("triangle", "parallelogram", "ellipse")
N_VERTICES: tuple[int, ...] = (3, 4, 20)
IMAGE_SIZE = 32
INPUT_DIM = IMAGE_SIZE * IMAGE_SIZE
N_CLASSES = len(LABEL_NAMES)

MAX_OBJECTS = 2
MAX_VERTICES = max(N_VERTICES)
SCALE_RANGE = (0.2, 0.8)  # of the image side, per axis
ROTATION_RESOLUTION = 255  # rotations are 2π·k/255
N_FINAL_ROTATIONS = 254  # k uniform in 0..253 (the original's randint(0, 254))
MARGIN = 1.0  # pixels between the bounding box and the image border
DARK_RANGE = (0.0, 0.45)
LIGHT_RANGE = (0.55, 1.0)
OVERLAP_MAX = 0.5
MAX_REJECTIONS = 50


def _level_range(rng: tuple[float, float]) -> tuple[int, int]:
    """Integer grey levels [⌊255·lo⌋, ⌊255·hi⌋] of a colour range (step 1 of the module docstring)."""
    return int(math.floor(255 * rng[0])), int(math.floor(255 * rng[1]))


DARK_LEVELS = _level_range(DARK_RANGE)  # (0, 114)
LIGHT_LEVELS = _level_range(LIGHT_RANGE)  # (140, 255)

# Pair of types (unordered) -> class; a single type t -> class t.
_PAIR_LABEL = ((6, 3, 5), (3, 7, 4), (5, 4, 8))

# Columns of the per-image table of uniforms (see "Random-number order" above).
_COL_COLOUR, _COL_BACKGROUND, _COL_COUNT = 0, 1, 2
_SLOT_BASE = 3  # per slot j: _SLOT_BASE + 8*j + (type, level, theta1, k, s_a, s_b, t_x, t_y)
_PER_SLOT = 8
_REDRAW_BASE = _SLOT_BASE + MAX_OBJECTS * _PER_SLOT  # 19: redraw block r at 19 + 4r
_N_UNIFORMS = _REDRAW_BASE + 4 * (MAX_REJECTIONS - 1)  # 215


def _base_polygons() -> torch.Tensor:
    """Base shapes, step 3 of the module docstring: n points equally spaced on a circle of radius 0.5 at
    angles 2π(t/n + 1/(2n) + 1/4), t = 0..n−1, so that one edge is horizontal at the bottom
    (y points down the image). Returned as float64 [3, 20, 2]; a shape with fewer than 20
    vertices is padded by repeating its first vertex (harmless for extents and projections)."""
    out = torch.empty(len(N_VERTICES), MAX_VERTICES, 2, dtype=torch.float64)
    for s, n in enumerate(N_VERTICES):
        t = torch.arange(MAX_VERTICES, dtype=torch.float64)
        t = torch.where(t < n, t, torch.zeros_like(t))
        a = 2 * math.pi * (t / n + 1.0 / (2 * n) + 0.25)
        out[s, :, 0] = 0.5 * torch.cos(a)
        out[s, :, 1] = 0.5 * torch.sin(a)
    return out


_BASE = _base_polygons()
# Area factor of step 7: area = s0·s1·n·sin(2π/n)/(2π).
_AREA_RATIO = torch.tensor([n * math.sin(2 * math.pi / n) / (2 * math.pi) for n in N_VERTICES], dtype=torch.float64)
# Step 4's sector rule, per type: number of indices, last non-negative index, offset for the rest.
_SECTOR = torch.tensor(
    [
        [ROTATION_RESOLUTION // n, (ROTATION_RESOLUTION - 1) // (2 * n), ROTATION_RESOLUTION - (ROTATION_RESOLUTION - 1) // n]
        for n in N_VERTICES
    ],
    dtype=torch.float64,
)


# --------------------------------------------------------------------------- validation
def _check_n(n) -> int:
    if isinstance(n, bool):
        raise ValueError(f"n must be a non-negative int, got {n!r}")
    try:
        n = operator.index(n)
    except TypeError:
        raise ValueError(f"n must be a non-negative int, got {n!r}") from None
    if n < 0:
        raise ValueError(f"n must be a non-negative int, got {n}")
    return n


def _check_image_size(size) -> int:
    if isinstance(size, bool) or not isinstance(size, int):
        raise ValueError(f"image_size must be an int from 8 to 512 pixels, got {size!r}")
    if not 8 <= size <= 512:
        raise ValueError(f"image_size must be an int from 8 to 512 pixels, got {size}")
    return size


def _check_seed(seed) -> int:
    if isinstance(seed, bool):
        raise ValueError(f"seed must be an int, got {seed!r}")
    try:
        seed = operator.index(seed)
    except TypeError:
        raise ValueError(f"seed must be an int, got {seed!r}") from None
    if not -(2**63) <= seed < 2**64:
        raise ValueError(f"seed must fit in 64 bits, got {seed}")
    return seed


def _check_device(device) -> torch.device:
    if not isinstance(device, (str, torch.device)):
        raise ValueError(f"device must be a string such as 'cpu' or 'cuda', got {device!r}")
    try:
        dev = torch.device(device)
    except (RuntimeError, TypeError) as e:
        raise ValueError(f"invalid device {device!r}: {e}") from None
    if dev.type == "cuda" and not torch.cuda.is_available():
        raise ValueError(f"device {device!r} requested but CUDA is not available")
    return dev


def _make_generator(seed: int, dev: torch.device) -> torch.Generator:
    try:
        g = torch.Generator(device=dev)
    except RuntimeError as e:
        raise ValueError(f"no random generator for device {dev}: {e}") from None
    g.manual_seed(seed)
    return g


# --------------------------------------------------------------------------- sampling steps
def _uniform_int(u: torch.Tensor, count) -> torch.Tensor:
    """Integer uniform in 0..count−1 from a uniform in [0, 1) (count may be a tensor)."""
    k = torch.floor(u * count)
    return torch.minimum(k, torch.as_tensor(count, dtype=u.dtype, device=u.device) - 1).long()


def _colours(u: torch.Tensor):
    """step 1 of the module docstring. With probability ½ the background is light and the objects dark,
    otherwise the reverse; every grey level is an integer uniform over ⌊255·lo⌋..⌊255·hi⌋ of its
    range (dark 0..114, light 140..255). Returns (light_background [n] bool, background [n] int64,
    object levels [n, 2] int64)."""
    light = u[:, _COL_COLOUR] < 0.5
    d_lo, d_hi = DARK_LEVELS
    l_lo, l_hi = LIGHT_LEVELS
    bg_lo = torch.where(light, l_lo, d_lo)
    bg_cnt = torch.where(light, l_hi - l_lo + 1, d_hi - d_lo + 1).to(u.dtype)
    background = bg_lo + _uniform_int(u[:, _COL_BACKGROUND], bg_cnt)
    ob_lo = torch.where(light, d_lo, l_lo)[:, None]
    ob_cnt = torch.where(light, d_hi - d_lo + 1, l_hi - l_lo + 1).to(u.dtype)[:, None]
    cols = [_SLOT_BASE + _PER_SLOT * j + 1 for j in range(MAX_OBJECTS)]
    levels = ob_lo + _uniform_int(u[:, cols], ob_cnt)
    return light, background, levels


def _sector_angle(types: torch.Tensor, u: torch.Tensor) -> torch.Tensor:
    """step 4 of the module docstring, first part: a rotation θ1 inside one symmetry sector (about 2π/n
    wide, centred on zero), discretised as in the original: index i uniform in 0..⌊255/n⌋−1;
    i > ⌊254/(2n)⌋ becomes the negative step min(255 − ⌊254/n⌋ + i, 254) − 255;
    θ1 = 2π·step/255."""
    sec = _SECTOR.to(u.device)[types]  # [..., 3]
    idx = _uniform_int(u, sec[..., 0]).to(u.dtype)
    neg = torch.clamp(sec[..., 2] + idx, max=ROTATION_RESOLUTION - 1) - ROTATION_RESOLUTION
    step = torch.where(idx > sec[..., 1], neg, idx)
    return 2 * math.pi * step / ROTATION_RESOLUTION


def _scales(ua: torch.Tensor, ub: torch.Tensor, size: int = IMAGE_SIZE) -> torch.Tensor:
    """step 4 of the module docstring, scales: two values U(0.2, 0.8)·size (32), sorted so s0 ≥ s1. [..., 2]."""
    lo, hi = SCALE_RANGE
    s = torch.stack([ua, ub], dim=-1) * ((hi - lo) * size) + lo * size
    return torch.sort(s, dim=-1, descending=True).values


def _offsets(types: torch.Tensor, theta1: torch.Tensor, s: torch.Tensor, k: torch.Tensor) -> torch.Tensor:
    """steps 3–5 of the module docstring: the object's vertices relative to its translation point.

    Base polygon (step 3), rotated by θ1, scaled by (s0, s1) along x and y, rotated back by
    −atan(s1/s0·tan θ1) so the base edge is horizontal again (step 4), then by 2π·k/255
    (step 5). Shapes [...] → [..., 20, 2] float64 (x = column, y = row)."""
    base = _BASE.to(theta1.device)[types]  # [..., 20, 2]
    bx, by = base[..., 0], base[..., 1]
    c, sn = torch.cos(theta1)[..., None], torch.sin(theta1)[..., None]
    x = (bx * c - by * sn) * s[..., 0:1]
    y = (bx * sn + by * c) * s[..., 1:2]
    phi = -torch.atan(s[..., 1] / s[..., 0] * torch.tan(theta1)) + (2 * math.pi / ROTATION_RESOLUTION) * k
    c, sn = torch.cos(phi)[..., None], torch.sin(phi)[..., None]
    return torch.stack([x * c - y * sn, x * sn + y * c], dim=-1)


def _translate(off: torch.Tensor, ux: torch.Tensor, uy: torch.Tensor, size: int = IMAGE_SIZE) -> torch.Tensor:
    """step 6 of the module docstring: a translation point uniform over the range that keeps the bounding
    box, grown by 1 pixel, inside the image: t ∈ [1 − min, size − 1 − max] on each axis (size 32: 31). [..., 2]."""
    lo = MARGIN - off.amin(dim=-2)
    hi = (size - MARGIN) - off.amax(dim=-2)
    return lo + torch.stack([ux, uy], dim=-1) * (hi - lo)


def _area(types: torch.Tensor, s: torch.Tensor) -> torch.Tensor:
    """step 7 of the module docstring's area: s0·s1·n·sin(2π/n)/(2π)."""
    return s[..., 0] * s[..., 1] * _AREA_RATIO.to(s.device)[types]


def _overlap_score(off_old, c_old, area_old, off_new, c_new, area_new) -> torch.Tensor:
    """step 7 of the module docstring: the estimated overlap of a new object on an old one, as a fraction
    of the old one's area; the new object is rejected when this exceeds the overlap limit 0.5.

    d = |c_new − c_old|, u = (c_new − c_old)/d; p = max_v (v_old·u) + max_v (v_new·(−u)) over the
    vertices relative to their centres. If p ≥ d the overlap fraction is
    1 − exp(−(p − d)·ln2/d), else 0; the score is area_new·fraction/area_old. (The original only
    evaluates it when p ≥ d; with a limit ≥ 0 this is the same test. Coinciding centres, d = 0,
    give fraction 1, the limit of the formula.)"""
    diff = c_new - c_old
    d = torch.linalg.vector_norm(diff, dim=-1)
    safe_d = torch.where(d > 0, d, torch.ones_like(d))
    u = diff / safe_d[..., None]
    p = (off_old @ u[..., None]).squeeze(-1).amax(-1) - (off_new @ u[..., None]).squeeze(-1).amin(-1)
    frac = -torch.expm1(-(p - d) * math.log(2.0) / safe_d)
    frac = torch.where(p >= d, frac, torch.zeros_like(frac))
    frac = torch.where(d > 0, frac, torch.ones_like(frac))
    return area_new * frac / area_old


def labels_from_types(types: torch.Tensor) -> torch.Tensor:
    """The "Labels" rule of the module docstring: map the object types of each image ([n, 2], −1 = absent, the first
    slot always present) to the 9 classes of :data:`LABEL_NAMES`."""
    types = torch.as_tensor(types)
    pair = torch.tensor(_PAIR_LABEL, dtype=torch.long, device=types.device)
    t0, t1 = types[:, 0].long(), types[:, 1].long()
    return torch.where(t1 < 0, t0, pair[t0.clamp(min=0), t1.clamp(min=0)])


def _slot_col(j: int, field: int) -> int:
    """Column of the uniform table for object slot ``j`` and field 0..7
    (type, grey level, θ1, k, scale a, scale b, position x, position y)."""
    return _SLOT_BASE + _PER_SLOT * j + field


def _initial_objects(u: torch.Tensor, size: int = IMAGE_SIZE):
    """steps 2–6 of the module docstring for both object slots of every image, first candidates.

    Step 2: number of objects uniform in {1, 2}, type of each slot uniform over the 3 shapes.
    Returns (n_requested [n], types [n, 2], θ1 [n, 2], k [n, 2], scales [n, 2, 2],
    offsets [n, 2, 20, 2], centres [n, 2, 2], areas [n, 2])."""
    cols = lambda f: [_slot_col(j, f) for j in range(MAX_OBJECTS)]  # noqa: E731
    n_requested = 1 + _uniform_int(u[:, _COL_COUNT], 2)
    types = _uniform_int(u[:, cols(0)], len(N_VERTICES))
    theta1 = _sector_angle(types, u[:, cols(2)])
    k = _uniform_int(u[:, cols(3)], N_FINAL_ROTATIONS).to(u.dtype)
    s = _scales(u[:, cols(4)], u[:, cols(5)], size)
    off = _offsets(types, theta1, s, k)
    centre = _translate(off, u[:, cols(6)], u[:, cols(7)], size)
    return n_requested, types, theta1, k, s, off, centre, _area(types, s)


def _draw_scene(u: torch.Tensor, *, overlap_max: float, max_rejections: int, size: int = IMAGE_SIZE) -> dict:
    """steps 1–7 of the module docstring for a batch, from its table of uniforms ``u`` [n, 215] float64.

    Steps 1–6 for both slots at once (:func:`_colours`, :func:`_initial_objects`). Step 7 for
    the second object: while it is rejected, redraw its scales and position (type, θ1 and k
    stay), acting only on the still-rejected subset; all images still pending in round r have
    exactly r rejections, so round r uses redraw block r of their row. At ``max_rejections``
    rejections the object is given up: the image keeps one object and its label follows what
    was drawn."""
    n, dev = u.shape[0], u.device
    light, background, levels = _colours(u)
    n_requested, req_types, theta1, k, s, off, centre, area = _initial_objects(u, size)

    rejections = torch.zeros(n, dtype=torch.long, device=dev)
    gave_up = torch.zeros(n, dtype=torch.bool, device=dev)
    pending = torch.nonzero(n_requested == 2).squeeze(1)
    for r in range(max_rejections):
        if pending.numel() == 0:
            break
        score = _overlap_score(off[pending, 0], centre[pending, 0], area[pending, 0],
                               off[pending, 1], centre[pending, 1], area[pending, 1])
        bad = score > overlap_max
        pending = pending[bad]
        rejections[pending] = r + 1
        if r + 1 >= max_rejections:
            gave_up[pending] = True
            break
        # Redraw scales and position from block r of the pending rows.
        blk = u[pending, _REDRAW_BASE + 4 * r: _REDRAW_BASE + 4 * r + 4]
        t1 = req_types[pending, 1]
        s1 = _scales(blk[:, 0], blk[:, 1], size)
        o1 = _offsets(t1, theta1[pending, 1], s1, k[pending, 1])
        s[pending, 1] = s1
        off[pending, 1] = o1
        centre[pending, 1] = _translate(o1, blk[:, 2], blk[:, 3], size)
        area[pending, 1] = _area(t1, s1)

    present = torch.stack([torch.ones_like(gave_up), (n_requested == 2) & ~gave_up], dim=1)
    types = torch.where(present, req_types, torch.full_like(req_types, -1))
    nan = torch.tensor(float("nan"), dtype=u.dtype, device=dev)
    vertices = torch.where(present[..., None, None], off + centre[..., None, :], nan)
    nv = torch.tensor(N_VERTICES, device=dev)[req_types]
    return {
        "types": types,
        "requested_types": torch.where(torch.arange(MAX_OBJECTS, device=dev) < n_requested[:, None], req_types, -1),
        "n_objects": present.sum(1),
        "n_requested": n_requested,
        "vertices": vertices,
        "n_vertices": torch.where(present, nv, 0),
        "centres": torch.where(present[..., None], centre, nan),
        "scales": torch.where(present[..., None], s, nan),
        "theta1": torch.where(present, theta1, nan),
        "rotation_index": torch.where(present, k.long(), -1),
        "areas": torch.where(present, area, nan),
        "light_background": light,
        "background": background,
        "levels": torch.where(present, levels, -1),
        "rejections": rejections,
        "gave_up": gave_up,
        "labels": labels_from_types(types),
    }


def _row_intervals(verts: torch.Tensor, size: int = IMAGE_SIZE) -> tuple[torch.Tensor, torch.Tensor]:
    """step 8 of the module docstring, the scanline part: for convex polygons ``verts`` [K, m, 2] (float64,
    absolute pixel coordinates), the closed x-interval [lo, hi] covered at each row centre
    y = r + ½, as float32 [K, size] each (lo > hi where the row is empty).

    A convex polygon is the intersection of the half-planes of its edges. For an edge a→b
    (oriented so the interior is on its left, cross(b − a, p − a) ≥ 0), a non-horizontal edge
    bounds x on every row by the line x = a_x + (b_x − a_x)/(b_y − a_y)·(y − a_y) — from above
    when b_y > a_y, from below when b_y < a_y; a horizontal edge keeps only the rows on its
    inner side. So lo = max of the lower bounds and hi = min of the upper bounds."""
    K, m, _ = verts.shape
    dev = verts.device
    a = verts
    b = torch.roll(verts, shifts=-1, dims=1)
    e = b - a
    # Orientation (sign of the shoelace area); all our polygons share one, but be robust.
    cross = a[..., 0] * b[..., 1] - a[..., 1] * b[..., 0]
    orient = torch.where(cross.sum(1) >= 0, 1.0, -1.0).to(verts.dtype)[:, None]
    ex, ey = e[..., 0] * orient, e[..., 1] * orient
    horiz = ey.abs() <= 1e-9
    slope = ex / torch.where(horiz, torch.ones_like(ey), ey)
    alpha = a[..., 0] - slope * a[..., 1]
    inf = torch.tensor(float("inf"), dtype=verts.dtype, device=dev)
    zero = torch.zeros((), dtype=verts.dtype, device=dev)
    lower = (ey < 0) & ~horiz
    upper = (ey > 0) & ~horiz
    a_lo = torch.where(lower, alpha, -inf).float()[..., None]
    b_lo = torch.where(lower, slope, zero).float()[..., None]
    a_hi = torch.where(upper, alpha, inf).float()[..., None]
    b_hi = torch.where(upper, slope, zero).float()[..., None]
    yc = torch.arange(size, device=dev, dtype=torch.float32) + 0.5
    lo = torch.addcmul(a_lo, b_lo, yc).amax(1)
    hi = torch.addcmul(a_hi, b_hi, yc).amin(1)
    # Horizontal edges: interior where ex·(y − a_y) ≥ 0.
    y_min = torch.where(horiz & (ex > 0), a[..., 1], -inf).amax(1).float()[:, None]
    y_max = torch.where(horiz & (ex < 0), a[..., 1], inf).amin(1).float()[:, None]
    row_ok = (yc >= y_min) & (yc <= y_max)
    lo = torch.where(row_ok, lo, torch.full_like(lo, float("inf")))
    return lo, hi


def _row_masks(size: int = IMAGE_SIZE) -> torch.Tensor:
    """Lookup table of row masks: entry a·(size + 1) + (b + 1) is the bool row [size] covering
    columns a..b (a in 0..size, b in −1..size − 1; empty when a > b)."""
    c = torch.arange(size)
    a = torch.arange(size + 1)[:, None, None]
    b = torch.arange(-1, size)[None, :, None]
    return ((c >= a) & (c <= b)).reshape(-1, size)


_ROW_MASKS = {IMAGE_SIZE: _row_masks()}
"""The row-mask tables by image size (made on first use for a size other than 32)."""


def grey_to_value(levels: torch.Tensor) -> torch.Tensor:
    """step 9 of the module docstring: integer grey level → pixel value, (level/255)·2 − 1 in float32."""
    return (levels.float() / 255.0) * 2.0 - 1.0


def _rasterise(scene: dict, size: int = IMAGE_SIZE) -> torch.Tensor:
    """step 8 of the module docstring: fill the background, then draw each object in order as a filled
    polygon without anti-aliasing, a later object covering an earlier one. A pixel is covered
    iff its centre lies in the closed polygon (see the module docstring for pygame's rule): per
    row, the columns c with lo ≤ c + ½ ≤ hi, i.e. ⌈lo − ½⌉ ≤ c ≤ ⌊hi − ½⌋, read from a table of
    row masks. Returns pixel values float32 [n, size, size] already mapped to [−1, 1] (step 9)."""
    types, verts = scene["types"], scene["vertices"]
    n, dev = types.shape[0], types.device
    flat_types = types.reshape(-1)
    flat_verts = verts.reshape(-1, MAX_VERTICES, 2)
    lo = torch.full((n * MAX_OBJECTS, size), float("inf"), device=dev)
    hi = torch.full((n * MAX_OBJECTS, size), float("-inf"), device=dev)
    for t, m in enumerate(N_VERTICES):
        idx = torch.nonzero(flat_types == t).squeeze(1)
        if idx.numel() == 0:
            continue
        l, h = _row_intervals(flat_verts[idx, :m], size)
        lo[idx] = l
        hi[idx] = h
    first = torch.ceil(lo - 0.5).clamp_(0, size).long()
    last = torch.floor(hi - 0.5).clamp_(-1, size - 1).long()
    key = (first * (size + 1) + last + 1).view(n, MAX_OBJECTS, size)
    if size not in _ROW_MASKS:
        _ROW_MASKS[size] = _row_masks(size)
    table = _ROW_MASKS[size].to(dev)
    img = grey_to_value(scene["background"])[:, None, None].expand(n, size, size)
    obj = grey_to_value(scene["levels"])
    for j in range(MAX_OBJECTS):
        inside = table.index_select(0, key[:, j].reshape(-1)).view(n, size, size)
        img = torch.where(inside, obj[:, j, None, None], img)
    return img


def _generate(n: int, seed: int = 0, device="cpu", *, return_info: bool = False,
              overlap_max: float = OVERLAP_MAX, max_rejections: int = MAX_REJECTIONS, image_size: int = IMAGE_SIZE):
    """:func:`generate` with the overlap limit and rejection cap exposed (for tests and the
    book's ablations). ``overlap_max < 0`` rejects every second object."""
    n = _check_n(n)
    seed = _check_seed(seed)
    dev = _check_device(device)
    size = _check_image_size(image_size)
    max_rejections = _check_n(max_rejections)
    if not 1 <= max_rejections <= MAX_REJECTIONS:
        raise ValueError(f"max_rejections must be in 1..{MAX_REJECTIONS}, got {max_rejections}")
    g = _make_generator(seed, dev)
    u = torch.rand(n, _N_UNIFORMS, generator=g, device=dev, dtype=torch.float64)
    scene = _draw_scene(u, overlap_max=float(overlap_max), max_rejections=max_rejections, size=size)
    x = _rasterise(scene, size).reshape(n, size * size)  # step 9: flattened row by row
    y = scene["labels"]
    if return_info:
        return x, y, scene
    return x, y


def generate(n: int, seed: int = 0, device="cpu", *, return_info: bool = False, image_size: int = IMAGE_SIZE):
    """Draw ``n`` Shapeset-3×2 images (steps 1–9 of the module docstring, all of them).

    Returns ``(x, y)``: images float32 [n, 1024] in [−1, 1] (grey level/255·2 − 1, flattened row
    by row) and labels int64 [n] in 0..8 (:data:`LABEL_NAMES`). With ``return_info=True`` a third
    item, a dict of per-image tensors on the same device:

    ``types`` [n, 2] shape type drawn per slot (−1 = absent) · ``requested_types`` [n, 2] types
    drawn at step 2, including a given-up second object · ``n_objects`` [n] objects drawn ·
    ``n_requested`` [n] objects asked for · ``vertices`` [n, 2, 20, 2] float64 absolute vertex
    coordinates (x = column, y = row, pixel units, image = [0, 32]²; padded by repeating the
    first vertex, NaN for absent objects) · ``n_vertices`` [n, 2] (0 = absent) · ``centres``
    [n, 2, 2] translation points · ``scales`` [n, 2, 2] (s0 ≥ s1, pixels) · ``theta1`` [n, 2] ·
    ``rotation_index`` [n, 2] k of step 5 · ``areas`` [n, 2] step-7 areas ·
    ``light_background`` [n] bool · ``background`` [n] grey level 0..255 · ``levels`` [n, 2]
    object grey levels (−1 = absent) · ``rejections`` [n] overlap rejections ·
    ``gave_up`` [n] bool, second object abandoned after 50 rejections · ``labels`` [n].

    Same ``seed``, ``n`` and device → bit-identical output; on the CPU ``generate(m, seed)`` is
    also the first ``m`` images of ``generate(n, seed)`` (see the module docstring).

    ``image_size`` draws the images at another side (Fig. 1 shows them at 64×64 "for
    clarity"): scales are fractions of the side and the margin is 1 pixel, as in the original
    generator's size parameter, so the same seed gives the same scenes (types, rotations,
    grey levels, relative positions; a rejection can differ, the 1-pixel margin being a
    smaller share of a larger side) drawn with more pixels. Images are then
    ``[n, image_size²]``; training uses 32 (the paper's).
    """
    return _generate(n, seed, device, return_info=return_info, image_size=image_size)


# --------------------------------------------------------------------------- theory
_PAIR_MASS = 1.0 / 18.0  # P(2 objects) · P(type a) · P(type b) for one ordered pair (a, b)


def _give_up_rates(n_scenes: int = 262_144, n_candidates: int = 100, seed: int = 20100513) -> torch.Tensor:
    """P(second object given up | first type a, second type b), float64 [3, 3], estimated.

    A give-up needs 50 rejected candidates in a row, and the candidates for one image are
    i.i.d. given the first object and the second object's type, θ1 and k (only its scales and
    position are redrawn). With r = P(reject one candidate | that situation), the give-up
    probability is r^50. For each of ``n_scenes`` situations (drawn as in :func:`generate`, CPU,
    fixed seed) we test ``n_candidates`` = M candidates, count the rejected ones K, and use the
    unbiased estimator of r^50, C(K, 50)/C(M, 50); q_ab is its mean over the situations with
    types (a, b). The estimator is unbiased but heavy-tailed (a few hard situations, r near 1,
    carry most of the mass), hence the large default sample; it takes minutes, so its result is
    stored in :data:`_GIVE_UP_RATES`."""
    g = _make_generator(seed, torch.device("cpu"))
    u = torch.rand(n_scenes, _N_UNIFORMS, generator=g, dtype=torch.float64)
    _, types, theta1, k, _, off, centre, area = _initial_objects(u)
    m, r = n_candidates, MAX_REJECTIONS
    est = torch.empty(n_scenes, dtype=torch.float64)
    block = 256
    for b0 in range(0, n_scenes, block):
        sl = slice(b0, min(b0 + block, n_scenes))
        nb = sl.stop - sl.start
        c = torch.rand(nb, m, 4, generator=g, dtype=torch.float64)
        t1 = types[sl, 1, None].expand(nb, m)
        s1 = _scales(c[..., 0], c[..., 1])
        o1 = _offsets(t1, theta1[sl, 1, None].expand(nb, m), s1, k[sl, 1, None].expand(nb, m))
        c1 = _translate(o1, c[..., 2], c[..., 3])
        score = _overlap_score(off[sl, None, 0].expand(nb, m, -1, -1), centre[sl, None, 0].expand(nb, m, -1),
                               area[sl, None, 0].expand(nb, m), o1, c1, _area(t1, s1))
        rejected = (score > OVERLAP_MAX).sum(1).double()
        # C(K, r)/C(M, r) = Π_{i<r} (K − i)/(M − i), zero when K < r.
        i = torch.arange(r, dtype=torch.float64)
        ratio = ((rejected[:, None] - i) / (m - i)).clamp(min=0)
        est[sl] = ratio.prod(1)
    pair = types[:, 0] * 3 + types[:, 1]
    total = torch.zeros(9, dtype=torch.float64).index_add_(0, pair, est)
    count = torch.bincount(pair, minlength=9).double().clamp(min=1)
    return (total / count).view(3, 3)


# _give_up_rates() with its defaults (262,144 situations × 100 candidates, seed 20100513), 3
# significant digits. Mean over the 9 ordered pairs: 1.35e-6 per two-object image. A direct
# count agrees: 4 give-ups in 1,000,609 two-object images (4.0e-6; 95% interval 1.1e-6–1.0e-5).
# Rows: first object (triangle, parallelogram, ellipse); columns: second object.
_GIVE_UP_RATES = torch.tensor(
    [[1.42e-13, 4.04e-08, 1.10e-05],
     [2.46e-16, 2.25e-10, 1.10e-06],
     [9.62e-22, 1.67e-12, 3.78e-08]],
    dtype=torch.float64,
)


def class_probabilities(include_rejections: bool = False) -> torch.Tensor:
    """Class probabilities of Shapeset-3×2, float64 [9] in :data:`LABEL_NAMES` order.

    Without rejections (exact): one object with probability ½, its type uniform, so each single
    shape has ½·⅓ = 1/6. Two objects with probability ½ and two independent uniform types: each
    ordered pair (a, b) has ½·⅓·⅓ = 1/18; a same-shape pair is one ordered pair, 1/18; a mixed
    pair is two ordered pairs, 2/18 = 1/9. (3·1/6 + 3·1/18 + 3·1/9 = 1.)

    With ``include_rejections=True``: a second object given up after 50 rejections leaves a
    single shape of the first object's type, so each ordered pair (a, b) moves 1/18·q_ab from
    its pair class to class a, where q_ab = P(give up | a then b) is the Monte-Carlo estimate
    of :func:`_give_up_rates`, stored in :data:`_GIVE_UP_RATES`. Give-ups are rare (about one
    two-object image in 10^5–10^6, mostly a second ellipse that finds no place clear enough of
    a small first triangle), so the shift is below 1e-6 per class: far below the sampling error
    of any experiment."""
    p = torch.tensor([1 / 6] * 3 + [1 / 9] * 3 + [1 / 18] * 3, dtype=torch.float64)
    if not include_rejections:
        return p
    q = _GIVE_UP_RATES
    for a in range(3):
        for b in range(3):
            moved = _PAIR_MASS * float(q[a, b])
            p[_PAIR_LABEL[a][b]] -= moved
            p[a] += moved
    return p


# --------------------------------------------------------------------------- stream
_MASK64 = (1 << 64) - 1


def _chunk_seed(seed: int, index: int) -> int:
    """Seed of chunk ``index`` of a stream: a SplitMix64 mix of (seed, index), kept to 63 bits,
    so that chunks are independent streams and unlikely to coincide with small user seeds."""
    z = ((seed & _MASK64) * 0x9E3779B97F4A7C15 + (index + 1) * 0xBF58476D1CE4E5B9) & _MASK64
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _MASK64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _MASK64
    return (z ^ (z >> 31)) >> 1


class ShapesetStream:
    """An endless, deterministic stream of Shapeset-3×2 examples for online training.

    ``ShapesetStream(seed, device="cpu", chunk=10_000)``; ``next_batch(batch_size) -> (x, y)``.
    The stream is a flat sequence of examples: chunk i is ``generate(chunk, seed=s_i, device)``
    with s_i a SplitMix64 mix of (seed, i), and batches are consecutive slices of it (a batch may
    straddle two chunks). So the examples served depend only on (seed, device, chunk), not on
    the batch sizes asked for, and batch-10 SGD pays no per-batch generation cost.
    Batches are views into the current chunk: clone one before modifying it in place.
    """

    def __init__(self, seed: int = 0, device="cpu", chunk: int = 10_000):
        self.seed = _check_seed(seed)
        self.device = _check_device(device)
        chunk = _check_n(chunk)
        if chunk < 1:
            raise ValueError(f"chunk must be a positive int, got {chunk}")
        self.chunk = chunk
        self.examples_served = 0
        self._chunk_index = 0
        self._x = torch.empty(0, INPUT_DIM, device=self.device)
        self._y = torch.empty(0, dtype=torch.long, device=self.device)
        self._pos = 0

    def _refill(self) -> None:
        self._x, self._y = generate(self.chunk, _chunk_seed(self.seed, self._chunk_index), self.device)
        self._chunk_index += 1
        self._pos = 0

    def next_batch(self, batch_size: int):
        """The next ``batch_size`` examples: (x float32 [b, 1024], y int64 [b])."""
        b = _check_n(batch_size)
        xs, ys, need = [], [], b
        while need > 0:
            if self._pos >= self._x.shape[0]:
                self._refill()
            take = min(need, self._x.shape[0] - self._pos)
            xs.append(self._x[self._pos: self._pos + take])
            ys.append(self._y[self._pos: self._pos + take])
            self._pos += take
            need -= take
        self.examples_served += b
        if len(xs) == 1:
            return xs[0], ys[0]
        if not xs:
            return self._x[:0], self._y[:0]
        return torch.cat(xs), torch.cat(ys)

    def state_dict(self) -> dict:
        """The stream's position, for checkpoints: with (seed, device, chunk) it fixes every
        example still to come."""
        return {"seed": self.seed, "chunk": self.chunk, "examples_served": self.examples_served}

    def load_state_dict(self, state: dict) -> None:
        """Move to a saved position: regenerates only the chunk that position falls in."""
        if int(state["seed"]) != self.seed or int(state["chunk"]) != self.chunk:
            raise ValueError(f"stream state is for seed {state['seed']}, chunk {state['chunk']}; "
                             f"this stream has seed {self.seed}, chunk {self.chunk}")
        served = int(state["examples_served"])
        self._chunk_index, pos = divmod(served, self.chunk)
        self._x, self._y = self._x[:0], self._y[:0]
        self._pos = 0
        if pos:
            self._refill()
            self._pos = pos
        self.examples_served = served
