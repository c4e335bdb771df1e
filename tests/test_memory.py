import numpy as np

from scanlab.memory import Buffer, allocations, format_bytes, peak_memory, scan_buffers
from scanlab.power import power_function

A = np.linspace(0.5, 1.0, 200)
K = 500
FULL = (K + 1) * 200 * 8


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
