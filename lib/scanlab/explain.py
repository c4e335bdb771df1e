"""Chapter 9: explain any scan call before it runs.

`explain(fn, sequences, outputs_info, non_sequences, n_steps, ...)` takes the arguments of
`pytensor.scan` and says, without compiling anything: which argument fn receives from where
(the three questions: what changes = sequences, the prior results, what stays =
non-sequences), how many steps scan will run and why, the shape and dtype of every result,
the plain-Python loop the call stands for, and what is wrong with the call, in words that
name the reader's own variables.

How: inputs given as example values (NumPy arrays, nested lists, numbers) become symbolic
stand-ins with the same static shape and dtype; then the real `pytensor.scan` is called with
a recording fn (`scanlab.signature.record_scan`, the machinery of chapter 3's probe), and
whatever PyTensor raises is translated by `scanlab.diagnosis`. The number of steps is read
from the Scan node PyTensor built. Nothing is compiled, so a call takes milliseconds.
"""

from __future__ import annotations

import html
import inspect
import numbers
import re
import textwrap
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any, Literal

import numpy as np
import pytensor.tensor as pt
from pytensor.graph.basic import Variable
from pytensor.tensor.exceptions import NotScalarConstantError

from scanlab.checks import ScanlabInputError
from scanlab.signature import MNEMONIC, ROLE_COLOURS, Argument, record_scan

Severity = Literal["error", "warning"]
WIDTH = 68  # characters per line of the text report (a book page's output width)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a scan call, in plain words naming the reader's variable."""

    kind: str  # a short id, e.g. "dtype", "initial_too_short"
    severity: Severity
    message: str
    output: int | None = None  # the output it stops, for an error about one output

    def __str__(self) -> str:
        """'error [dtype]: ...': the one style of the text report, the HTML and the book."""
        return f"{self.severity} [{self.kind}]: {self.message}"


@dataclass(frozen=True)
class Result:
    """One output of scan: what fn returns for one step, and what scan returns for it."""

    index: int
    source: str  # e.g. "outputs_info[0] h0", or "outputs_info[1] None"
    step_shape: tuple[int | None, ...] | None  # None: not an array (a random generator)
    shape: tuple[int | None, ...] | None  # (n_steps, *step_shape); None for a generator
    dtype: str | None
    stacked: bool = True  # False: scan returns only the last value (a random generator)
    fails: str | None = None  # the kind of an error that stops this output: the call fails

    @property
    def returned(self) -> str:
        """What the table's 'scan returns' column says: a shape, or that the call fails."""
        if self.fails is not None:
            return f"fails [{self.fails}]"
        return shape_text(self.shape) if self.stacked else "last value only"

    def __str__(self) -> str:
        if self.fails is not None:
            return f"{self.source}: one step {shape_text(self.step_shape)}, scan {self.returned}"
        if not self.stacked:
            return f"{self.source}: a generator; scan returns its last value only"
        return (
            f"{self.source}: one step {shape_text(self.step_shape)}, scan returns "
            f"{shape_text(self.shape)} {self.dtype}"
        )


@dataclass(frozen=True)
class Input:
    """One entry of sequences / outputs_info / non_sequences, after labelling."""

    group: str  # "sequences", "outputs_info" or "non_sequences"
    index: int
    variable: Variable | None  # None: an output without initial value (outputs_info None)
    taps: tuple[int, ...] | None  # None for a non-sequence and an output without initial value
    example: bool  # given as an example value (array, list, number), not a variable

    @property
    def name(self) -> str:
        if self.variable is not None and self.variable.name:
            return self.variable.name
        return f"{self.group}[{self.index}]"

    @property
    def label(self) -> str:
        place = f"{self.group}[{self.index}]"
        return place if self.name == place else f"{place} {self.name}"

    @property
    def who(self) -> str:
        """How a message names it: '`h0` (outputs_info[0])' or '`outputs_info[0]`'."""
        place = f"{self.group}[{self.index}]"
        return f"`{place}`" if self.name == place else f"`{self.name}` ({place})"

    @property
    def shape(self) -> tuple[int | None, ...] | None:
        shape = getattr(getattr(self.variable, "type", None), "shape", None)
        return None if shape is None else tuple(shape)

    @property
    def dtype(self) -> str | None:
        return getattr(getattr(self.variable, "type", None), "dtype", None)

    @property
    def depth(self) -> int:
        """How many steps an output looks back (1 for taps [-1])."""
        return -min(self.taps) if self.taps else 0

    @property
    def span(self) -> int:
        """How many elements of a sequence the taps use beyond one per step."""
        return max(max(self.taps), 0) - min(min(self.taps), 0) if self.taps else 0

    @property
    def steps_allowed(self) -> int | None:
        """How many steps this sequence allows (PyTensor: len - (max(max_tap, 0) -
        min(min_tap, 0))), None when its length is unknown before running."""
        shape = self.shape
        if not shape or shape[0] is None:
            return None
        return shape[0] - self.span

    @property
    def traced(self) -> bool:
        """Whether scan stacks this output's steps (a random generator is not stacked)."""
        return self.variable is None or self.shape is not None


@dataclass(frozen=True)
class Explanation:
    """What a scan call will do, and what is wrong with it. Build it with `explain`."""

    arguments: tuple[Argument, ...]
    n_steps: int | None
    n_steps_reason: str
    results: tuple[Result, ...]
    problems: tuple[Problem, ...]
    loop: str
    fn_name: str
    parameters: tuple[str, ...] | None  # fn's own parameter names, when it has a plain list
    warnings: tuple[str, ...] = ()  # what PyTensor warned while building

    @property
    def ok(self) -> bool:
        """True when no problem is an error (warnings may remain)."""
        return not any(p.severity == "error" for p in self.problems)

    def def_line(self) -> str:
        """The `def` line fn needs for this call, e.g. 'def step(x_t, h_tm1, W):'."""
        return f"def {self.fn_name}({', '.join(a.parameter for a in self.arguments)}):"

    def _argument_rows(self) -> tuple[tuple[str, ...], list[tuple[str, ...]]]:
        header = ("#", "parameter", "role", "source", "shape", "dtype")
        rows = []
        for a in self.arguments:
            given = a.parameter
            if self.parameters is not None and a.position <= len(self.parameters):
                given = self.parameters[a.position - 1]
            rows.append(
                (str(a.position), given, a.role, a.source, shape_text(a.shape), a.dtype or "-")
            )
        return header, rows

    def _result_rows(self) -> tuple[tuple[str, ...], list[tuple[str, ...]]]:
        header = ("#", "output", "one step", "scan returns", "dtype")
        rows = [
            (
                str(r.index + 1),  # counted from 1, as the arguments are
                r.source,
                shape_text(r.step_shape) if r.stacked else "a generator",
                r.returned,
                r.dtype or "-",
            )
            for r in self.results
        ]
        return header, rows

    def __str__(self) -> str:
        lines = [f"fn ({self.fn_name}) receives {_plural(len(self.arguments), 'argument')}:"]
        header, rows = self._argument_rows()
        lines += _table(header[1:], [r[1:] for r in rows]) if rows else ["  (none)"]
        steps = "unknown before running" if self.n_steps is None else self.n_steps
        lines += ["", *textwrap.wrap(f"n_steps: {steps} ({self.n_steps_reason})", WIDTH,
                                     subsequent_indent="  ", break_long_words=False,
                                     break_on_hyphens=False)]
        lines += [
            "",
            f"scan returns {_plural(len(self.results), 'output')}:",
        ]
        header, rows = self._result_rows()
        lines += (
            _table(header[1:], [r[1:] for r in rows]) if rows
            else ["  (not known: fn did not return)"]
        )
        lines.append("")
        if not self.problems:
            lines.append("problems: none")
        for p in self.problems:  # wrapped for a narrow page
            lines.append(textwrap.fill(str(p), WIDTH,
                                       subsequent_indent="  ", break_long_words=False,
                                       break_on_hyphens=False))
        return "\n".join(lines)

    def __repr__(self) -> str:
        return str(self)

    def _repr_html_(self) -> str:
        cell = 'style="padding:0.15em 0.6em;text-align:left"'  # themes strip table padding
        header, rows = self._argument_rows()
        body = []
        for a, row in zip(self.arguments, rows, strict=True):
            body.append(
                f'<tr style="background:{ROLE_COLOURS[a.role]}" title="{MNEMONIC[a.role]}">'
                + "".join(f"<td {cell}>{html.escape(c)}</td>" for c in row)
                + "</tr>"
            )
        parts = [
            f"<p>fn (<code>{html.escape(self.fn_name)}</code>) receives "
            f"{_plural(len(self.arguments), 'argument')}:</p>",
            _html_table(header, body, cell),
            f"<p><b>n_steps</b>: "
            f"{'unknown before running' if self.n_steps is None else self.n_steps} "
            f"({html.escape(self.n_steps_reason)})</p>",
        ]
        header, rows = self._result_rows()
        body = [
            "<tr>" + "".join(f"<td {cell}>{html.escape(c)}</td>" for c in row) + "</tr>"
            for row in rows
        ]
        parts += [f"<p>scan returns {_plural(len(rows), 'output')}:</p>"]
        parts += [_html_table(header, body, cell)]
        if not self.problems:
            parts.append("<p>problems: none</p>")
        else:
            items = "".join(
                f'<li class="scanlab-{p.severity}"><b>{p.severity}</b> '
                f"[<code>{html.escape(p.kind)}</code>]: {code_spans(p.message)}</li>"
                for p in self.problems
            )
            parts.append(f"<ul>{items}</ul>")
        return f'<div class="scanlab-explain" style="font-size:0.85em">{"".join(parts)}</div>'


def code_spans(text: str) -> str:
    """Escape text for HTML, with its `backticked` spans as <code> (str() keeps the backticks)."""
    return re.sub(r"`([^`]+)`", r"<code>\1</code>", html.escape(text))


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def shape_text(shape: tuple[int | None, ...] | None) -> str:
    """'(10, 3)', '(?, 3)' for an unknown length, '()' for a scalar, '-' for no shape."""
    if shape is None:
        return "-"
    dims = ", ".join("?" if d is None else str(d) for d in shape)
    return f"({dims},)" if len(shape) == 1 else f"({dims})"


def _table(header: tuple[str, ...], rows: list[tuple[str, ...]]) -> list[str]:
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    return [
        "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip()
        for row in [header, *rows]
    ]


def _html_table(header: tuple[str, ...], body: list[str], cell: str) -> str:
    head = "".join(f"<th {cell}>{html.escape(h)}</th>" for h in header)
    return (
        '<table style="border-collapse:collapse">'
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
    )


# ---------------------------------------------------------------------------------------
# Inputs: variables as they are, example values as symbolic stand-ins of the same type.


def _describe(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def stand_in(value: Any, place: str) -> tuple[Variable, bool]:
    """(variable, is_example): a PyTensor variable as it is; an example value (array, nested
    list, number) as a symbolic variable of the type scan would give it (`pt.as_tensor`:
    the number 0 is int8, 0.0 is float32), named after its place. Nothing else is accepted.
    """
    if isinstance(value, Variable):
        return value, False
    if isinstance(value, (str, bytes, dict, set)) or value is None or callable(value):
        raise ScanlabInputError(
            f"{place} must be a PyTensor variable or an example value (a NumPy array, a "
            f"nested list or a number), got {_describe(value)}"
        )
    if not isinstance(value, (numbers.Number, np.ndarray, np.generic, list, tuple)):
        raise ScanlabInputError(
            f"{place} must be a PyTensor variable or an example value (a NumPy array, a "
            f"nested list or a number), got a {type(value).__name__}"
        )
    try:
        constant = pt.as_tensor_variable(value)
    except Exception as exc:  # ragged lists, objects
        raise ScanlabInputError(
            f"{place} must be array-like (same length in every row, numbers only), got "
            f"{_describe(value)}"
        ) from exc
    if constant.dtype not in _NUMERIC:
        raise ScanlabInputError(f"{place} must contain numbers, got dtype {constant.dtype}")
    return pt.tensor(place, shape=constant.type.shape, dtype=constant.dtype), True


_NUMERIC = {
    "bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
    "float16", "float32", "float64", "complex64", "complex128",
}


def _taps(value: Any, place: str, default: tuple[int, ...]) -> tuple[int, ...]:
    if value is None:
        return default
    items = value if isinstance(value, (list, tuple)) else [value]
    taps = []
    for tap in items:
        if isinstance(tap, bool) or not isinstance(tap, numbers.Integral):
            raise ScanlabInputError(f"{place} taps must be whole numbers, got {_describe(value)}")
        taps.append(int(tap))
    if not taps:
        raise ScanlabInputError(f"{place} taps must list at least one tap, got {value!r}")
    return tuple(taps)


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, (list, tuple)) else [value]


def _named(variable: Variable, place: str, taken: set[str]) -> Variable:
    """The variable, or a copy named after its place when unnamed or its name is taken
    (so the slices scan hands to fn can be traced back to it)."""
    if not variable.name or variable.name in taken:
        variable = variable.copy(name=place)
    taken.add(variable.name)
    return variable


def read_inputs(
    sequences: Any, outputs_info: Any, non_sequences: Any
) -> tuple[list[Input], list[Input], list[Input], list[Any], list[Any], list[Any]]:
    """The inputs as `Input`s, and the entries to pass to scan (dicts kept as dicts)."""
    taken: set[str] = set()
    seqs, seq_entries = [], []
    for i, item in enumerate(_as_list(sequences)):
        place = f"sequences[{i}]"
        if isinstance(item, dict):
            if "input" not in item:
                raise ScanlabInputError(f"{place} is a dict without 'input': {_describe(item)}")
            taps = _taps(item.get("taps"), place, (0,))
            variable, example = stand_in(item["input"], place)
        else:
            taps, (variable, example) = (0,), stand_in(item, place)
        variable = _named(variable, place, taken)
        seqs.append(Input("sequences", i, variable, taps, example))
        seq_entries.append(
            dict(item, input=variable) if isinstance(item, dict) else variable
        )
    outs, out_entries = [], []
    for i, item in enumerate(_as_list(outputs_info)):
        place = f"outputs_info[{i}]"
        if item is None or (isinstance(item, dict) and item.get("initial") is None):
            outs.append(Input("outputs_info", i, None, None, False))
            out_entries.append(item)
            continue
        if isinstance(item, dict):
            taps = _taps(item.get("taps"), place, (-1,))
            variable, example = stand_in(item["initial"], place)
        else:
            taps, (variable, example) = (-1,), stand_in(item, place)
        variable = _named(variable, place, taken)
        outs.append(Input("outputs_info", i, variable, taps, example))
        out_entries.append(dict(item, initial=variable) if isinstance(item, dict) else variable)
    nons, non_entries = [], []
    for i, item in enumerate(_as_list(non_sequences)):
        variable, example = stand_in(item, f"non_sequences[{i}]")
        nons.append(Input("non_sequences", i, variable, None, example))
        non_entries.append(variable)
    return seqs, outs, nons, seq_entries, out_entries, non_entries


def _n_steps_given(n_steps: Any) -> tuple[Any, int | None, bool]:
    """(what to pass to scan, its value if known, whether it was given at all)."""
    if n_steps is None:
        return None, None, False
    if isinstance(n_steps, bool):
        raise ScanlabInputError(
            f"n_steps must be a whole number or a PyTensor scalar, got {n_steps}"
        )
    if isinstance(n_steps, numbers.Integral):
        return int(n_steps), int(n_steps), True
    if isinstance(n_steps, Variable):
        try:
            return n_steps, int(pt.get_underlying_scalar_constant_value(n_steps)), True
        except (NotScalarConstantError, TypeError, ValueError):
            return n_steps, None, True
    if isinstance(n_steps, numbers.Real):  # scan refuses a float: let it say so
        return n_steps, None, True
    raise ScanlabInputError(
        f"n_steps must be a whole number or a PyTensor integer scalar, got {_describe(n_steps)}"
    )


def explain(
    fn: Callable[..., Any],
    sequences: Any = None,
    outputs_info: Any = None,
    non_sequences: Any = None,
    n_steps: Any = None,
    *,
    go_backwards: bool = False,
    truncate_gradient: int = -1,
    strict: bool = False,
) -> Explanation:
    """Explain a `pytensor.scan` call before it runs: arguments, steps, result shapes,
    problems, and the equivalent Python loop.

    The arguments are those of `pytensor.scan`. Each input may be a PyTensor variable (its
    static shape is used) or an example value: a NumPy array, nested list or number, of which
    only the shape and dtype count. A broken scan call is diagnosed, never raised; only
    arguments that are not a scan call at all raise `ScanlabInputError`. Nothing is compiled.
    """
    from scanlab import diagnosis

    if not callable(fn):
        raise ScanlabInputError(f"fn must be callable (the step function), got {_describe(fn)}")
    for flag, value in (("go_backwards", go_backwards), ("strict", strict)):
        if not isinstance(value, (bool, np.bool_)):
            raise ScanlabInputError(f"{flag} must be True or False, got {_describe(value)}")
    if isinstance(truncate_gradient, bool) or not isinstance(truncate_gradient, numbers.Integral):
        raise ScanlabInputError(
            f"truncate_gradient must be a whole number (-1: no truncation), got "
            f"{_describe(truncate_gradient)}"
        )
    seqs, outs, nons, seq_entries, out_entries, non_entries = read_inputs(
        sequences, outputs_info, non_sequences
    )
    passed, known, given = _n_steps_given(n_steps)
    run_with = passed
    if known == 1:
        # With n_steps=1 scan skips the loop and hands fn the first step's values (x[0],
        # unnamed, and the initial value itself); explain the loop (any number of steps),
        # report one.
        run_with = pt.iscalar("n_steps")
    recording = record_scan(
        fn,
        seq_entries,
        out_entries,
        non_entries,
        n_steps=run_with,
        strict=bool(strict),
        go_backwards=bool(go_backwards),
        truncate_gradient=int(truncate_gradient),
    )
    arguments = tuple(_with_tap(a) for a in recording.arguments)
    n_steps_value, reason = diagnosis.count_steps(seqs, n_steps, known, given, recording)
    problems = diagnosis.diagnose(
        seqs, outs, nons, n_steps, known, given, recording, strict=bool(strict)
    )
    # an output an error stops (its dtype or shape) is not returned: the call fails
    stopped = {p.output: p.kind for p in problems
               if p.severity == "error" and p.output is not None}
    results = tuple(
        replace(r, fails=stopped.get(r.index))
        for r in diagnosis.results(outs, recording, n_steps_value)
    )
    name = getattr(fn, "__name__", "fn")
    name = "fn" if not name.isidentifier() else name
    explanation = Explanation(
        arguments=arguments,
        n_steps=n_steps_value,
        n_steps_reason=reason,
        results=results,
        problems=problems,
        loop="",
        fn_name=name,
        parameters=_parameters(fn),
        warnings=recording.warnings,
    )
    loop = "# scan stopped before it called fn: no loop to show (see the problems)"
    if recording.called:
        loop = python_loop(explanation, seqs, outs, n_steps, bool(go_backwards))
    return replace(explanation, loop=loop)


def _with_tap(argument: Argument) -> Argument:
    """The argument with its tap in the source text: 'sequences[0] x, tap -1'."""
    if argument.tap is None:
        return argument
    return replace(argument, source=f"{argument.source}, tap {argument.tap}")


def _parameters(fn: Callable[..., Any]) -> tuple[str, ...] | None:
    try:
        parameters = inspect.signature(fn).parameters.values()
    except (TypeError, ValueError):
        return None
    kinds = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    if any(p.kind not in kinds for p in parameters):
        return None
    return tuple(p.name for p in parameters)


# ---------------------------------------------------------------------------------------
# The plain-Python loop a scan call stands for (like the reference loop in JAX's lax.scan).


def python_loop(
    explanation: Explanation,
    seqs: list[Input],
    outs: list[Input],
    n_steps: Any,
    go_backwards: bool,
) -> str:
    """The loop as Python text: NumPy arrays in place of tensors, fn called once per step."""
    lines = []
    if go_backwards and seqs:
        lines.append("# go_backwards=True: sequences are read from the end")
    n_outputs = len(explanation.results) or len(outs)
    for i in range(n_outputs):
        out = outs[i] if i < len(outs) else None
        if out is not None and out.variable is not None and not out.traced:
            lines.append(f"{_var(out)} = {out.name}  # a generator: keeps its last state")
        elif out is not None and out.variable is not None:
            start = f"[{out.name}]" if out.taps == (-1,) else f"list({out.name}[:{out.depth}])"
            lines.append(f"{_var(out)} = {start}  # oldest first")
        else:
            lines.append(f"{_steps_var(i, out)} = []  # output {i}: not fed back")
    if explanation.n_steps is not None:
        count = str(explanation.n_steps)
    elif isinstance(n_steps, Variable):
        count = n_steps.name or "n_steps"
    else:
        count = "n_steps"
    lines += textwrap.wrap(
        f"n_steps: {explanation.n_steps_reason}", WIDTH - 2, initial_indent="# ",
        subsequent_indent="#   ", break_long_words=False, break_on_hyphens=False,
    )
    lines.append(f"for t in range({count}):")
    call = []
    for a in explanation.arguments:
        kind, index = a.place
        if kind == "sequences":
            s = seqs[index]
            if go_backwards:  # scan reverses each tap's slice of the sequence
                back = max(max(s.taps), 0) - a.tap
                call.append(f"{s.name}[-1 - t]" if back == 0 else f"{s.name}[-1 - t - {back}]")
            else:
                offset = a.tap - min(min(s.taps), 0)
                call.append(f"{s.name}[t]" if offset == 0 else f"{s.name}[t + {offset}]")
        elif kind == "outputs_info":
            o = outs[index]
            call.append(_var(o) if not o.traced else f"{_var(o)}[{a.tap}]")
        else:
            call.append(a.source.split(" ", 1)[-1] if " " in a.source else a.source)
    line = f"    out = {explanation.fn_name}({', '.join(call)})"
    if len(line) > WIDTH:  # one argument per line, as a formatter would
        line = "\n".join(
            [f"    out = {explanation.fn_name}(", *(f"        {c}," for c in call), "    )"]
        )
    lines.append(line)
    if n_outputs == 1:
        lines.append("    out = [out]")
    for i in range(n_outputs):
        out = outs[i] if i < len(outs) else None
        if out is not None and out.variable is not None and not out.traced:
            lines.append(f"    {_var(out)} = out[{i}]")
        elif out is not None and out.variable is not None:
            lines.append(f"    {_var(out)}.append(out[{i}])")
        else:
            lines.append(f"    {_steps_var(i, out)}.append(out[{i}])")
    returned = []
    for i in range(n_outputs):
        out = outs[i] if i < len(outs) else None
        if out is not None and out.variable is not None and not out.traced:
            returned.append(_var(out))
        elif out is not None and out.variable is not None:
            returned.append(f"np.stack({_var(out)}[{out.depth}:])")
        else:
            returned.append(f"np.stack({_steps_var(i, out)})")
    result = returned[0] if len(returned) == 1 else "[" + ", ".join(returned) + "]"
    lines.append(f"result = {result}")
    return "\n".join(lines)


def _identifier(text: str) -> str:
    clean = "".join(c if c.isalnum() else "_" for c in text).strip("_") or "v"
    return clean if not clean[0].isdigit() else f"v_{clean}"


def _var(out: Input) -> str:
    return f"{_identifier(out.name)}_prior" if out.traced else f"{_identifier(out.name)}_state"


def _steps_var(i: int, out: Input | None) -> str:
    return f"out{i}_steps"


# ---------------------------------------------------------------------------------------
# The chapter's explorer: controls are shapes. One RNN step, h[t] = tanh(x[t] @ W + h[t-1]).

DTYPES = ("float64", "float32", "int64", "int32")
MAX_DIMS, MAX_LENGTH = 4, 100_000


def rnn_step(x_t, h_tm1, W):
    """One RNN step: x changes, h is the prior result, W stays."""
    return pt.tanh(x_t @ W + h_tm1)


def window_step(*args):
    """rnn_step, with the sum of x's taps in x[t]'s place."""
    *x_taps, h_tm1, W = args
    return pt.tanh(sum(x_taps) @ W + h_tm1)


def explain_shapes(
    sequence: tuple[int, ...] = (10, 3),
    initial: tuple[tuple[int, ...], str] = ((4,), "float64"),
    weights: tuple[int, ...] = (3, 4),
    taps: tuple[int, ...] = (0,),
) -> str:
    """The explorer's text: the scan call and what explain says.

    The call is built for inputs of these shapes and dtype; nothing
    is compiled.
    """
    x = pt.tensor("x", shape=sequence, dtype="float64")
    h0 = pt.tensor("h0", shape=initial[0], dtype=initial[1])
    W = pt.tensor("W", shape=weights, dtype="float64")
    step, seq, code = rnn_step, x, "x"
    if tuple(taps) != (0,):
        step, seq = window_step, dict(input=x, taps=list(taps))
        code = f"dict(input=x, taps={list(taps)})"
    e = explain(
        step, sequences=[seq], outputs_info=[h0], non_sequences=[W]
    )
    return "\n".join([
        f"x: {shape_text(sequence)} float64   "
        f"h0: {shape_text(initial[0])} {initial[1]}   "
        f"W: {shape_text(weights)} float64",
        f"pytensor.scan({step.__name__}, sequences=[{code}],",
        "              outputs_info=[h0], non_sequences=[W],",
        "              return_updates=False)",
        "",
        str(e),
    ])


def parse_shape(name: str, text: str) -> tuple[int, ...]:
    """A shape typed by a reader: '(10, 3)', '10, 3', '10 3', or '()' for a scalar."""
    if not isinstance(text, str):
        raise ScanlabInputError(f"{name} must be text like '(10, 3)', got {_describe(text)}")
    parts = [p for p in text.strip().strip("()[]").replace(",", " ").split() if p]
    if len(parts) > MAX_DIMS:
        raise ScanlabInputError(f"{name} may have at most {MAX_DIMS} dimensions, got {len(parts)}")
    shape = []
    for part in parts:
        if not part.isdigit():
            raise ScanlabInputError(
                f"{name} must list whole numbers like '(10, 3)'; {part!r} is not one"
            )
        if int(part) > MAX_LENGTH:
            raise ScanlabInputError(f"{name}: each length must be at most {MAX_LENGTH}, got {part}")
        shape.append(int(part))
    return tuple(shape)


def parse_initial(text: str) -> tuple[tuple[int, ...], str]:
    """The initial state typed by a reader: a shape and, optionally, a dtype: '(4,) float32'."""
    if not isinstance(text, str):
        raise ScanlabInputError(f"h0 must be text like '(4,) float64', got {_describe(text)}")
    words = text.replace(")", ") ").split()
    dtype = "float64"
    if words and words[-1] in DTYPES:
        dtype = words.pop()
    elif words and words[-1].isalpha():
        raise ScanlabInputError(
            f"h0's dtype must be one of {', '.join(DTYPES)}; {words[-1]!r} is not one"
        )
    return parse_shape("h0's shape", " ".join(words)), dtype


def parse_sequence_taps(text: str) -> tuple[int, ...]:
    """x's taps typed by a reader, e.g. '-1, 0' (whole numbers from -9 to 9)."""
    from scanlab.signature import parse_taps

    groups = parse_taps("x's taps", text)
    if len(groups) != 1:
        raise ScanlabInputError("x's taps must be one list like '-1, 0' (x is one sequence)")
    return groups[0]
