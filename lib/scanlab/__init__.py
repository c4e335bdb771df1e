"""scanlab: the library behind *scan, step by step*.

Small modules, one concept each, named in the book's vocabulary: `power` (chapter 1),
`memory` (what a compiled scan allocates), `explorer` (widgets that work with and without
a kernel), `checks` (clear errors on bad input), `compiled` (compile once per process).
"""

from scanlab.checks import ScanlabInputError
from scanlab.explorer import Choice, Explorer, Free, explorer

__all__ = ["Choice", "Explorer", "Free", "ScanlabInputError", "explorer"]
