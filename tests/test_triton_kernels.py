"""Checks of glorot.triton_kernels.backward_update, run on the CPU by Triton's interpreter.

Every result of the kernel is compared with an independent float64 torch computation of the
same step from the same float32 inputs (eq. (2) with the *old* weights for ``below``, eq. (3)
and the SGD step for ``W`` and ``b``), and with the float32 torch path of
``MLPStack._sgd_step_batched``. A separate test compiles the kernel for an sm_90 GPU with
Triton's real compiler (no GPU needed), so the GPU code path is at least type-checked.

Tolerances (``u = 2**-24``, the unit roundoff of float32):

* One call, elementwise, rigorous float32 error bounds (any summation order, FMA or not):
  ``|below - ref| <= u ((n_out + 2) |f'(z)| + 4) (|delta| @ |W|^T)`` (a dot product of
  length ``n_out``: ``n_out u``; ``f'`` evaluated in float32 from ``z``: <= 2u absolute; two
  products rounded), ``|W' - ref| <= u (|W'| + lr (B + 3) |z|^T @ |delta|)`` (a dot of length
  ``B``, the product by ``lr``, one rounded subtraction), the same with ``sum_B |delta|`` for
  ``b``. The W and b bounds are about one ulp of each entry's own magnitude, so correct
  rounding alone comes close to them; the bug they are there for, eq. (2) with the new
  weights, is off by ``lr |z^T delta|``, more than 1e3 times the bound in
  ``test_below_uses_the_old_weights``. Models with ``lr = 0`` must keep ``W`` and ``b``
  bit-identical. Torch's float32 path must meet the same bounds, except that its CPU
  ``baddbmm_`` accumulates the ``B`` products into ``W`` itself, so its ``W`` is held to the
  bound of a (B+1)-term sum, ``u (B + 3) (|W| + lr |z|^T |delta|)``.
  Observed (error / bound, and max |error| / max |ref|):

  ====================================  =================  =================  =================
  test                                  below              W                  b
  ====================================  =================  =================  =================
  M=1, 37->23 and 37->9, each act       <= 0.14, 2.0e-07   <= 0.82, 4.9e-08   <= 0.44, 2.9e-08
  M=5 mixed acts/lrs, 3 tilings         <= 0.14, 1.5e-07   <= 0.92, 6.5e-08   <= 0.63, 3.6e-08
  paper 1024->1000, M=1 and M=3         0.01, 2.5e-07      <= 0.89, 6.7e-08   <= 0.93, 4.1e-08
  paper 1000->9, M=1 and M=3            <= 0.19, 1.2e-07   0.83, 5.8e-08      <= 0.74, 3.2e-08
  B = 1, 16, 17, 64 (16x16 tiles)       <= 0.08, 1.2e-07   <= 0.92, 7.4e-08   <= 0.83, 4.9e-08
  ====================================  =================  =================  =================

  (torch's float32 path: below up to 3.7e-07, W up to 2.6e-07 relative, b the same as the
  kernel's.)
* Whole stacks, several SGD steps: errors compound through the forward pass, so the check is
  normwise, ``max |W_kernel - W_64| / max |W_64|`` per layer (weights and biases) against a
  float64 run of the same stack from the same float32 weights, tolerance ``1e-5`` (84 u); the
  kernel's error must also stay within ``4x + 8u`` of torch's own float32 error (the kernel
  is as accurate as torch), and the kernel-vs-torch float32 difference within ``1e-5``.
  Observed: [64, 48, 48, 5] with M=6 (every activation, one model stopped): kernel 1.2e-07,
  torch 1.9e-07, kernel-torch 1.9e-07 after 1 step; 3.9e-07, 7.9e-07, 8.8e-07 after 20.
  The paper's [1024, 1000 x5, 9] with M=3 (tanh, sigmoid, softsign): 7.3e-07, 5.3e-07,
  6.0e-07 after 1 step; 2.2e-06, 2.1e-06, 1.8e-06 after 20 (the test takes about 40 s).
* TF32 (``tf32=True``): the interpreter computes in float32 anyway; the check uses TF32's
  unit roundoff ``2**-11`` so that it would hold on a GPU too.

The whole module runs in about 60-80 s on this 2-core CPU (varies with the machine's load):
about 40 s the paper-sized stack, 5 s the small one, 5-7 s the sm_90 compilation, 2 s the
no-triton subprocess, the rest well under 1 s each.
"""

from __future__ import annotations

import os

os.environ["TRITON_INTERPRET"] = "1"  # before anything imports triton

import subprocess
import sys

import pytest
import torch

pytest.importorskip("triton")

from glorot import nets  # noqa: E402
from glorot import triton_kernels as tk  # noqa: E402

U = 2.0**-24
ACTS = list(tk.ACTIVATION_CODES)
PAPER_SIZES = [1024, 1000, 1000, 1000, 1000, 1000, 9]
PAPER_STEPS = 20
STACK_TOL = 1e-5


# --------------------------------------------------------------------------- references


def grad_from_output64(z64: torch.Tensor, acts) -> torch.Tensor:
    """``f'(s)`` from ``z = f(s)`` per model, in float64, by the formulas of glorot.nets."""
    return torch.stack([nets.ACTIVATIONS[a].grad_from_output(z64[k]) for k, a in enumerate(acts)])


def reference64(W, b, z, delta, lr, acts):
    """The step in float64 from the float32 inputs, with the elementwise error bounds that a
    correct float32 computation meets (see the module's docstring)."""
    W64, b64, z64, d64 = (t.double() for t in (W, b, z, delta))
    lr64 = lr.double()
    B, n_out = d64.shape[1], d64.shape[2]
    fp = grad_from_output64(z64, acts)
    below = fp * torch.bmm(d64, W64.transpose(1, 2))
    S = torch.bmm(d64.abs(), W64.abs().transpose(1, 2))
    G = torch.bmm(z64.abs().transpose(1, 2), d64.abs())
    W_new = W64 - lr64.view(-1, 1, 1) * torch.bmm(z64.transpose(1, 2), d64)
    b_new = b64 - lr64.view(-1, 1) * d64.sum(1)
    return {
        "below": below,
        "below_bound": U * ((n_out + 2) * fp.abs() + 4) * S + 1e-300,
        "W": W_new,
        "W_bound": U * (W_new.abs() + lr64.view(-1, 1, 1) * (B + 3) * G) + 1e-300,
        # W' as one sum of the B + 1 terms W, -lr z_b^T delta_b in any order (torch's CPU
        # baddbmm_ accumulates the products into W itself): a looser, still valid bound
        "W_bound_any": U * (B + 3) * (W64.abs() + lr64.view(-1, 1, 1) * G) + 1e-300,
        "b": b_new,
        "b_bound": U * (b_new.abs() + lr64.view(-1, 1) * (B + 3) * d64.abs().sum(1)) + 1e-300,
    }


def torch_step32(W, b, z, delta, lr, acts):
    """The float32 torch path of MLPStack._sgd_step_batched for one layer (on copies)."""
    W, b = W.clone(), b.clone()
    fp = torch.stack([nets.ACTIVATIONS[a].grad_from_output(z[k]) for k, a in enumerate(acts)])
    below = fp * torch.bmm(delta, W.transpose(1, 2))
    scaled = delta * lr.view(-1, 1, 1)
    W.baddbmm_(z.transpose(1, 2), scaled, alpha=-1.0)
    b.sub_(scaled.sum(1))
    return below, W, b


def within(name, got, ref, bound):
    """Max of |got - ref| / bound, which must be <= 1."""
    ratio = float(((got.double() - ref).abs() / bound).max())
    assert ratio <= 1.0, f"{name}: error {ratio:.3g} x its float32 bound"
    return ratio


def make_layer(M, n_in, n_out, B=10, seed=0, acts=None):
    """Float32 inputs of one layer with the magnitudes of a training step: W ~ U[-1/sqrt(n_in),
    1/sqrt(n_in)], b ~ 0.1 N(0, 1), z in the activation's range, delta ~ 1e-2 N(0, 1)."""
    g = torch.Generator().manual_seed(seed)
    a = n_in**-0.5
    W = (torch.rand(M, n_in, n_out, generator=g) * 2 - 1) * a
    b = torch.randn(M, n_out, generator=g) * 0.1
    s = torch.randn(M, B, n_in, generator=g) * 1.5
    acts = acts or ["tanh"] * M
    z = torch.stack([nets.ACTIVATIONS[act].f(s[k]) for k, act in enumerate(acts)])
    delta = torch.randn(M, B, n_out, generator=g) * 1e-2
    return W, b, z, delta


def check_call(M, n_in, n_out, acts, lrs, B=10, seed=0, **kw):
    """Runs the kernel once and checks below, W, b against the float64 bounds, and torch's
    float32 path against the same bounds. Returns the largest error/bound ratio."""
    W, b, z, delta = make_layer(M, n_in, n_out, B=B, seed=seed, acts=acts)
    lr = torch.tensor(lrs, dtype=torch.float32)
    ref = reference64(W, b, z, delta, lr, acts)
    t_below, t_W, t_b = torch_step32(W, b, z, delta, lr, acts)
    W0, b0 = W.clone(), b.clone()
    below = tk.backward_update(W, b, z, delta, lr, acts, need_below=True, **kw)
    assert below.shape == (M, B, n_in) and below.dtype == torch.float32
    r = max(
        within("below", below, ref["below"], ref["below_bound"]),
        within("W", W, ref["W"], ref["W_bound"]),
        within("b", b, ref["b"], ref["b_bound"]),
    )
    # torch's own float32 path meets the bounds too (so they are not too tight)
    for key, got, bound in (("below", t_below, "below_bound"), ("W", t_W, "W_bound_any"), ("b", t_b, "b_bound")):
        ratio = float(((got.double() - ref[key]).abs() / ref[bound]).max())
        assert ratio <= 1.0, f"torch's float32 {key}: {ratio:.3g} x the bound"
    for k, lr_k in enumerate(lrs):
        if lr_k == 0.0:
            assert torch.equal(W[k], W0[k]) and torch.equal(b[k], b0[k]), f"model {k} with lr = 0 changed"
    print(f"M={M} {n_in}->{n_out} {acts} lr={lrs} {kw}: max error/bound {r:.3f}")
    return r


# --------------------------------------------------------------------------- the module


def test_activation_codes_cover_the_nets_activations():
    assert set(tk.ACTIVATION_CODES) == set(nets.ACTIVATIONS)
    assert sorted(tk.ACTIVATION_CODES.values()) == list(range(len(nets.ACTIVATIONS)))
    assert tk.available()


# --------------------------------------------------------------------------- one call


@pytest.mark.parametrize("n_out", [23, 9])
@pytest.mark.parametrize("activation", ACTS)
def test_one_model_every_activation(activation, n_out):
    check_call(1, 37, n_out, [activation], [0.1], seed=n_out)


@pytest.mark.parametrize("blocks", [(None, None), (16, 16), (32, 16)])
@pytest.mark.parametrize("n_out", [23, 9])
def test_mixed_models_and_learning_rates(n_out, blocks):
    """Five models in one launch, each its own activation and rate, one of them stopped
    (lr = 0); with small tiles, several row programs and column steps end in partial tiles."""
    check_call(5, 37, n_out, ["softsign", "relu", "sigmoid", "linear", "tanh"], [0.1, 0.0, 0.5, 0.01, 1.0],
               seed=1, block_i=blocks[0], block_j=blocks[1])


def test_three_models_with_names_or_codes():
    W, b, z, delta = make_layer(3, 37, 23, acts=["tanh", "sigmoid", "tanh"])
    copies = [(W.clone(), b.clone()) for _ in range(3)]
    lrs = [0.05, 0.0, 0.2]
    outs = []
    for (Wc, bc), codes in zip(copies, (["tanh", "sigmoid", "tanh"], [1, 0, 1], torch.tensor([1, 0, 1], dtype=torch.int32))):
        outs.append(tk.backward_update(Wc, bc, z, delta, lrs, codes, need_below=True))
    for (Wc, bc), out in zip(copies[1:], outs[1:]):
        assert torch.equal(out, outs[0]) and torch.equal(Wc, copies[0][0]) and torch.equal(bc, copies[0][1])
    assert torch.equal(copies[0][0][1], W[1]) and torch.equal(copies[0][1][1], b[1])


@pytest.mark.parametrize("M", [1, 3])
@pytest.mark.parametrize("n_in, n_out", [(1024, 1000), (1000, 9)])
def test_paper_shapes(M, n_in, n_out):
    acts = ["tanh", "sigmoid", "softsign"][:M]
    lrs = [0.01, 0.1, 0.0][:M] if M > 1 else [0.01]
    check_call(M, n_in, n_out, acts, lrs, seed=n_out + M)


@pytest.mark.parametrize("B", [1, 16, 17, 64])
def test_other_batch_sizes(B):
    check_call(2, 37, 23, ["sigmoid", "relu"], [0.1, 0.3], B=B, seed=B, block_i=16, block_j=16)


def test_below_uses_the_old_weights():
    """The kernel's ``below`` is eq. (2) with the weights before the update; eq. (2) with the
    updated weights differs from it by far more than the float32 bound."""
    acts, lrs = ["tanh", "linear"], [0.5, 0.5]
    W, b, z, delta = make_layer(2, 37, 23, acts=acts, seed=3)
    lr = torch.tensor(lrs)
    ref = reference64(W, b, z, delta, lr, acts)
    below = tk.backward_update(W, b, z, delta, lr, acts, need_below=True, block_i=16, block_j=16)
    with_new = grad_from_output64(z.double(), acts) * torch.bmm(delta.double(), W.double().transpose(1, 2))
    within("below", below, ref["below"], ref["below_bound"])
    assert float(((below.double() - with_new).abs() / ref["below_bound"]).max()) > 1e3


def test_need_below_false_gives_the_same_update():
    W, b, z, delta = make_layer(3, 37, 23, acts=["relu"] * 3)
    W2, b2 = W.clone(), b.clone()
    assert tk.backward_update(W, b, z, delta, 0.1, "relu", need_below=False, block_i=16, block_j=16) is None
    tk.backward_update(W2, b2, z, delta, 0.1, "relu", need_below=True, block_i=16, block_j=16)
    assert torch.equal(W, W2) and torch.equal(b, b2)


def test_shared_input_with_stride_zero_and_strided_delta():
    """Layer 0's input is one [B, n_in] batch for every model: z expanded with stride 0 along
    the models (or given 2-D) gives the same result as a materialised copy; delta may be
    strided too."""
    M, n_in, n_out = 3, 37, 23
    W, b, _, delta = make_layer(M, n_in, n_out)
    x = torch.rand(10, n_in)
    z_shared = x.unsqueeze(0).expand(M, -1, -1)
    assert z_shared.stride(0) == 0
    delta_strided = delta.transpose(1, 2).contiguous().transpose(1, 2)
    assert not delta_strided.is_contiguous()
    lrs = torch.tensor([0.1, 0.2, 0.3])
    results = []
    for zz, dd in ((z_shared.contiguous(), delta), (z_shared, delta), (x, delta_strided)):
        Wc, bc = W.clone(), b.clone()
        below = tk.backward_update(Wc, bc, zz, dd, lrs, "linear", need_below=True, block_i=16, block_j=16)
        results.append((below, Wc, bc))
    ref = reference64(W, b, z_shared, delta, lrs, ["linear"] * M)
    within("W", results[0][1], ref["W"], ref["W_bound"])
    for other in results[1:]:
        assert all(torch.equal(a, c) for a, c in zip(results[0], other))


def test_tf32_flag():
    tol = 2.0**-11
    W, b, z, delta = make_layer(2, 64, 48, acts=["tanh", "sigmoid"])
    lr = torch.tensor([0.1, 0.1])
    ref = reference64(W, b, z, delta, lr, ["tanh", "sigmoid"])
    below = tk.backward_update(W, b, z, delta, lr, ["tanh", "sigmoid"], need_below=True, tf32=True)
    assert float((below - ref["below"]).abs().max() / ref["below"].abs().max()) < 64 * tol
    assert float((W - ref["W"]).abs().max() / ref["W"].abs().max()) < 4 * tol


COMPILE_FOR_HOPPER = r"""
import json, os, sys
os.environ.pop("TRITON_INTERPRET", None)  # the real compiler; triton must be imported after this
import triton
from triton.compiler import ASTSource
try:
    from triton.backends.compiler import GPUTarget
except ImportError:
    sys.exit(77)
from glorot import triton_kernels as tk

fn = triton.jit(tk._backward_update_body)
names = fn.arg_names
constexprs = ("N_OUT", "BLOCK_B", "BLOCK_I", "BLOCK_J", "NEED_BELOW", "INPUT_PRECISION")
signature = {n: "*i32" if n == "act_ptr" else "*fp32" if n.endswith("_ptr") else "constexpr" if n in constexprs else "i32"
             for n in names}
block_i, block_j = tk.GPU_BLOCKS
out = []
for precision in ("ieee", "tf32"):
    for n_out, need_below in ((1000, True), (9, True), (1000, False)):
        values = dict(N_OUT=n_out, BLOCK_B=tk.BLOCK_B_MIN, BLOCK_I=block_i,
                      BLOCK_J=max(16, min(block_j, triton.next_power_of_2(n_out))),
                      NEED_BELOW=need_below, INPUT_PRECISION=precision)
        src = ASTSource(fn, signature, constexprs={(names.index(k),): v for k, v in values.items()})
        try:
            k = triton.compile(src, target=GPUTarget("cuda", 90, 32), options={"num_warps": tk.GPU_NUM_WARPS})
        except FileNotFoundError:
            sys.exit(77)
        ptx = k.asm["ptx"]
        out.append(dict(precision=precision, n_out=n_out, need_below=need_below, mma="mma" in ptx,
                        fma="fma.rn.f32" in ptx, cubin=len(k.asm.get("cubin", b""))))
print(json.dumps(out))
"""


def test_the_kernel_compiles_for_a_hopper_gpu(tmp_path):
    """No GPU needed: Triton's own compiler (and the ptxas it ships) builds the kernel for
    sm_90 (H100/H200) with the wrapper's GPU tile sizes, for the paper's two layer widths,
    with and without ``below``. "ieee" must give plain float32 FMAs and no tensor-core MMA,
    "tf32" MMAs. In a fresh process: this one runs triton's interpreter."""
    import json

    env = {k: v for k, v in os.environ.items() if k != "TRITON_INTERPRET"}
    env["TRITON_CACHE_DIR"] = str(tmp_path)
    proc = subprocess.run([sys.executable, "-c", COMPILE_FOR_HOPPER], capture_output=True, text=True, env=env, timeout=300)
    if proc.returncode == 77:
        pytest.skip("this triton has no CUDA backend or ptxas to compile with")
    assert proc.returncode == 0, proc.stderr[-3000:]
    variants = json.loads(proc.stdout.strip().splitlines()[-1])
    assert len(variants) == 6
    for v in variants:
        assert v["mma"] == (v["precision"] == "tf32"), v
        assert v["fma"] and v["cubin"] > 0, v


# --------------------------------------------------------------------------- whole stacks


def kernel_sgd_step(stack: nets.MLPStack, x: torch.Tensor, y: torch.Tensor) -> None:
    """MLPStack._sgd_step_batched with the fused kernel doing each layer's backward and update:
    forward and output delta in torch, then from the top ``backward_update``."""
    fwd = stack.forward(x)
    lr = stack.learning_rates * stack.active.to(stack.device, stack.dtype)
    codes = torch.tensor([tk.ACTIVATION_CODES[a] for a in stack.activations], dtype=torch.int32)
    delta = stack.output_delta(fwd, y)
    for i in range(len(stack.weights) - 1, -1, -1):
        delta = tk.backward_update(stack.weights[i], stack.biases[i], fwd.z[i], delta, lr, codes, need_below=i > 0)


def normwise(a: nets.MLPStack, ref: nets.MLPStack) -> float:
    """Largest over layers (weights and biases) of max |a - ref| / max |ref|."""
    out = 0.0
    for x, r in zip(a.weights + a.biases, ref.weights + ref.biases):
        out = max(out, float((x.double() - r).abs().max() / r.abs().max().clamp_min(1e-30)))
    return out


def run_stacks(stack: nets.MLPStack, steps: int, checkpoints, seed=0):
    """Trains three identical copies, fused kernel / torch float32 / torch float64, on the
    same minibatches; at each checkpoint compares them."""
    kern = stack.select(range(stack.n_models))
    t32 = stack.select(range(stack.n_models))
    t64 = stack.to("cpu", torch.float64)
    g = torch.Generator().manual_seed(seed)
    seen = {}
    for step in range(1, steps + 1):
        x = torch.rand(10, stack.sizes[0], generator=g)
        y = torch.randint(0, stack.sizes[-1], (10,), generator=g)
        kernel_sgd_step(kern, x, y)
        t32._sgd_step_batched(x, y)
        t64._sgd_step_batched(x, y)
        if step in checkpoints:
            seen[step] = e = {"kernel": normwise(kern, t64), "torch32": normwise(t32, t64), "kernel-torch32": normwise(kern, t32.to("cpu", torch.float64))}
            print(f"{stack.sizes} after {step} steps: {e}")
            assert e["kernel"] <= STACK_TOL, e
            assert e["kernel"] <= 4 * e["torch32"] + 8 * U, e
            assert e["kernel-torch32"] <= STACK_TOL, e
    for k in range(stack.n_models):
        if not stack.active[k]:
            assert all(torch.equal(w[k], w0[k]) for w, w0 in zip(kern.weights + kern.biases, stack.weights + stack.biases))
    return seen


def test_small_stack_20_steps():
    stack = nets.MLPStack([64, 48, 48, 5], activations=["sigmoid", "tanh", "softsign", "relu", "linear", "tanh"],
                          inits=["standard", "normalized", "standard", "normalized", "standard", "normalized"],
                          learning_rates=[0.1, 0.05, 0.2, 0.1, 0.01, 0.1], seeds=[1, 2, 3, 4, 5, 6])
    stack.active[5] = False  # a stopped (diverged) model: its weights must not move
    run_stacks(stack, 20, {1, 20})


def test_paper_sized_stack():
    stack = nets.MLPStack(PAPER_SIZES, activations=["tanh", "sigmoid", "softsign"], inits=["standard", "normalized", "normalized"],
                          learning_rates=[0.01, 0.1, 0.05], seeds=[7, 8, 9])
    run_stacks(stack, PAPER_STEPS, {1, PAPER_STEPS})


# --------------------------------------------------------------------------- errors


def _bad(**changes):
    W, b, z, delta = make_layer(2, 20, 17)
    args = dict(W=W, b=b, z=z, delta=delta, lr=0.1, act_codes="tanh", need_below=True)
    args.update({k: (v(args) if callable(v) else v) for k, v in changes.items()})
    return args


@pytest.mark.parametrize("changes, match", [
    (dict(W=lambda a: a["W"].double()), "W must be float32"),
    (dict(W=lambda a: a["W"][0]), r"W must have shape"),
    (dict(W=lambda a: a["W"].transpose(1, 2).contiguous().transpose(1, 2)), "W must be contiguous"),
    (dict(W=[[1.0]]), "W must be a torch.Tensor"),
    (dict(b=lambda a: a["b"][:, :5]), r"b must have shape \[M=2, n_out=17\]"),
    (dict(b=lambda a: a["b"].half()), "b must be float32"),
    (dict(b=lambda a: a["b"][:1].expand(2, -1)), "b must not be an expanded view"),
    (dict(z=lambda a: a["z"][..., :5]), r"z must have shape \[M=2, B, n_in=20\]"),
    (dict(z=lambda a: a["z"].double()), "z must be float32"),
    (dict(z=lambda a: torch.zeros(2, 65, 20)), "batch must hold 1 to 64"),
    (dict(delta=lambda a: a["delta"][:, :4]), r"delta must have shape \[M=2, B=10, n_out=17\]"),
    (dict(delta=lambda a: a["delta"].int()), "delta must be float32"),
    (dict(lr=[0.1, 0.2, 0.3]), "lr must hold 1 or M=2"),
    (dict(lr=torch.tensor([1, 2])), "lr must be a float tensor"),
    (dict(act_codes="swish"), "unknown activation 'swish'"),
    (dict(act_codes=[1, 7]), "7 is no activation code"),
    (dict(act_codes=["tanh"] * 3), "act_codes must hold 1 or M=2"),
    (dict(act_codes=torch.tensor([1.0, 2.0])), "act_codes must be an int tensor"),
])
def test_validation_errors(changes, match):
    args = _bad(**changes)
    W0 = args["W"].clone() if isinstance(args["W"], torch.Tensor) else None
    with pytest.raises(ValueError, match=match):
        tk.backward_update(**args)
    if W0 is not None:
        assert torch.equal(args["W"], W0), "a rejected call must not touch W"


@pytest.mark.parametrize("name, value", [("block_i", 8), ("block_j", 48), ("block_i", True)])
def test_bad_block_sizes(name, value):
    with pytest.raises(ValueError, match=f"{name} must be a power of two >= 16"):
        tk.backward_update(**_bad(), **{name: value})


def test_cpu_tensors_need_the_interpreter(monkeypatch):
    monkeypatch.setenv("TRITON_INTERPRET", "0")
    with pytest.raises(RuntimeError, match="TRITON_INTERPRET=1"):
        tk.backward_update(**_bad())


def test_without_triton_the_module_imports_and_says_what_to_install():
    code = (
        "import sys; sys.modules['triton'] = None\n"
        "import torch, glorot.triton_kernels as tk\n"
        "assert not tk.available()\n"
        "W = torch.zeros(1, 16, 16)\n"
        "try:\n"
        "    tk.backward_update(W, torch.zeros(1, 16), torch.zeros(1, 10, 16), torch.zeros(1, 10, 16), 0.1, 'tanh', True)\n"
        "except ImportError as e:\n"
        "    assert 'pip install triton==3.6.0' in str(e), e\n"
        "else:\n"
        "    raise SystemExit('no error')\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr



def test_train_with_the_fused_kernels_follows_the_torch_path():
    """The whole trainer with ``kernels="triton"`` (graph engine: one block of 100 updates
    run eagerly on the CPU, then 30 single steps outside the block) against the same run with
    torch's kernels: same examples, same divergence bookkeeping, weights within float32
    rounding of each other (relative to the largest weight of each layer)."""
    from glorot.run_settings import Execution, RunSettings
    from glorot.train import ArrayStream, train

    def run(kernels):
        stack = nets.MLPStack([24, 16, 16, 4], activations=["tanh", "softsign", "relu"], inits="normalized",
                              learning_rates=[0.05, 0.1, 0.02], seeds=[0, 1, 2])
        g = torch.Generator().manual_seed(0)
        x, y = torch.rand(600, 24, generator=g), torch.randint(0, 4, (600,), generator=g)
        res = train(stack, ArrayStream(x, y, seed=1), 130, eval_every=65, eval_sets={"t": (x[:100], y[:100])},
                    settings=RunSettings(Execution(engine="graph", kernels=kernels)))
        return stack, res

    a, ra = run("torch")
    b, rb = run("triton")
    for wa, wb in zip(a.weights + a.biases, b.weights + b.biases):
        assert (wa - wb).abs().max() <= 1e-5 * wa.abs().max()
    assert ra.curves["error"].tolist() == rb.curves["error"].tolist()
