import numpy as np
import pytest

from scanlab.compiled import on_python_linker
from scanlab.memory import (
    Buffer,
    MemoryUse,
    allocations,
    format_bytes,
    memory_use,
    peak_bytes,
    peak_memory,
    scan_buffers,
)
from scanlab.power import power_function

A = np.linspace(0.5, 1.0, 200)
K = 500
FULL = (K + 1) * 200 * 8


def test_allocated_text_is_a_bound_below_a_megabyte():
    from scanlab.memory import allocated_text

    assert allocated_text(80_008_000) == "80.0 MB"
    assert allocated_text(8_500) == allocated_text(8_600) == "less than 10 KB"
    assert allocated_text(10_000) == "less than 100 KB"
    assert allocated_text(999_999) == "less than 1 MB"
    assert allocated_text(96) == "less than 1 KB"


def test_format_bytes():
    assert format_bytes(96) == "96 B"
    assert format_bytes(8_000) == "8.0 KB"
    assert format_bytes(80_008_000) == "80.0 MB"


def test_buffer_nbytes_and_text():
    b = Buffer("sit-sot", (3, 4), 8)
    assert b.nbytes == 96
    assert str(b) == "sit-sot: shape (3, 4), 96 B"


def test_ones_like_still_allocates_every_step_even_for_result_last():
    # The notes' claim checked: with ones_like, the (k + 1, N) buffer is allocated anyway.
    [alloc] = allocations(power_function("ones_like", "last"), A, K)
    assert alloc.kind == "AllocEmpty" and alloc.shape == (K + 1, 200)
    [buffer] = scan_buffers(power_function("ones_like", "last"), A, K)
    assert buffer.kind == "sit-sot" and buffer.shape == (1, 200)


def test_ones_keeps_one_step_for_result_last():
    [alloc] = allocations(power_function("ones", "last"), A, K)
    assert alloc.shape == (200,)
    [buffer] = scan_buffers(power_function("ones", "last"), A, K)
    assert buffer.kind == "untraced sit-sot"


def test_full_result_keeps_every_step():
    for init in ("ones_like", "ones"):
        [buffer] = scan_buffers(power_function(init, "all"), A, K)
        assert buffer.shape == (K + 1, 200)


def test_peak_memory_tells_the_two_apart():
    big = peak_memory(power_function("ones_like", "last"), A, K)
    small = peak_memory(power_function("ones", "last"), A, K)
    assert big * 1e6 >= FULL * 0.99
    assert small * 1e6 < FULL / 50


def test_peak_bytes_prints_in_a_unit_that_fits():
    # Chapter 1 printed "peak 0.0 MB" beside an 8 KB buffer; bytes + format_bytes fit the size.
    f = power_function("ones", "last")
    small = peak_bytes(f, A, K)
    assert 200 * 8 <= small < FULL / 50
    assert format_bytes(small).endswith(" KB") and not format_bytes(small).startswith("0.")
    assert peak_memory(f, A, K) == pytest.approx(small / 1e6, rel=0.5)


def test_peak_bytes_keeps_the_smallest_sample():
    # Noise from other threads only adds bytes: several samples, the smallest peak wins.
    sizes = iter([10_000_000, 5_000_000, 100_000, 7_000_000])  # warm-up call, then 3 samples

    def allocate():
        return bytearray(next(sizes))

    peak = peak_bytes(allocate, samples=3)
    assert 100_000 <= peak < 1_000_000


def test_outputs_info_forms_give_the_glossary_kinds():
    """The glossary's sit-sot / mit-sot / nit-sot / untraced, checked on real compiled scans."""
    import pytensor
    import pytensor.tensor as pt

    x = pt.vector("x")
    n = pt.iscalar("n")
    plain = pytensor.scan(lambda p: p * 2, outputs_info=x, n_steps=n, return_updates=False)
    two = pytensor.scan(
        lambda p2, p1: p1 + p2,
        outputs_info=dict(initial=x, taps=[-2, -1]),
        n_steps=n,
        return_updates=False,
    )
    # A nit-sot beside a prior result (alone, a rewrite would turn the loop into array code).
    total, doubled = pytensor.scan(
        lambda s, p: (p + s, (p + s) * 2),
        sequences=x,
        outputs_info=[pt.zeros(()), None],
        return_updates=False,
    )
    args = (np.ones(4), 3)
    kinds = {
        "plain, all steps": pytensor.function([x, n], plain),
        "plain, last step": pytensor.function([x, n], plain[-1]),
        "taps -2, -1": pytensor.function([x, n], two),
        "None": pytensor.function([x, n], [total, doubled], on_unused_input="ignore"),
    }
    found = {name: [b.kind for b in scan_buffers(f, *args)] for name, f in kinds.items()}
    assert found == {
        "plain, all steps": ["sit-sot"],
        "plain, last step": ["untraced sit-sot"],
        "taps -2, -1": ["mit-sot"],
        "None": ["sit-sot", "nit-sot"],
    }
    # A sit-sot keeps the initial value as a row: n steps, n + 1 rows.
    [buffer] = scan_buffers(kinds["plain, all steps"], *args)
    assert buffer.shape == (4, 4)


def test_no_scan_no_buffers():
    import pytensor
    import pytensor.tensor as pt

    x = pt.vector("x")
    f = pytensor.function([x], x * 2)
    assert scan_buffers(f, [1.0]) == []


def test_largest_first_is_a_stable_order():
    from scanlab.memory import largest_first

    small = Buffer("sit-sot", (1, 2), 8)
    big_a, big_b = Buffer("mit-mot", (9, 2), 8), Buffer("sit-sot", (9, 2), 8)
    assert largest_first([small, big_b, big_a]) == [big_a, big_b, small]
    assert largest_first([big_a, small, big_b]) == [big_a, big_b, small]


# Chapter 1's sizes. Values near 1: A**k stays far from underflow (0.5**k for k in the
# thousands passes through subnormal floats, which made each call ~25 times slower).
A_BIG, K_BIG = np.linspace(0.9999, 1.0, 1000), 10_000
FULL_BIG = (K_BIG + 1) * 1000 * 8


def test_resident_growth_tells_reserved_from_written():
    # AllocEmpty reserves the (k + 1, N) buffer; only what is written becomes resident (Linux).
    from scanlab.memory import resident_growth, resident_text

    reserved = resident_growth(power_function("ones_like", "last"), A_BIG, K_BIG)
    written = resident_growth(power_function("ones_like", "all"), A_BIG, K_BIG)
    if reserved is None:
        pytest.skip("resident memory is measured on Linux only")
    assert peak_bytes(power_function("ones_like", "last"), A_BIG, K_BIG) >= FULL_BIG
    assert reserved < 5e6 and resident_text(reserved) == "less than 5 MB"
    assert written >= 0.95 * FULL_BIG and resident_text(written) == "about 80 MB"
    assert resident_text(None) == "not measurable here"


def test_memory_use_reads_both_figures_on_the_same_calls():
    # Chapter 1's table: the same four rows peak_bytes and resident_growth give one by one.
    from scanlab.memory import allocated_text, resident_text

    rows = {
        (init, keep): memory_use(power_function(init, keep), A_BIG, K_BIG)
        for init in ("ones_like", "ones")
        for keep in ("last", "all")
    }
    if rows["ones", "all"].resident is None:
        pytest.skip("resident memory is measured on Linux only")
    for init in ("ones_like", "ones"):  # result: every step written
        assert rows[init, "all"].allocated >= FULL_BIG
        assert resident_text(rows[init, "all"].resident) == "about 80 MB"
    # result[-1] from ones_like: 80 MB reserved, never written.
    assert rows["ones_like", "last"].allocated >= FULL_BIG
    assert resident_text(rows["ones_like", "last"].resident) == "less than 5 MB"
    # result[-1] from ones(A.shape): one vector, and reading /proc is not counted in it.
    one = rows["ones", "last"]
    assert 1000 * 8 <= one.allocated < 2 * 1000 * 8 and one.resident < 5e6
    # The same figure peak_bytes reads, up to the few hundred bytes of Python objects a call
    # creates, which vary between calls (8548 vs 8592 B seen): equal as chapter 1 prints it.
    again = peak_bytes(power_function("ones", "last"), A_BIG, K_BIG, samples=3)
    assert one.allocated == pytest.approx(again, abs=1000)
    assert allocated_text(one.allocated) == allocated_text(again) == "less than 10 KB"


def test_memory_use_keeps_the_smallest_sample_of_each():
    # Noise from other threads only adds bytes: the smallest of the samples wins, per figure.
    sizes = iter([10_000_000, 5_000_000, 100_000, 7_000_000])  # warm-up call, then 3 samples

    def allocate():
        return bytearray(next(sizes))  # zero-filled: requested and resident alike

    used = memory_use(allocate, samples=3)
    assert isinstance(used, MemoryUse)
    assert 100_000 <= used.allocated < 1_000_000
    if used.resident is not None:
        assert used.resident < 5_000_000  # the 5 MB and 7 MB samples were not kept


def test_glossary_nit_sot_needs_none_in_outputs_info():
    import pytensor
    import pytensor.tensor as pt

    x = pt.vector("x")
    with pytest.raises(ValueError, match="Please provide None as outputs_info"):
        pytensor.scan(
            lambda xi, p: (p + xi, p * 2),
            sequences=[x],
            outputs_info=[pt.zeros(())],
            return_updates=False,
        )
    total, doubled = pytensor.scan(
        lambda xi, p: (p + xi, p * 2),
        sequences=[x],
        outputs_info=[pt.zeros(()), None],
        return_updates=False,
    )
    f = pytensor.function([x], [total, doubled])
    # The glossary's AllocEmpty entry: scan allocates a nit-sot's buffer itself.
    buffers = scan_buffers(f, np.ones(3))
    allocated = allocations(f, np.ones(3))
    assert sorted(b.kind for b in buffers) == ["nit-sot", "sit-sot"]
    assert [b.kind for b in allocated] == ["AllocEmpty"]  # the sit-sot's buffer only
    [sit_sot] = [b for b in buffers if b.kind == "sit-sot"]
    assert allocated[0].shape == sit_sot.shape


def test_glossary_static_shapes_need_only_be_compatible():
    import pytensor
    import pytensor.tensor as pt

    a3 = pt.vector("a3", shape=(3,))
    loose = pytensor.scan(
        lambda p, a: p + a,
        outputs_info=pt.vector("s"),
        non_sequences=[a3],
        n_steps=2,
        return_updates=False,
    )
    with on_python_linker():  # a value; the backend is not the point
        values = loose.eval({"s": np.zeros(3), a3: np.ones(3)})
    np.testing.assert_allclose(values[-1], [2, 2, 2])
    init3 = pt.vector("init3", shape=(3,))
    # scan accepts an initial value of length 3 for an fn returning length 2 ...
    bad = pytensor.scan(lambda p: p[:2] + 1.0, outputs_info=init3, n_steps=2, return_updates=False)
    assert bad.type.shape == (None, 2)
    f = pytensor.function([init3], bad)
    with pytest.raises(
        ValueError, match=r"cannot assign slice of shape \(3,\) from input of shape \(2,\)"
    ):
        f(np.zeros(3))  # ... and fails only when it runs
    # The dtype must match (an ndim mismatch is refused by scan too, in chapter 9).
    with pytest.raises((TypeError, ValueError)):
        pytensor.scan(
            lambda p: pt.cast(p, "float32"),
            outputs_info=pt.vector("f64"),
            n_steps=2,
            return_updates=False,
        )
