"""A fused backward-and-update Triton kernel for one layer of an :class:`~glorot.nets.MLPStack`.

One job: for every model ``m`` of a stack, given the layer's input activations
``z = z^i`` (``[M, B, n_in]``) and the back-propagated gradient ``delta = dC/ds^i``
(``[M, B, n_out]``), do in one pass over the weights

* eq. (2), with the *old* weights:  ``below = f'(z) * (delta @ W^T)``, i.e.
  ``dC/ds^{i-1}`` (``[M, B, n_in]``), with ``f'`` written from the activation's output
  ``z`` as in :data:`glorot.nets.ACTIVATIONS` (sigmoid ``z(1-z)``, tanh ``1-z^2``,
  softsign ``(1-|z|)^2``, relu ``z > 0``, linear ``1``);
* eq. (3) and the plain SGD step:  ``W <- W - lr * z^T @ delta`` and
  ``b <- b - lr * sum_batch delta``, in place.

Why fuse. With the paper's minibatch of ``B = 10`` an SGD step is memory bound:
the arithmetic per weight is a handful of multiply-adds, the cost is the bytes moved. The
unfused torch path of :meth:`MLPStack._sgd_step_batched` touches each float32 weight four
times per step: the forward product reads it (4 B), ``delta @ W^T`` reads it again (4 B),
and the in-place update reads and writes it (8 B): 16 B/param. This kernel reads each weight
tile once, uses the same registers for ``delta @ W^T`` (old weights, as eq. (2) demands)
and for ``W - lr * z^T delta``, and writes the tile back: with the forward read, 12 B/param
per update, a quarter fewer bytes.

The kernel runs on a CUDA GPU; on the CPU only through Triton's interpreter
(``TRITON_INTERPRET=1`` in the environment before triton is imported), which is how the
tests check it. ``import glorot.triton_kernels`` works without triton installed;
:func:`available` says whether the kernel can be used and :func:`backward_update` raises a
clear error naming ``pip install triton==3.6.0`` if it cannot.
"""

from __future__ import annotations

import os

import torch

try:  # guarded: the rest of the package never needs triton
    import triton
    import triton.language as tl
except ImportError as _err:  # pragma: no cover - depends on the environment
    triton = None
    tl = None
    _IMPORT_ERROR: ImportError | None = _err
else:
    _IMPORT_ERROR = None

ACTIVATION_CODES = {"sigmoid": 0, "tanh": 1, "softsign": 2, "relu": 3, "linear": 4}
"""The per-model runtime code of each activation's derivative (the kernel's ``act_codes``)."""

BLOCK_B_MIN = 16
"""``tl.dot`` needs every dimension >= 16: the batch (10 in the paper) is padded to this
with masked loads (zeros), which leave every product unchanged."""

MAX_BATCH = 64
"""Largest minibatch the kernel takes: the whole (padded) batch of ``z`` and of the
``below`` accumulator lives in registers. Larger batches are not memory bound anyway."""

GPU_BLOCKS = (64, 64)
"""Default ``(BLOCK_I, BLOCK_J)`` on a GPU: a 64x64 float32 weight tile (16 KiB) per step
of the loop, 4 warps; for narrow layers the blocks shrink to the next power of two >= 16."""

INTERPRETER_BLOCKS = (512, 512)
"""Default ``(BLOCK_I, BLOCK_J)`` under ``TRITON_INTERPRET=1``: the numpy interpreter runs
programs one after another and pays per operation, so few large tiles are faster than many
small ones (measured on a 1000 x 1000 layer, M = 3: 0.87 s a call with 128 x 128 tiles,
0.45 s with 256 x 256, 0.32 s with 512 x 512)."""

GPU_NUM_WARPS = 4


def available() -> bool:
    """Whether triton could be imported (the kernel may then run on a GPU, or on the CPU
    under ``TRITON_INTERPRET=1``)."""
    return triton is not None


def interpreter_enabled() -> bool:
    """Whether ``TRITON_INTERPRET=1`` is set, i.e. kernels run in Triton's CPU interpreter."""
    return os.environ.get("TRITON_INTERPRET", "0") == "1"


def _require_triton() -> None:
    if triton is None:
        raise ImportError(
            "glorot.triton_kernels needs triton for its kernel, which could not be imported "
            f"({_IMPORT_ERROR}); install it with `pip install triton==3.6.0`"
        )


# --------------------------------------------------------------------------- the kernel

if triton is not None:

    def _backward_update_body(
        W_ptr, b_ptr, z_ptr, d_ptr, below_ptr, lr_ptr, act_ptr,
        B, N_IN,
        stride_wm, stride_wi, stride_wj,
        stride_bm, stride_bj,
        stride_zm, stride_zb, stride_zi,
        stride_dm, stride_db, stride_dj,
        stride_om, stride_ob, stride_oi,
        N_OUT: tl.constexpr,
        BLOCK_B: tl.constexpr,
        BLOCK_I: tl.constexpr,
        BLOCK_J: tl.constexpr,
        NEED_BELOW: tl.constexpr,
        INPUT_PRECISION: tl.constexpr,
    ):
        """One program: rows ``[pid_i * BLOCK_I, +BLOCK_I)`` of model ``m``'s ``W``.

        Loads ``z[m, :, rows]`` once, then sweeps the columns in tiles of ``BLOCK_J``: each
        weight tile is read once, feeds ``acc += delta_tile @ W_tile^T`` (old weights, eq. 2)
        and is written back as ``W_tile - lr[m] * z_tile^T @ delta_tile`` (eq. 3). Programs
        of the first row block also update the bias. ``below = acc * f'(z)`` at the end.

        ``N_OUT`` is a compile-time constant: one compilation per layer width (two for the
        paper's net), and the loop bound stays a Python int in Triton's interpreter, whose
        runtime scalars are 1-element arrays that numpy >= 2.4 refuses to turn into an int.
        """
        pid_i = tl.program_id(0)
        m = tl.program_id(1).to(tl.int64)

        offs_b = tl.arange(0, BLOCK_B)
        rows = pid_i * BLOCK_I + tl.arange(0, BLOCK_I)
        mask_b = offs_b < B
        mask_i = rows < N_IN

        # z[m, :B, rows], batch padded with zeros: [BLOCK_B, BLOCK_I]
        z_ptrs = z_ptr + m * stride_zm + offs_b[:, None] * stride_zb + rows[None, :] * stride_zi
        z_mask = mask_b[:, None] & mask_i[None, :]
        z_tile = tl.load(z_ptrs, mask=z_mask, other=0.0)
        z_t = tl.trans(z_tile)  # [BLOCK_I, BLOCK_B]

        lr = tl.load(lr_ptr + m)
        acc = tl.zeros((BLOCK_B, BLOCK_I), dtype=tl.float32)

        w_base = W_ptr + m * stride_wm + rows[:, None] * stride_wi
        d_base = d_ptr + m * stride_dm + offs_b[:, None] * stride_db
        for j0 in range(0, N_OUT, BLOCK_J):
            cols = j0 + tl.arange(0, BLOCK_J)
            mask_j = cols < N_OUT
            w_ptrs = w_base + cols[None, :] * stride_wj
            w_mask = mask_i[:, None] & mask_j[None, :]
            w_tile = tl.load(w_ptrs, mask=w_mask, other=0.0)  # [BLOCK_I, BLOCK_J], old W
            d_tile = tl.load(d_base + cols[None, :] * stride_dj, mask=mask_b[:, None] & mask_j[None, :], other=0.0)

            # eq. (2) with the old weights: delta @ W^T, [BLOCK_B, BLOCK_I]
            acc = tl.dot(d_tile, tl.trans(w_tile), acc, input_precision=INPUT_PRECISION)
            # eq. (3): dC/dW = z^T delta, then the SGD step, stored in place
            grad = tl.dot(z_t, d_tile, input_precision=INPUT_PRECISION)  # [BLOCK_I, BLOCK_J]
            tl.store(w_ptrs, w_tile - lr * grad, mask=w_mask)

            if pid_i == 0:
                b_ptrs = b_ptr + m * stride_bm + cols * stride_bj
                b_tile = tl.load(b_ptrs, mask=mask_j, other=0.0)
                tl.store(b_ptrs, b_tile - lr * tl.sum(d_tile, axis=0), mask=mask_j)

        if NEED_BELOW:
            # f'(s) from the activation's output z, chosen per model at run time
            code = tl.load(act_ptr + m)
            one_minus_abs = 1.0 - tl.abs(z_tile)
            fprime = tl.where(
                code == 0, z_tile * (1.0 - z_tile),
                tl.where(
                    code == 1, 1.0 - z_tile * z_tile,
                    tl.where(
                        code == 2, one_minus_abs * one_minus_abs,
                        tl.where(code == 3, (z_tile > 0.0).to(tl.float32), 1.0),
                    ),
                ),
            )
            o_ptrs = below_ptr + m * stride_om + offs_b[:, None] * stride_ob + rows[None, :] * stride_oi
            tl.store(o_ptrs, acc * fprime, mask=z_mask)

_KERNELS: dict[bool, object] = {}


def _kernel():
    """The jitted kernel, built on first use for the current mode (GPU or interpreter): Triton
    decides at decoration time whether a function is compiled or interpreted."""
    interpret = interpreter_enabled()
    if interpret not in _KERNELS:
        _KERNELS[interpret] = triton.jit(_backward_update_body)
    return _KERNELS[interpret]


# --------------------------------------------------------------------------- the wrapper


def _check_tensor(name: str, t, dim: int, shape_doc: str) -> torch.Tensor:
    if not isinstance(t, torch.Tensor):
        raise ValueError(f"{name} must be a torch.Tensor of shape {shape_doc}, got {type(t).__name__}")
    if t.dtype != torch.float32:
        raise ValueError(f"{name} must be float32, got {t.dtype}")
    if t.dim() != dim:
        raise ValueError(f"{name} must have shape {shape_doc}, got {tuple(t.shape)}")
    return t


def _block(name: str, value, default: int, n: int) -> int:
    if value is None:
        return max(16, min(default, triton.next_power_of_2(n)))
    if isinstance(value, bool) or not isinstance(value, int) or value < 16 or value & (value - 1):
        raise ValueError(f"{name} must be a power of two >= 16 (tl.dot needs dims >= 16), got {value!r}")
    return value


def _per_model_lr(lr, m: int, device: torch.device) -> torch.Tensor:
    if isinstance(lr, torch.Tensor):
        if not lr.is_floating_point():
            raise ValueError(f"lr must be a float tensor, got {lr.dtype}")
        if lr.numel() == 1:
            lr = lr.reshape(1).expand(m)
        elif lr.numel() == m:
            lr = lr.reshape(m)
        else:
            raise ValueError(f"lr must hold 1 or M={m} learning rates, got shape {tuple(lr.shape)}")
        if lr.device != device:
            raise ValueError(f"lr is on {lr.device}, W on {device}")
        return lr.to(torch.float32).contiguous()
    values = [lr] * m if isinstance(lr, (int, float)) else list(lr)
    if len(values) != m:
        raise ValueError(f"lr must hold 1 or M={m} learning rates, got {len(values)}")
    return torch.tensor([float(v) for v in values], dtype=torch.float32, device=device)


def _act_codes(act_codes, m: int, device: torch.device) -> torch.Tensor:
    if isinstance(act_codes, torch.Tensor):
        if act_codes.dtype not in (torch.int32, torch.int64) or act_codes.numel() not in (1, m):
            raise ValueError(f"act_codes must be an int tensor of 1 or M={m} codes, got {act_codes.dtype} {tuple(act_codes.shape)}")
        if act_codes.device != device:
            raise ValueError(f"act_codes is on {act_codes.device}, W on {device}")
        return act_codes.reshape(-1).expand(m).to(torch.int32).contiguous()
    values = [act_codes] * m if isinstance(act_codes, (str, int)) else list(act_codes)
    if len(values) != m:
        raise ValueError(f"act_codes must hold 1 or M={m} activations, got {len(values)}")
    codes = []
    for v in values:
        if isinstance(v, str):
            if v not in ACTIVATION_CODES:
                raise ValueError(f"act_codes: unknown activation {v!r}; valid: {', '.join(ACTIVATION_CODES)}")
            v = ACTIVATION_CODES[v]
        if isinstance(v, bool) or not isinstance(v, int) or v not in ACTIVATION_CODES.values():
            raise ValueError(f"act_codes: {v!r} is no activation code; valid codes: {ACTIVATION_CODES}")
        codes.append(v)
    return torch.tensor(codes, dtype=torch.int32, device=device)


def backward_update(
    W: torch.Tensor,
    b: torch.Tensor,
    z: torch.Tensor,
    delta: torch.Tensor,
    lr,
    act_codes,
    need_below: bool,
    tf32: bool = False,
    block_i: int | None = None,
    block_j: int | None = None,
) -> torch.Tensor | None:
    """One layer of the SGD step, fused: eq. (2) with the old weights, then eq. (3) in place.

    Parameters
    ----------
    W:
        ``[M, n_in, n_out]`` float32, contiguous; overwritten with ``W - lr * z^T @ delta``.
    b:
        ``[M, n_out]`` float32 (no expanded dimension); overwritten with
        ``b - lr * delta.sum(batch)``.
    z:
        ``[M, B, n_in]`` float32, the layer's input ``z^i``; any strides, e.g. a stride of 0
        along the models for layer 0's shared input (``x.expand(M, -1, -1)``). A 2-D
        ``[B, n_in]`` is taken as shared by all models.
    delta:
        ``[M, B, n_out]`` float32, ``dC/ds^i``; any strides.
    lr:
        One learning rate or ``M`` of them (float, sequence or float tensor on W's device).
        ``lr = 0`` leaves a model's ``W`` and ``b`` bit-identical.
    act_codes:
        The activation whose derivative multiplies ``below`` (that of the layer *below*,
        whose output is ``z``), per model: a name or code of :data:`ACTIVATION_CODES`, a
        sequence of them, or an int tensor on W's device (fastest: nothing to copy).
    need_below:
        Whether to compute and return ``below = f'(z) * (delta @ W_old^T)``, ``dC/ds^{i-1}``
        of eq. (2), ``[M, B, n_in]``; ``False`` for layer 0, whose input has no gradient.
    tf32:
        Let ``tl.dot`` use TF32 tensor cores (``input_precision="tf32"``). Default: exact
        float32 (``"ieee"``), which reproduces the paper's numbers.
    block_i, block_j:
        Tile sizes (powers of two >= 16) along ``n_in`` and ``n_out``; default
        :data:`GPU_BLOCKS` on a GPU, :data:`INTERPRETER_BLOCKS` under the interpreter.

    Returns ``below`` or ``None``. Moves 12 B/param per SGD step with the forward pass
    instead of the 16 of separate products (see the module's docstring).

    Inside a CUDA-graph capture, pass ``lr`` and ``act_codes`` as float32 / int32 tensors
    of ``M`` values on W's device (a list would need a host-to-device copy), and call the
    function once before capturing so that Triton compiles the kernel outside the graph
    (one compilation per layer width ``n_out``, batch padding, tiles, ``need_below`` and
    ``tf32``).
    """
    _require_triton()
    _check_tensor("W", W, 3, "[M, n_in, n_out]")
    if not W.is_contiguous():
        raise ValueError("W must be contiguous (it is updated in place tile by tile)")
    M, n_in, n_out = W.shape
    if min(M, n_in, n_out) < 1:
        raise ValueError(f"W must have M, n_in, n_out >= 1, got {tuple(W.shape)}")
    device = W.device
    _check_tensor("b", b, 2, f"[M={M}, n_out={n_out}]")
    if tuple(b.shape) != (M, n_out):
        raise ValueError(f"b must have shape [M={M}, n_out={n_out}], got {tuple(b.shape)}")
    if any(st == 0 and n > 1 for st, n in zip(b.stride(), b.shape)):
        raise ValueError("b must not be an expanded view (it is updated in place)")
    if isinstance(z, torch.Tensor) and z.dim() == 2:
        z = z.unsqueeze(0).expand(M, -1, -1)
    _check_tensor("z", z, 3, f"[M={M}, B, n_in={n_in}]")
    if z.shape[0] != M or z.shape[2] != n_in:
        raise ValueError(f"z must have shape [M={M}, B, n_in={n_in}], got {tuple(z.shape)}")
    batch = z.shape[1]
    if not 1 <= batch <= MAX_BATCH:
        raise ValueError(f"z: the batch must hold 1 to {MAX_BATCH} examples, got {batch}")
    _check_tensor("delta", delta, 3, f"[M={M}, B={batch}, n_out={n_out}]")
    if tuple(delta.shape) != (M, batch, n_out):
        raise ValueError(f"delta must have shape [M={M}, B={batch}, n_out={n_out}], got {tuple(delta.shape)}")
    for name, t in (("b", b), ("z", z), ("delta", delta)):
        if t.device != device:
            raise ValueError(f"{name} is on {t.device}, W on {device}")
    lr_t = _per_model_lr(lr, M, device)
    codes = _act_codes(act_codes, M, device)

    interpret = interpreter_enabled()
    if device.type == "cpu" and not interpret:
        raise RuntimeError(
            "backward_update got CPU tensors but Triton's interpreter is off: set the environment "
            "variable TRITON_INTERPRET=1 before importing triton to run the kernel on the CPU, "
            "or pass CUDA tensors"
        )

    default_i, default_j = INTERPRETER_BLOCKS if interpret else GPU_BLOCKS
    bi = _block("block_i", block_i, default_i, n_in)
    bj = _block("block_j", block_j, default_j, n_out)
    bb = max(BLOCK_B_MIN, triton.next_power_of_2(batch))

    if need_below:
        below = torch.empty(M, batch, n_in, dtype=torch.float32, device=device)
        out, out_strides = below, below.stride()
    else:
        below = None
        out, out_strides = W, (0, 0, 0)  # never written: NEED_BELOW is False

    grid = (triton.cdiv(n_in, bi), M)
    _kernel()[grid](
        W, b, z, delta, out, lr_t, codes,
        batch, n_in,
        *W.stride(), *b.stride(), *z.stride(), *delta.stride(), *out_strides,
        N_OUT=n_out,
        BLOCK_B=bb,
        BLOCK_I=bi,
        BLOCK_J=bj,
        NEED_BELOW=bool(need_below),
        INPUT_PRECISION="tf32" if tf32 else "ieee",
        num_warps=GPU_NUM_WARPS,
    )
    return below
