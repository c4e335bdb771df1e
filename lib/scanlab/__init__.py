"""scanlab: the library behind *scan, step by step*.

Small modules, one concept each, named in the book's vocabulary.

Shared by every chapter: `checks` (clear errors on bad input), `compiled` (compile once per
process, counted), `memory` (what a compiled scan allocates), `explorer` (widgets that work
with and without a kernel), `sketch` (small SVG line charts for explorer outputs), `source`
(show a scanlab function's code on the page), `announce` (a note while a slow cell runs,
nothing of it stored).

One per chapter: `power` (1, A**k), `polynomial` (2, sequences), `signature` (3, the order of
fn's arguments), `rnn` and `softmax` (4, the shape puzzle), `taps` (5, taps and until),
`randomness` (6), `gradients` (7), `performance` (8, the ways to write a loop, timed), `logp`
(8, a log-density and its gradient as a sampler calls them), `machine` (8, the CPU, versions
and compile cache behind a timing), `explain` and `diagnosis` (9, explain any scan call before
it runs: arguments, steps, result shapes, problems), `autoregressive` (10, an AR(2) scan inside
PyMC), `legacy` (appendix, Theano to PyTensor).
"""

from scanlab.checks import ScanlabInputError
from scanlab.explain import explain
from scanlab.explorer import Choice, Explorer, Free, explorer

__all__ = ["Choice", "Explorer", "Free", "ScanlabInputError", "explain", "explorer"]
