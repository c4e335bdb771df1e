"""Chapter 3: the order of fn's arguments, measured rather than recalled.

`probe` runs a real `pytensor.scan` with a recording `fn` and reports what fn received, in
order: sequences (one argument per tap), prior results (one per tap of each output that has
an initial value), non-sequences. Scan calls fn once, symbolically, while it builds the
graph, so nothing is compiled and a probe takes a fraction of a second.

How each argument is identified, without assuming the rule it is meant to prove: scan names
the slice it hands to fn after the input and the tap (`x[t-1]`, `F[t-2]`), and passes
non-sequences as the very variables it was given. The probe reads those names and
identities. (Unnamed inputs get a name first, on an alias, so they can be told apart.)

`layout_scan` builds a scan call from taps alone (x, y, ... for sequences, F, G, ... for
outputs, W, b, ... for non-sequences); `describe_signature` is the chapter's explorer.
`fibonacci` and `first_minus_second` are the chapter's two compiled loops: taps that run,
checked against plain Python.
"""

from __future__ import annotations

import html
import inspect
import keyword
import re
import textwrap
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pytensor
import pytensor.tensor as pt
from pytensor.compile.executor import Function
from pytensor.graph.basic import Variable
from pytensor.tensor.exceptions import NotScalarConstantError

from scanlab.checks import ScanlabInputError, as_count, as_vector
from scanlab.compiled import compiled, function

Role = Literal["sequence", "prior result", "non-sequence"]
ROLES: tuple[Role, ...] = ("sequence", "prior result", "non-sequence")
# The notes' mnemonic for fn's arguments: what changes, the prior result, what stays.
MNEMONIC: dict[Role, str] = {
    "sequence": "在变的东西 (what changes)",
    "prior result": "上次的结果 (the prior result)",
    "non-sequence": "不变的东西 (what stays)",
}
ROLE_COLOURS: dict[Role, str] = {
    "sequence": "#cfe2f3",
    "prior result": "#fce5cd",
    "non-sequence": "#d9ead3",
}

SEQUENCE_NAMES = ("x", "y", "z", "u")
OUTPUT_NAMES = ("F", "G", "H", "K")
NON_SEQUENCE_NAMES = ("W", "b", "c", "d")
FEATURES = 3  # every time step of the layouts is a vector of this length
MAX_TAPS = 6
MAX_TAP = 9

# scan names a slice "<input name>[t]", "[t-2]" or "[t+1]" (pytensor/scan/basic.py)
_SLICE_NAME = re.compile(r"^(?P<source>.+)\[t(?P<tap>[+-]\d+)?\]$")


@dataclass(frozen=True)
class Argument:
    """One argument fn received: where it sits, what it is, where it comes from."""

    position: int  # 1-based, as a reader counts fn's parameters
    role: Role
    source: str  # e.g. "sequences[0] x"
    tap: int | None  # None for a non-sequence (it has no time index)
    variable_name: str | None  # the name scan gave the symbolic variable, e.g. "x[t-1]"
    type: str  # e.g. "Vector(float64, shape=(3,))"
    shape: tuple[int | None, ...] | None
    dtype: str | None
    parameter: str  # a Python parameter name for a `def` line, e.g. "x_tm1"

    @property
    def place(self) -> tuple[str, int]:
        """Where it comes from, e.g. ("outputs_info", 0): `source` starts "group[index]"
        (`_source`; scanlab.explain adds ", tap -1" after it)."""
        group, index = self.source.split("]", 1)[0].split("[")
        return group, int(index)

    @property
    def short_type(self) -> str:
        """'vector float64 (3,)': kind, dtype and static shape ('?' where unknown)."""
        if self.shape is None or self.dtype is None:
            return self.type
        kinds = {0: "scalar", 1: "vector", 2: "matrix"}
        dims = ", ".join("?" if d is None else str(d) for d in self.shape)
        dims = f"({dims},)" if len(self.shape) == 1 else f"({dims})"
        return f"{kinds.get(len(self.shape), f'{len(self.shape)}-d')} {self.dtype} {dims}"

    @property
    def tap_text(self) -> str:
        """'t-1', 't', 't+1', or '' for a non-sequence."""
        if self.tap is None:
            return ""
        return "t" if self.tap == 0 else f"t{self.tap:+d}"


@dataclass(frozen=True)
class Signature:
    """What fn received from one scan call, in order, with any warning scan printed."""

    arguments: tuple[Argument, ...]
    n_outputs: int  # how many values fn returned (one per entry of outputs_info)
    warnings: tuple[str, ...] = field(default=())

    def __len__(self) -> int:
        return len(self.arguments)

    @property
    def parameters(self) -> list[str]:
        return [a.parameter for a in self.arguments]

    @property
    def variable_names(self) -> list[str | None]:
        return [a.variable_name for a in self.arguments]

    @property
    def roles(self) -> list[Role]:
        return [a.role for a in self.arguments]

    def def_line(self, name: str = "fn") -> str:
        """The `def` line a step function needs, e.g. 'def fn(x_t, F_tm1, W):'."""
        return f"def {name}({', '.join(self.parameters)}):"

    def role_order_holds(self) -> bool:
        """True when every sequence comes before every prior result, before every non-sequence."""
        ranks = [ROLES.index(r) for r in self.roles]
        return ranks == sorted(ranks)

    def table(self, *, names: bool = True) -> str:
        """The arguments as a plain-text table (`names=False` drops the 'scan's name' column)."""
        header = ("#", "role", "source", "tap", "scan's name", "type")
        rows = [
            (str(a.position), a.role, a.source, a.tap_text, a.variable_name or "", a.short_type)
            for a in self.arguments
        ]
        if not names:
            header = header[:4] + header[5:]
            rows = [row[:4] + row[5:] for row in rows]
        widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
        lines = [
            "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
            for row in [header, *rows]
        ]
        if not rows:
            lines.append("(fn receives no arguments)")
        return "\n".join(lines)

    def __str__(self) -> str:
        parts = [self.table(), "", self.def_line()]
        parts += [f"scan warned: {w}" for w in self.warnings]
        return "\n".join(parts)

    def __repr__(self) -> str:
        return str(self)

    def _repr_html_(self) -> str:
        cell = 'style="padding:0.15em 0.7em;text-align:left"'  # themes strip table padding
        head = "".join(
            f"<th {cell}>{h}</th>" for h in ("#", "role", "source", "tap", "scan's name", "type")
        )
        body = []
        for a in self.arguments:
            colour = ROLE_COLOURS[a.role]
            cells = (str(a.position), a.role, a.source, a.tap_text, a.variable_name or "")
            cells += (a.short_type,)
            body.append(
                f'<tr style="background:{colour}" title="{MNEMONIC[a.role]}">'
                + "".join(f"<td {cell}>{html.escape(c)}</td>" for c in cells)
                + "</tr>"
            )
        if not body:
            body.append('<tr><td colspan="6"><i>fn receives no arguments</i></td></tr>')
        notes = "".join(
            f'<p class="scanlab-error">scan warned: {html.escape(w)}</p>' for w in self.warnings
        )
        return (
            '<table class="scanlab-signature" style="font-size:0.85em;border-collapse:collapse">'
            f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
            f"<pre>{html.escape(self.def_line())}</pre>{notes}"
        )


def _label_inputs(items: list[Any], prefix: str, key: str | None, taken: set[str]) -> list[Any]:
    """Copies of the sequence / outputs_info entries whose inputs have distinct names.

    An unnamed input (or one whose name is already used) is replaced by a named alias, so the
    slice scan hands to fn can be traced back to it. The reader's dicts are not modified
    (scan itself rewrites the dicts it is given).
    """
    labelled = []
    for i, item in enumerate(items):
        entry = dict(item) if isinstance(item, dict) else item
        if entry is None or (isinstance(entry, dict) and entry.get(key) is None):
            labelled.append(entry)
            continue
        value = entry[key] if isinstance(entry, dict) else entry
        variable = value if isinstance(value, Variable) else pt.as_tensor_variable(value)
        name = getattr(variable, "name", None)
        if not name or name in taken:
            name = f"{prefix}[{i}]"
            variable = variable.copy(name=name)
        taken.add(name)
        if isinstance(entry, dict):
            entry[key] = variable
        else:
            entry = variable
        labelled.append(entry)
    return labelled


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, (list, tuple)) else [value]


def _is_one_step(n_steps: Any) -> bool:
    if n_steps is None:
        return False
    if isinstance(n_steps, (int, float)):
        return n_steps == 1
    try:
        return pt.get_scalar_constant_value(n_steps) == 1
    except (NotScalarConstantError, TypeError):
        return False


def _parameter_name(source_name: str, tap: int | None, used: set[str]) -> str:
    base = re.sub(r"\W+", "_", source_name).strip("_") or "arg"
    if base[0].isdigit() or keyword.iskeyword(base):
        base = f"v_{base}"
    if tap is not None:
        base += "_t" if tap == 0 else (f"_tm{-tap}" if tap < 0 else f"_tp{tap}")
    name, n = base, 2
    while name in used:
        name, n = f"{base}_{n}", n + 1
    used.add(name)
    return name


def _describe_type(variable: Variable) -> tuple[str, tuple[int | None, ...] | None, str | None]:
    shape = getattr(variable.type, "shape", None)
    dtype = getattr(variable.type, "dtype", None)
    return str(variable.type), (tuple(shape) if shape is not None else None), dtype


@dataclass(frozen=True)
class Recording:
    """What one real `pytensor.scan` call did with a recording step function.

    The machinery shared by `probe` (chapter 3) and `scanlab.explain` (chapter 9): scan is
    called as a reader would call it, the recorder notes what fn receives and returns, and
    whatever scan raises is kept, not raised.
    """

    arguments: tuple[Argument, ...]  # what fn received, in order (empty if fn never ran)
    received: tuple[Variable, ...]  # the symbolic variables themselves, in the same order
    returned: Any  # fn's own return value, or None when fn was never called
    outputs: Any  # what scan returned, or None when it raised
    error: Exception | None  # what scan (or fn) raised
    call_error: str | None  # Python's message when fn's parameters do not fit the arguments
    warnings: tuple[str, ...]
    sequences: list[Any]  # the entries as passed to scan (unnamed inputs named after their place)
    outputs_info: list[Any]
    non_sequences: list[Any]
    called: bool = False  # whether scan called fn at all


def record_scan(
    fn: Callable[..., Any] | None,
    sequences: Any = None,
    outputs_info: Any = None,
    non_sequences: Any = None,
    *,
    n_steps: Any = None,
    strict: bool = False,
    go_backwards: bool = False,
    truncate_gradient: int = -1,
) -> Recording:
    """Run pytensor.scan with a recording fn; keep any error.

    The call is `pytensor.scan(..., return_updates=False)`; what
    scan raises is returned in `Recording.error`, never raised.
    Nothing is compiled. `fn=None` records with a placeholder
    step (each output returns its own prior value).
    """
    # Unnamed inputs get a name after their place, on an alias.
    taken: set[str] = set()
    seqs = _label_inputs(
        _as_list(sequences), "sequences", "input", taken
    )
    outs = _label_inputs(
        _as_list(outputs_info), "outputs_info", "initial", taken
    )
    non_seqs = [
        v if isinstance(v, Variable) else pt.as_tensor_variable(v)
        for v in _as_list(non_sequences)
    ]

    seq_sources: dict[str, int] = {}
    for i, entry in enumerate(seqs):
        seq = entry["input"] if isinstance(entry, dict) else entry
        seq_sources[seq.name] = i
    out_sources: dict[str, int] = {}
    for i, entry in enumerate(outs):
        if isinstance(entry, dict):
            initial = entry.get("initial")
        else:
            initial = entry
        if initial is not None:
            out_sources[initial.name] = i

    received: list[Variable] = []
    returned: list[Any] = []
    call_error: list[str] = []

    def recorder(*args: Variable) -> Any:
        received.extend(args)
        if fn is None:
            result = _placeholder_outputs(args, outs)
        else:
            # Python's own check, before fn runs: do they fit?
            try:
                inspect.signature(fn).bind(*args)
            except TypeError as exc:
                call_error.append(str(exc))
            except ValueError:
                pass  # no signature (some builtins): call it
            result = fn(*args)
        returned.append(result)
        return result

    outputs, error = None, None
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            outputs = pytensor.scan(
                recorder,
                sequences=seqs,
                outputs_info=outs,
                non_sequences=non_seqs,
                n_steps=n_steps,
                go_backwards=go_backwards,
                truncate_gradient=truncate_gradient,
                strict=strict,
                return_updates=False,
            )
        except Exception as exc:
            error = exc  # probe raises it, explain explains it
    arguments = _identify(
        received, seqs, outs, non_seqs, seq_sources, out_sources
    )
    return Recording(
        arguments=tuple(arguments),
        received=tuple(received),
        returned=returned[0] if returned else None,
        outputs=outputs,
        error=error,
        call_error=call_error[0] if call_error else None,
        warnings=tuple(str(w.message) for w in caught),
        sequences=seqs,
        outputs_info=outs,
        non_sequences=non_seqs,
        called=bool(received) or bool(returned),
    )


def probe(
    fn: Callable[..., Any] | None = None,
    sequences: Any = None,
    outputs_info: Any = None,
    non_sequences: Any = None,
    *,
    n_steps: Any = None,
    strict: bool = False,
) -> Signature:
    """Run scan with a recording fn; report what fn received.

    Takes scan's first four arguments in scan's order (`fn` may
    be left out), plus `n_steps` and `strict` by keyword; none of
    scan's other arguments. `record_scan` makes the call. With
    `fn=None` the recorder returns a placeholder per entry of
    outputs_info (an output's own previous value, or a constant
    for an output without initial value); pass your own `fn` to
    probe it as it is (it is called with the same arguments,
    after they are recorded). Nothing is compiled. Warnings scan
    raises while building are captured in `Signature.warnings`,
    not printed; an error scan raises is raised
    (`scanlab.explain` explains it instead).
    """
    if _is_one_step(n_steps):
        raise ScanlabInputError(
            "n_steps must not be 1 for a probe: with n_steps=1 "
            "scan skips the loop and hands fn the first step's "
            "values (x[0], the initial value itself), not the "
            "slices named x[t], h[t-1] that the probe reads"
        )
    recording = record_scan(
        fn,
        sequences,
        outputs_info,
        non_sequences,
        n_steps=n_steps,
        strict=strict,
    )
    if recording.error is not None:
        raise recording.error
    result = recording.returned
    n_outputs = (
        len(result) if isinstance(result, (list, tuple)) else 1
    )
    return Signature(
        recording.arguments, n_outputs, recording.warnings
    )


def _placeholder_outputs(args: Sequence[Variable], outs: list[Any]) -> Any:
    """One return value per output: its own previous value (right type), or a constant."""
    if not outs:
        return pt.constant(0.0)
    results = []
    for entry in outs:
        initial = entry.get("initial") if isinstance(entry, dict) else entry
        if initial is None:
            results.append(pt.constant(0.0))
            continue
        mine = [a for a in args if a.name and a.name.startswith(initial.name + "[t")]
        results.append(mine[0])
    return results


def _source(group: str, index: int, name: str) -> str:
    label = f"{group}[{index}]"
    return label if name == label else f"{label} {name}"


def _identify(
    received: list[Variable],
    seqs: list[Any],
    outs: list[Any],
    non_seqs: list[Variable],
    seq_sources: dict[str, int],
    out_sources: dict[str, int],
) -> list[Argument]:
    used: set[str] = set()
    arguments = []
    for position, arg in enumerate(received, start=1):
        type_text, shape, dtype = _describe_type(arg)
        match = _SLICE_NAME.match(arg.name or "")
        nonseq_index = next((i for i, v in enumerate(non_seqs) if v is arg), None)
        if nonseq_index is not None:
            name = arg.name or f"non_sequences[{nonseq_index}]"
            role: Role = "non-sequence"
            source, tap, short = _source("non_sequences", nonseq_index, name), None, name
        elif match and match["source"] in seq_sources:
            i, short = seq_sources[match["source"]], match["source"]
            role, source, tap = "sequence", _source("sequences", i, short), int(match["tap"] or 0)
        elif match and match["source"] in out_sources:
            i, short = out_sources[match["source"]], match["source"]
            role, tap = "prior result", int(match["tap"] or 0)
            source = _source("outputs_info", i, short)
        else:  # scan changed how it names slices: say so rather than guess
            raise RuntimeError(f"cannot tell where fn's argument {position} ({arg!r}) comes from")
        arguments.append(
            Argument(
                position=position,
                role=role,
                source=source,
                tap=tap,
                variable_name=arg.name,
                type=type_text,
                shape=shape,
                dtype=dtype,
                parameter=_parameter_name(short, tap, used),
            )
        )
    return arguments


def error_message(
    build: Callable[[], Any], *, width: int | None = None, limit: int | None = None
) -> str:
    """'ErrorType: message' of what `build()` raises (to show an error without a traceback).

    `width` wraps the text into lines of at most that many characters (for a narrow page);
    `limit` keeps only the first `limit` characters of a long message (ending in ' [...]').
    """
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            build()
    except Exception as exc:
        message = f"{type(exc).__name__}: {exc}"
        if limit is not None and len(message) > limit:
            message = " ".join(message.split())[:limit].rsplit(" ", 1)[0] + " [...]"
        if width:  # never split a word: a name cut in two is misleading
            return textwrap.fill(message, width, break_long_words=False, break_on_hyphens=False)
        return message
    raise AssertionError("expected an error, but the call succeeded")


# ---------------------------------------------------------------------------------------
# Layouts: a scan call described by its taps alone (the explorer and the exercises).

Taps = tuple[int, ...]


def _check_taps(name: str, taps: Any, *, outputs: bool) -> Taps:
    if isinstance(taps, (str, bytes)) or not isinstance(taps, Sequence):
        raise ScanlabInputError(
            f"{name} must be a list of whole numbers like [-1, 0], got {taps!r}"
        )
    clean = tuple(
        as_count(name, t, minimum=-MAX_TAP, maximum=MAX_TAP) for t in taps
    )
    if not clean:
        raise ScanlabInputError(f"{name} must list at least one tap")
    if len(clean) > MAX_TAPS:
        raise ScanlabInputError(f"{name} may list at most {MAX_TAPS} taps, got {len(clean)}")
    if len(set(clean)) != len(clean):
        raise ScanlabInputError(f"{name} must not repeat a tap, got {list(clean)}")
    if outputs and max(clean) >= 0:
        raise ScanlabInputError(
            f"{name} must all be negative: a prior result can only look back "
            f"(t-1, t-2, ...), got {list(clean)}"
        )
    return clean


@dataclass(frozen=True)
class Layout:
    """A scan call built from taps: the symbolic inputs and the code a reader would write."""

    sequences: list[Any]
    outputs_info: list[Any]
    non_sequences: list[Variable]
    n_steps: Variable | None
    code: str


def layout_scan(
    sequences: Sequence[Sequence[int]] = ((0,),),
    outputs: Sequence[Sequence[int] | None] = ((-1,),),
    non_sequences: int = 2,
) -> Layout:
    """Build the inputs of a scan call from taps: one tap list per sequence, one per output
    (None: an output without initial value), and a count of non-sequences.

    Every step is a vector of length 3: sequences are (T, 3) matrices, an output with taps
    [-1] starts from a (3,) vector, one with deeper taps from a (max |tap|, 3) matrix.
    """
    if isinstance(sequences, (str, bytes)) or not isinstance(sequences, Sequence):
        raise ScanlabInputError(f"sequences must be a list of tap lists, got {sequences!r}")
    if isinstance(outputs, (str, bytes)) or not isinstance(outputs, Sequence):
        raise ScanlabInputError(f"outputs must be a list of tap lists or None, got {outputs!r}")
    if len(sequences) > len(SEQUENCE_NAMES):
        raise ScanlabInputError(f"sequences: at most {len(SEQUENCE_NAMES)}, got {len(sequences)}")
    if len(outputs) > len(OUTPUT_NAMES):
        raise ScanlabInputError(f"outputs: at most {len(OUTPUT_NAMES)}, got {len(outputs)}")
    n_non = as_count("non_sequences", non_sequences, maximum=len(NON_SEQUENCE_NAMES))

    seq_args, seq_code = [], []
    for name, taps in zip(SEQUENCE_NAMES, sequences, strict=False):
        taps = _check_taps(f"taps of sequence {name}", taps, outputs=False)
        variable = pt.matrix(name, shape=(None, FEATURES))
        if taps == (0,):
            seq_args.append(variable)
            seq_code.append(name)
        else:
            seq_args.append(dict(input=variable, taps=list(taps)))
            seq_code.append(f"dict(input={name}, taps={list(taps)})")

    out_args, out_code = [], []
    names = iter(OUTPUT_NAMES)  # only outputs with an initial value need a name
    for taps in outputs:
        if taps is None:
            out_args.append(None)
            out_code.append("None")
            continue
        name = next(names)
        taps = _check_taps(f"taps of output {name}", taps, outputs=True)
        if taps == (-1,):
            out_args.append(pt.vector(name, shape=(FEATURES,)))
            out_code.append(name)
        else:
            depth = -min(taps)
            initial = pt.matrix(name, shape=(depth, FEATURES))
            out_args.append(dict(initial=initial, taps=list(taps)))
            out_code.append(f"dict(initial={name}, taps={list(taps)})")

    shapes = [(FEATURES, FEATURES)] + [(FEATURES,)] * (len(NON_SEQUENCE_NAMES) - 1)
    names = NON_SEQUENCE_NAMES[:n_non]
    non_args = [pt.tensor(n, shape=s) for n, s in zip(names, shapes[:n_non], strict=True)]

    n_steps = None if seq_args else pt.iscalar("k")
    lines = ["pytensor.scan(", "    fn,"]
    if seq_code:
        lines.append(f"    sequences=[{', '.join(seq_code)}],")
    if out_code:
        lines.append(f"    outputs_info=[{', '.join(out_code)}],")
    if non_args:
        lines.append(f"    non_sequences=[{', '.join(NON_SEQUENCE_NAMES[:n_non])}],")
    if n_steps is not None:
        lines.append("    n_steps=k,  # no sequence: scan needs a number of steps")
    lines += ["    return_updates=False,", ")"]
    return Layout(seq_args, out_args, non_args, n_steps, "\n".join(lines))


def probe_layout(
    sequences: Sequence[Sequence[int]] = ((0,),),
    outputs: Sequence[Sequence[int] | None] = ((-1,),),
    non_sequences: int = 2,
) -> tuple[Layout, Signature]:
    """`layout_scan`, then `probe` on it."""
    layout = layout_scan(sequences, outputs, non_sequences)
    signature = probe(
        sequences=layout.sequences,
        outputs_info=layout.outputs_info,
        non_sequences=layout.non_sequences,
        n_steps=layout.n_steps,
    )
    return layout, signature


def describe_signature(
    sequences: Sequence[Sequence[int]] = ((0,),),
    outputs: Sequence[Sequence[int] | None] = ((-1,),),
    non_sequences: int = 2,
) -> str:
    """The explorer's text: the call, fn's arguments, a def line."""
    layout, signature = probe_layout(
        sequences, outputs, non_sequences
    )
    n = len(signature)
    # several taps give several arguments: count slices
    words = {"sequence": "sequence slice"}
    counts = ", ".join(
        f"{count} {words.get(r, r)}{'s' if count != 1 else ''}"
        for r in ROLES
        for count in [signature.roles.count(r)]
    )
    if layout.outputs_info:
        m = signature.n_outputs
        returns = (
            f"return {m} value{'s' if m != 1 else ''}, "
            "one per entry of outputs_info"
        )
    else:
        returns = (
            "return the step's result "
            "(no outputs_info: scan counts what fn returns)"
        )
    return "\n".join(
        [
            layout.code,
            "",
            f"fn receives {n} argument{'s' if n != 1 else ''}",
            f"({counts}):",
            signature.table(names=False),
            "",
            signature.def_line(),
            f"    ...  # {returns}",
        ]
    )


def parse_taps(name: str, text: str, *, outputs: bool = False) -> tuple[Taps | None, ...]:
    """Tap lists typed by a reader: '-1, 0, 1; 0' is two sequences (';' separates inputs).

    For outputs, 'none' stands for an output without initial value (outputs_info=None).
    A blank text means no input at all.
    """
    if not isinstance(text, str):
        raise ScanlabInputError(f"{name} must be text like '-1, 0; 0', got {text!r}")
    groups = [g.strip() for g in text.split(";")]
    if groups == [""]:
        return ()
    parsed: list[Taps | None] = []
    for number, group in enumerate(groups, start=1):
        label = f"{name} (input {number})"
        if outputs and group.lower() == "none":
            parsed.append(None)
            continue
        parts = [p for p in group.replace(",", " ").split() if p]
        if not parts:
            raise ScanlabInputError(f"{label} is empty: write taps like '-1, 0' between the ';'")
        taps = []
        for part in parts:
            try:
                taps.append(int(part))
            except ValueError:
                raise ScanlabInputError(
                    f"{label}: taps are whole numbers like -2, 0 or 1; {part!r} is not one"
                    + (" (write 'none' for an output without initial value)" if outputs else "")
                ) from None
        parsed.append(_check_taps(label, taps, outputs=outputs))
    return tuple(parsed)


def draw_taps(signature: Signature):
    """A picture of one step: for each input, the time slices fn reads, numbered by argument.

    Rows are inputs (sequences, prior results, then non-sequences without a time axis);
    columns run from the earliest to the latest tap (at least t-2 ... t+1). A cell read by
    fn carries the argument's position in fn's parameter list, so listed (not sorted) tap
    order is visible. Returns the Figure.
    """
    import matplotlib.pyplot as plt
    from matplotlib.patches import Rectangle

    taps = [a.tap for a in signature.arguments if a.tap is not None]
    low, high = min([-2, *taps]), max([1, *taps])
    rows: dict[str, list[Argument]] = {}
    for a in signature.arguments:
        rows.setdefault(a.source, []).append(a)
    height = 0.55 * max(len(rows), 1) + 0.9
    fig, ax = plt.subplots(figsize=(7.5, height))
    for r, (source, args) in enumerate(rows.items()):
        y = len(rows) - 1 - r
        role = args[0].role
        ax.text(-0.2, y + 0.4, source, ha="right", va="center", fontsize=9)
        if role == "non-sequence":
            a = args[0]
            ax.add_patch(Rectangle((0, y), high - low + 1, 0.8, fc=ROLE_COLOURS[role], ec="grey"))
            text = f"#{a.position}  {a.parameter} (same every step)"
            ax.text((high - low + 1) / 2, y + 0.4, text, ha="center", va="center", fontsize=9)
            continue
        by_tap = {a.tap: a for a in args}
        for col, tap in enumerate(range(low, high + 1)):
            if role == "prior result" and tap >= 0:
                label, colour = ("computed now" if tap == 0 else ""), "white"
            elif tap in by_tap:
                hit = by_tap[tap]
                label, colour = f"#{hit.position} {hit.parameter}", ROLE_COLOURS[role]
            else:
                label, colour = "", "#f3f3f3"
            ax.add_patch(Rectangle((col, y), 1, 0.8, fc=colour, ec="grey"))
            ax.text(col + 0.5, y + 0.4, label, ha="center", va="center", fontsize=9)
    for col, tap in enumerate(range(low, high + 1)):
        ax.text(col + 0.5, len(rows) + 0.05, "t" if tap == 0 else f"t{tap:+d}",
                ha="center", va="bottom", fontsize=9)
    ax.set_xlim(-0.1, high - low + 1.1)
    ax.set_ylim(-0.2, len(rows) + 0.5)
    ax.axis("off")
    fig.tight_layout()
    return fig


# ---------------------------------------------------------------------------------------
# Taps that run: the two compiled loops of the chapter.


@compiled
def fibonacci_function() -> Function:
    """Compiled f(F, k): k Fibonacci steps from F = [F[-2], F[-1]], output taps [-2, -1]."""
    F = pt.lvector("F")
    k = pt.iscalar("k")
    result = pytensor.scan(
        fn=lambda F_tm2, F_tm1: F_tm2 + F_tm1,  # prior results, in the order of taps
        outputs_info=[dict(initial=F, taps=[-2, -1])],
        n_steps=k,
        return_updates=False,
    )
    return function([F, k], result)


def fibonacci(k: int, start: Sequence[int] = (0, 1)) -> np.ndarray:
    """The k numbers after `start` (F[-2], F[-1]), computed by scan with output taps [-2, -1]."""
    k = as_count("k", k, minimum=1, maximum=90)  # F[92] is the last that fits in int64
    first = [as_count("start", v, minimum=0, maximum=10**6) for v in start]
    if len(first) != 2:
        raise ScanlabInputError(f"start must hold two numbers, F[-2] and F[-1], got {len(first)}")
    return fibonacci_function()(np.asarray(first, dtype=np.int64), k)


def fibonacci_loop(k: int, start: Sequence[int] = (0, 1)) -> list[int]:
    """The same numbers from a plain Python loop, to check the scan against."""
    older, newer = start
    numbers = []
    for _ in range(k):
        older, newer = newer, older + newer
        numbers.append(newer)
    return numbers


@compiled
def first_minus_second_function(taps: tuple[int, int]) -> Function:
    """Compiled f(x): each step, first - second at `taps`.

    fn is `lambda first, second: first - second`, over the
    sequence x with the taps listed as `taps`. Which slice arrives
    first is exactly what the result shows: with taps (1, -1) each
    step gives x[t+1] - x[t-1] if taps arrive as listed, and the
    negative if they were sorted.
    """
    x = pt.vector("x")
    result = pytensor.scan(
        fn=lambda first, second: first - second,
        sequences=[dict(input=x, taps=list(taps))],
        return_updates=False,
    )
    return function([x], result)


def first_minus_second(x: Any, taps: tuple[int, int] = (1, -1)) -> np.ndarray:
    """Run `first_minus_second_function(taps)` on the vector x."""
    x = as_vector("x", x)
    a, b = _check_taps("taps", taps, outputs=False)
    if len(x) <= max(a, b, 0) - min(a, b, 0):
        raise ScanlabInputError(
            f"x must be longer than the taps' span ({max(a, b, 0) - min(a, b, 0)}), got {len(x)}"
        )
    return first_minus_second_function((a, b))(x)
