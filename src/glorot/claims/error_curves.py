"""The claims of the paper that chapter pages judge for the section of :mod:`glorot.experiments.error_curves`
(see :mod:`glorot.claims` for what a claim is)."""

from __future__ import annotations
