"""Chapter 9: what is wrong with a scan call, in words that name the reader's variables.

`scanlab.explain` records one real `pytensor.scan` call (`scanlab.signature.record_scan`);
this module reads the recording: the step count (from the Scan node PyTensor built), the
results, and the problems. Some problems PyTensor raises with a message about its own
buffers (`SetSubtensor{:stop}.0`); some it never reports (an initial value shorter than the
taps, `n_steps` past a sequence's end, a random generator that is not threaded through
`outputs_info`): both kinds are found here before anything runs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytensor.tensor as pt
from pytensor.compile.sharedvalue import SharedVariable
from pytensor.graph.basic import Constant, Variable
from pytensor.graph.traversal import ancestors, graph_inputs
from pytensor.scan.basic import get_updates_and_outputs
from pytensor.scan.op import Scan
from pytensor.tensor.exceptions import NotScalarConstantError
from pytensor.tensor.random.op import RandomVariable
from pytensor.tensor.random.type import RandomType

from scanlab.signature import Recording

if TYPE_CHECKING:
    from scanlab.explain import Input, Problem, Result

FIRST_LINE = 220  # characters of PyTensor's own message quoted in a problem


def _problem(kind: str, severity: str, message: str, output: int | None = None) -> Problem:
    from scanlab.explain import Problem

    return Problem(kind, severity, message, output)  # type: ignore[arg-type]


def _shape(shape: Any) -> str:
    from scanlab.explain import shape_text

    return shape_text(shape)


def pytensor_message(error: BaseException) -> str:
    """'ValueError: first line of the message', trimmed: what PyTensor itself said."""
    text = " ".join(str(error).split())
    if len(text) > FIRST_LINE:
        text = text[: FIRST_LINE - 3] + "..."
    return f"{type(error).__name__}: {text}"


# ---------------------------------------------------------------------------------------
# How many steps


def scan_node_steps(outputs: Any) -> int | None:
    """The number of steps of the Scan node behind scan's outputs, if PyTensor knows it
    before running (constant n_steps, or sequences of known static length)."""
    variables = outputs if isinstance(outputs, (list, tuple)) else [outputs]
    for node in (v.owner for v in ancestors(variables) if v.owner is not None):
        if isinstance(node.op, Scan):
            try:
                return int(pt.get_underlying_scalar_constant_value(node.inputs[0]))
            except (NotScalarConstantError, TypeError, ValueError):
                return None
    return None


def count_steps(
    seqs: list[Input], n_steps: Any, known: int | None, given: bool, recording: Recording
) -> tuple[int | None, str]:
    """(n_steps, how it was decided, in words)."""
    if given:
        if known is not None:
            return known, f"given: n_steps={known}"
        name = getattr(n_steps, "name", None) or "a symbolic value"
        return None, f"given as {name}: known only when the loop runs"
    if not seqs:
        return None, "no sequence and no n_steps: scan cannot know"
    words = []
    for s in seqs:
        allowed = s.steps_allowed
        if allowed is None:
            words.append(f"the length of {s.name} is unknown before running")
        elif s.span == 0:
            words.append(f"{s.name} allows {allowed} (its length)")
        else:
            words.append(
                f"{s.name} allows {allowed} ({s.shape[0]} - {s.span} for taps {list(s.taps)})"
            )
    allowances = [s.steps_allowed for s in seqs]
    steps = None
    if recording.outputs is not None:
        steps = scan_node_steps(recording.outputs)  # PyTensor's own count
    if steps is None and None not in allowances:
        steps = max(min(allowances), 0)
    if len(seqs) == 1:
        return steps, "from the sequence: " + words[0]
    return steps, "the shortest sequence: " + "; ".join(words)


# ---------------------------------------------------------------------------------------
# Results


def _split_returned(returned: Any) -> tuple[Any, list[Variable], dict]:
    """(condition, outputs, updates) of fn's return value, parsed by scan's own parser."""
    return get_updates_and_outputs(returned)


def results(outs: list[Input], recording: Recording, n_steps: int | None) -> tuple[Result, ...]:
    """One Result per output fn returns (nothing when fn never returned)."""
    from scanlab.explain import Result

    if recording.returned is None:
        return ()
    try:
        _, outputs, _ = _split_returned(recording.returned)
    except ValueError:
        return ()
    found = []
    for i, output in enumerate(outputs):
        out = outs[i] if i < len(outs) else None
        if out is None:
            source = f"output {i} (no outputs_info)" if not outs else f"output {i} (extra)"
        elif out.variable is None:
            source = f"outputs_info[{i}] None"
        else:
            source = out.label
        step = getattr(output.type, "shape", None)
        if step is None or (out is not None and not out.traced):
            found.append(Result(i, source, None, None, getattr(output.type, "dtype", None),
                                stacked=False))
            continue
        step = tuple(step)
        if out is not None and out.shape is not None:  # equal at run time: take what is known
            per_step = out.shape if out.taps == (-1,) else out.shape[1:]
            if len(per_step) == len(step):
                step = tuple(s if s is not None else p for s, p in zip(step, per_step, strict=True))
        found.append(Result(i, source, step, (n_steps, *step), output.type.dtype))
    return tuple(found)


# ---------------------------------------------------------------------------------------
# Problems


def diagnose(
    seqs: list[Input],
    outs: list[Input],
    nons: list[Input],
    n_steps: Any,
    known: int | None,
    given: bool,
    recording: Recording,
    *,
    strict: bool,
) -> tuple[Problem, ...]:
    problems: list[Problem] = []
    problems += _step_count_problems(seqs, known, given)
    problems += _initial_value_problems(outs)
    if recording.call_error is not None:
        problems.append(_argument_count(recording))
    elif recording.returned is not None:
        try:
            condition, outputs, updates = _split_returned(recording.returned)
        except ValueError as exc:
            problems.append(_problem(
                "return_value", "error",
                f"fn must return PyTensor variables (one per entry of outputs_info), then "
                f"optionally an `until` condition; scan cannot read what it returned. "
                f"PyTensor said: {pytensor_message(exc)}. Wrap plain numbers with "
                f"pt.as_tensor(...).",
            ))
        else:
            problems += _update_problems(updates)
            problems += _output_problems(outs, outputs, recording)
            problems += _unread_prior_results(outs, outputs, recording)
            graph = [*outputs, *([condition] if condition is not None else [])]
            problems += _hidden_inputs(graph, recording, updates, strict=strict)
    elif recording.error is not None and recording.called:
        problems.append(_problem(
            "step_error", "error",
            f"fn failed when scan called it with one step's slices (the arguments above, "
            f"with their shapes): {pytensor_message(recording.error)}. Check the shapes fn "
            f"combines: each argument is one step of its input, not the whole input.",
        ))
    if recording.error is not None and not any(p.severity == "error" for p in problems):
        problems.append(_problem(
            "scan_error", "error", f"PyTensor raised {pytensor_message(recording.error)}"
        ))
    if recording.error is None:
        problems += _warned(recording)
    return tuple(problems)


def _step_count_problems(seqs: list[Input], known: int | None, given: bool) -> list[Problem]:
    problems = []
    for s in seqs:
        if s.shape is not None and len(s.shape) == 0:
            problems.append(_problem(
                "sequence_without_time_axis", "error",
                f"sequence {s.who} is a scalar: scan walks along a sequence's first axis, so "
                f"it needs at least one dimension. Pass a vector (one value per step), or "
                f"pass it in non_sequences if it is the same at every step.",
            ))
        elif s.steps_allowed is not None and s.steps_allowed < 0:
            problems.append(_problem(
                "sequence_too_short", "error",
                f"sequence {s.who} has length {s.shape[0]}, but taps {list(s.taps)} need "
                f"at least {s.span} elements besides the current one: scan cannot run a "
                f"single step. Give it at least {s.span + 1} elements.",
            ))
    if not given and not seqs:
        problems.append(_problem(
            "no_steps", "error",
            "scan has no sequence and no n_steps, so it cannot know how many steps to run. "
            "What changes: nothing is a sequence here, so the step count must come from "
            "n_steps: pass n_steps=k.",
        ))
    if given and known is not None and known < 0:
        problems.append(_problem(
            "negative_n_steps", "error",
            f"n_steps={known} is negative: a loop cannot run {known} steps. To walk the "
            f"sequences from the end, pass a positive n_steps and go_backwards=True.",
        ))
    lengths = [(s, s.steps_allowed) for s in seqs if s.steps_allowed is not None]
    if given and known is not None and known > 0:
        for s, allowed in lengths:
            if known > allowed >= 0:
                place = s.label.split()[0]
                # an unnamed input's name is its place: said once
                facts = [] if s.name == place else [place]
                facts.append(f"length {s.shape[0]}")
                if s.span:
                    facts.append(f"taps {list(s.taps)}")
                problems.append(_problem(
                    "n_steps_past_end", "error",
                    f"n_steps={known}, but sequence `{s.name}` ({', '.join(facts)}) "
                    f"allows only {allowed} steps. What happens then depends on the "
                    f"loop (chapter 5): a loop that stays, such as a running total, "
                    f"reads past the end of the array on the default Numba backend and "
                    f"raises on the Python linker; a loop the rewrites remove returns "
                    f"fewer steps or raises a shape error. Fix: "
                    f"n_steps={allowed} or less, or leave n_steps out and let the shortest "
                    f"sequence decide.",
                ))
    if not given and len(lengths) >= 2 and len({a for _, a in lengths}) > 1:
        shortest, least = min(lengths, key=lambda pair: pair[1])
        others = ", ".join(f"{s.who} allows {a}" for s, a in lengths if s is not shortest)
        problems.append(_problem(
            "sequences_differ", "warning",
            f"the sequences allow different numbers of steps: {shortest.who} allows {least}, "
            f"{others}. scan runs {max(least, 0)} steps (the shortest, {shortest.who}, cuts the "
            f"loop) and ignores the rest of the longer sequence"
            f"{'s' if sum(a > least for _, a in lengths) > 1 else ''}. If that is intended, pass "
            f"`n_steps={max(least, 0)}` to say so; otherwise check the lengths.",
        ))
    return problems


def _initial_value_problems(outs: list[Input]) -> list[Problem]:
    problems = []
    for o in outs:
        if o.variable is None or not o.traced or o.taps is None:
            continue
        if any(t >= 0 for t in o.taps):
            continue  # scan raises: reported from its own message
        if o.taps != (-1,) and o.shape is not None and len(o.shape) >= 1:
            rows = o.shape[0]
            if rows is not None and rows < o.depth:
                problems.append(_problem(
                    "initial_too_short", "error",
                    f"{o.who} has taps {list(o.taps)}, so fn reads its results up to "
                    f"{o.depth} steps back and the initial value must hold {o.depth} steps "
                    f"(its first axis, oldest first); it holds {rows} (shape "
                    f"{_shape(o.shape)}). PyTensor does not check this: the missing "
                    f"steps are read from uninitialised memory and the results are garbage, "
                    f"silently. Fix: an initial value of shape "
                    f"{_shape((o.depth, *o.shape[1:]))}.",
                ))
    return problems


def _argument_count(recording: Recording) -> Problem:
    sources = ", ".join(a.source for a in recording.arguments) or "no arguments"
    names = ", ".join(a.parameter for a in recording.arguments)
    n = len(recording.arguments)
    python = recording.call_error
    if isinstance(recording.error, TypeError):  # the call's own message names fn
        python = str(recording.error)
    return _problem(
        "argument_count", "error",
        f"fn's parameters do not fit what scan passes: {n} argument{'s' if n != 1 else ''} "
        f"({sources}); Python says: {python}. In order: sequences (what "
        f"changes), prior results, non-sequences (what stays), e.g. def fn({names}):",
    )


def _update_problems(updates: dict) -> list[Problem]:
    if not updates:
        return []
    names = ", ".join(
        f"`{k.name}`" if getattr(k, "name", None)
        else ("an unnamed random generator" if isinstance(k.type, RandomType) else f"`{k}`")
        for k in updates
    )
    return [_problem(
        "updates", "error",
        f"fn returns an updates dictionary (for {names}), but with return_updates=False "
        f"scan raises a ValueError. Move that state into the loop: pass its initial value "
        f"in outputs_info, take its prior value as a parameter, and return its new value "
        f"as an output instead of in a dict (for a random generator: return next_rng).",
    )]


def _output_problems(
    outs: list[Input], outputs: list[Variable], recording: Recording
) -> list[Problem]:
    problems = []
    if outs and len(outputs) != len(outs):
        got, want = len(outputs), len(outs)
        entries = ", ".join("None" if o.variable is None else o.name for o in outs)
        if got > want:
            fix = (
                f"give every value fn returns an entry, with None for an output that is not "
                f"fed back, e.g. outputs_info=[{entries}{', None' * (got - want)}]"
            )
        else:
            fix = (
                "return one value per entry (a value for each, even for a None entry), "
                "or remove the entries fn does not return"
            )
        problems.append(_problem(
            "output_count", "error",
            f"fn returns {got} value{'s' if got != 1 else ''} but outputs_info has {want} "
            f"entr{'ies' if want != 1 else 'y'} ([{entries}]): scan pairs them one to one. "
            f"Fix: {fix}.",
        ))
        return problems
    for o, output in zip(outs, outputs, strict=False):
        if o.variable is None or not o.traced or o.shape is None:
            continue
        step_shape = getattr(output.type, "shape", None)
        step_dtype = getattr(output.type, "dtype", None)
        if step_shape is None:
            continue
        per_step = o.shape if o.taps == (-1,) else o.shape[1:]
        want_ndim = len(step_shape) + (0 if o.taps == (-1,) else 1)
        if len(o.shape) != want_ndim:
            problems.append(_ndim_problem(o, tuple(step_shape), output, recording))
            continue
        if step_dtype != o.dtype:
            problems.append(_dtype_problem(o, step_dtype))
        for axis, (have, got) in enumerate(zip(per_step, step_shape, strict=True)):
            if have is not None and have != got and (got is not None or have == 1):
                problems.append(_static_shape_problem(
                    o, tuple(per_step), tuple(step_shape), axis, recording
                ))
                break
    return problems


def _unread_prior_results(
    outs: list[Input], outputs: list[Variable], recording: Recording
) -> list[Problem]:
    """An output with an initial value whose step never reads its own prior result."""
    if not outs or len(outputs) != len(outs) or len(recording.received) != len(recording.arguments):
        return []
    pairs = list(zip(recording.arguments, recording.received, strict=True))
    changing = [v for a, v in pairs if a.role != "non-sequence"]
    problems = []
    for i, (o, output) in enumerate(zip(outs, outputs, strict=True)):
        if o.variable is None or not o.traced:
            continue
        own = [v for a, v in pairs if a.role == "prior result" and a.place == ("outputs_info", i)]
        above = set(ancestors([output]))
        if not own or any(v in above for v in own):
            continue
        message = (
            f"fn never reads the prior result of {o.who}, so it need not be fed back. "
            f"Fix: write None at its place in outputs_info and drop its parameter from fn."
        )
        if not any(v in above for v in changing):
            # chapter 3 shows it; tests/test_explain.py checks it against PyTensor
            message += (
                " Its value depends on nothing that changes from step to step: the rewrites "
                "may move it out of the loop (scan_push_out_non_seq), and in PyTensor 3.3.8 "
                "that can return fewer rows than steps, with no error."
            )
        problems.append(_problem("prior_result_unread", "warning", message, i))
    return problems


def _dtype_problem(o: Input, step_dtype: str) -> Problem:
    if o.example and o.shape == ():
        initial = f"the number you gave becomes {o.dtype} (pt.as_tensor picks the smallest dtype)"
        fix = f"pt.as_tensor(np.{step_dtype}(<your number>)), e.g. np.{step_dtype}(0)"
    else:
        initial = f"its dtype is {o.dtype}"
        fix = f"{o.name}.astype('{step_dtype}'), or cast the step's result to {o.dtype}"
    return _problem(
        "dtype", "error",
        f"the initial value {o.who} and what fn returns for it must have the same dtype: "
        f"{initial}, but fn returns {step_dtype} (a step that mixes in a {step_dtype} value "
        f"upcasts). PyTensor's message names an internal buffer (SetSubtensor), not "
        f"{o.name}. Fix: {fix}.",
        output=o.index,
    )


def _zeros_like_step(step_shape: tuple, recording: Recording) -> str:
    """How to write an initial value of the step's shape: pt.zeros((4,)) when known, else
    from an input of the same number of dimensions (x.shape[1:], v.shape)."""
    if None not in step_shape:
        return f"pt.zeros({_shape(step_shape)})"
    for argument, variable in zip(recording.arguments, recording.received, strict=False):
        if argument.role == "prior result":
            continue
        if getattr(variable.type, "ndim", None) != len(step_shape):
            continue
        name = argument.source.split(" ")[1] if " " in argument.source else None
        if name is None:
            continue
        if argument.role == "sequence":
            return f"pt.zeros({name}.shape[1:])"
        if argument.role == "non-sequence":
            return f"pt.zeros({name}.shape)"
    return "pt.zeros(n) with n the step's length (a symbolic length works)"


def _ndim_problem(
    o: Input, step_shape: tuple, output: Variable, recording: Recording
) -> Problem:
    per_step = o.shape if o.taps == (-1,) else o.shape[1:]
    steps_note = "" if o.taps == (-1,) else f" (taps {list(o.taps)}: one row per step back)"
    head = (
        f"fn returns shape {_shape(step_shape)} for {o.who}, but its initial value has shape "
        f"{_shape(o.shape)}{steps_note}: a prior result must have the shape of one step, "
        f"so fn {'adds' if len(step_shape) > len(per_step) else 'drops'} an axis."
    )
    if len(step_shape) > len(per_step):
        if step_shape and step_shape[0] == 1 and len(step_shape) == len(per_step) + 1:
            fix = (
                "fn's result has an extra leading axis of length 1 (a row, as Theano's "
                "softmax returned): drop it in fn, e.g. return out[0] or "
                "pt.squeeze(out, 0), or compute it on a vector (softmax(..., axis=-1))"
            )
        else:
            want = step_shape if o.taps == (-1,) else (o.depth, *step_shape)
            example = _zeros_like_step(step_shape, recording)
            if o.taps != (-1,):
                example = f"{o.depth} rows like {example}"
            fix = (
                f"give the initial value the shape of one step, {_shape(want)}, e.g. "
                f"{example}; shape_padleft (PyTensor's hint) only adds an axis of length 1 "
                f"and then fails on the shape"
            )
    else:
        if o.taps == (-1,) and len(o.shape) == len(step_shape) + 1 and o.shape[0] not in (1, None):
            fix = (
                f"if {o.name} holds several past steps, say so with "
                f"dict(initial={o.name}, taps=[-{o.shape[0]}, ..., -1]); otherwise give an "
                f"initial value of shape {_shape(step_shape)} or make fn keep the axis "
                f"(e.g. a sum with keepdims=True)"
            )
        else:
            fix = (
                f"an initial value of shape {_shape(step_shape)}, or make fn keep the axis "
                f"(e.g. a sum with keepdims=True)"
            )
    return _problem("ndim", "error", f"{head} Fix: {fix}.", output=o.index)


def _static_shape_problem(
    o: Input, have: tuple, got: tuple, axis: int, recording: Recording
) -> Problem:
    return _problem(
        "static_shape", "error",
        f"the initial value {o.who} has the step shape {_shape(have)}, but fn returns "
        f"{_shape(got)} (axis {axis}: {have[axis]} against "
        f"{'an unknown length' if got[axis] is None else got[axis]}). PyTensor stops when it "
        f"compiles, with 'Inconsistency in the inner graph of scan', or when it runs. "
        f"Fix: an initial value with the step's shape, e.g. "
        f"{_zeros_like_step(got, recording)}.",
        output=o.index,
    )


def _random_variable_names(graph: list[Variable], rng: Variable) -> list[str]:
    names = []
    for node in (v.owner for v in ancestors(graph) if v.owner is not None):
        if isinstance(node.op, RandomVariable) and rng in node.inputs:
            names.append(node.op.name)
    return names


def _hidden_inputs(
    graph: list[Variable], recording: Recording, updates: dict, *, strict: bool
) -> list[Problem]:
    received = {*recording.received, *recording.non_sequences}
    non_sequences = set(recording.non_sequences)
    problems = []
    hidden: list[Variable] = []
    # graph_inputs walks back from the outputs: reversed, roughly the order fn uses them
    for variable in reversed(list(graph_inputs(graph))):
        if isinstance(variable, Constant) or variable in updates or variable in hidden:
            continue
        if variable in received and not isinstance(variable.type, RandomType):
            continue
        if variable in received and variable not in non_sequences:
            continue  # a generator fn receives as a prior result: it moves on each step
        if not isinstance(variable.type, RandomType):
            hidden.append(variable)
            continue
        name = variable.name
        draws = _random_variable_names(graph, variable)
        what = f"`{name}`" if name else "an unnamed random generator (a draw without rng=...)"
        problems.append(_problem(
            "random_generator", "error",
            f"fn draws from {what} ({', '.join(draws) or 'a random draw'}) but it is "
            f"not threaded through outputs_info: scan hands the same generator state to "
            f"every step, so every step, and every call of the compiled function, "
            f"repeats the same draw, silently. Fix: pass the generator in outputs_info "
            f"(`outputs_info=[..., {name or 'rng'}]`), take it as a parameter, draw with "
            f"`next_rng, x = pt.random.normal(..., rng=rng_tm1, return_next_rng=True)`, "
            f"return next_rng as an output, and compile with "
            f"`updates={{{name or 'rng'}: last_rng}}` (last_rng: scan's last value of the "
            f"generator), so that each call starts where the previous one stopped.",
        ))
    if hidden:
        shared = all(isinstance(v, SharedVariable) for v in hidden)
        kind = "shared variable" if shared else "variable"
        quoted = [f"`{v.name}`" if v.name else f"an unnamed {kind} ({v.type})" for v in hidden]
        labels = [f"the {kind}{'s' if len(hidden) > 1 else ''} {', '.join(quoted)}"]
        names = ", ".join(v.name or "it" for v in hidden)
        one = len(hidden) == 1
        problems.append(_problem(
            "implicit_non_sequence", "error" if strict else "warning",
            f"fn uses {', '.join(labels)}, which {'is' if one else 'are'} not passed to scan: "
            f"scan finds {'it' if one else 'them'} in the graph and adds "
            f"{'it as a hidden non-sequence' if one else 'them as hidden non-sequences'} "
            f"(what stays), so fn's parameter list does not show "
            f"{'it' if one else 'them'}"
            + (" and strict=True forbids it" if strict else "")
            + f". Fix: pass {'it' if one else 'them'}, non_sequences=[..., {names}], and add "
            f"{'a parameter' if one else 'parameters'} at the end of fn.",
        ))
    return problems


def _warned(recording: Recording) -> list[Problem]:
    problems = []
    for text in recording.warnings:
        if "taps is explicitly set to None" in text:
            problems.append(_problem(
                "taps_none", "warning",
                f"{text.strip()}: scan treats it as taps=[-1], so fn still receives a prior "
                f"result. To say 'no prior result', write None in outputs_info instead.",
            ))
    return problems
