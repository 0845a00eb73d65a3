"""The one contract of every exercise checker, and the helpers that keep it.

A checker is ``check_<name>(answer) -> bool``: it calls the reader's function on inputs
whose answer the package knows (edge cases included), prints **one** verdict line and
returns True or False. The line starts with ``correct:`` or ``not yet:``; a "not yet" says
which input, what was expected and what came back. A checker never raises because an
answer is wrong: an answer that raises (the stub's ``NotImplementedError`` included),
returns the wrong type or shape, or gives the wrong numbers is a "not yet".

A chapter module writes the body of a checker as a function that returns the success
message and raises :class:`NotYet` at the first wrong case; :func:`checker` turns it into
the public ``check_<name>``. :func:`call` runs the reader's code on copies of the inputs;
:func:`expect_close` compares numbers and explains the first difference.
"""

from __future__ import annotations

import copy
import functools
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np

PASS = "correct"
FAIL = "not yet"


class NotYet(Exception):
    """A wrong answer; the message says what came back and what was expected.

    Attributes:
        raised: the exception the reader's function raised, if that was the problem.
    """

    def __init__(self, message: str, *, raised: BaseException | None = None):
        super().__init__(message)
        self.raised = raised


def verdict(ok: bool, message: str) -> bool:
    """Print ``correct: message`` or ``not yet: message`` on one line; return ``ok``."""
    line = " ".join(str(message).split())
    print(f"{PASS if ok else FAIL}: {line}")
    return ok


def name_of(answer: Any) -> str:
    """How a verdict names the reader's function (``my_masked_mean``)."""
    return getattr(answer, "__name__", None) or type(answer).__name__


def checker(body: Callable[[Callable], str]) -> Callable[[Callable], bool]:
    """Make ``check(answer) -> bool`` from ``body(answer) -> success message``.

    ``body`` raises :class:`NotYet` for a wrong answer. Any other exception raised while
    checking comes from reading what the answer returned (a list where an array was
    asked for, a missing key), so it is a "not yet" too, with the error named.
    """

    @functools.wraps(body, assigned=("__module__", "__name__", "__qualname__", "__doc__"))
    def check(answer: Callable) -> bool:
        if not callable(answer):
            return verdict(
                False, f"expected a function, got {type(answer).__name__} {answer!r:.60}"
            )
        try:
            message = body(answer)
        except NotYet as wrong:
            return verdict(False, str(wrong))
        except Exception as err:  # what came back could not be read as asked
            return verdict(
                False,
                f"{name_of(answer)} returned something the checker could not read "
                f"({type(err).__name__}: {err}); return what the exercise describes",
            )
        return verdict(True, message)

    del check.__wrapped__  # its signature is check's own: (answer) -> bool
    return check


def _copied(value: Any) -> Any:
    if hasattr(value, "clone") and callable(value.clone):
        return value.clone()
    if isinstance(value, np.ndarray):
        return value.copy()
    if isinstance(value, list | dict | set | tuple):
        return copy.deepcopy(value)
    return value


def call(answer: Callable, *args: Any, case: str, copy_inputs: bool = True, **kwargs: Any) -> Any:
    """``answer(*args, **kwargs)`` on copies of the inputs (so an answer that changes
    its inputs cannot change the reference), with warnings silenced.

    Args:
        answer: the reader's function.  case: the input in words, for the verdict.
        copy_inputs: pass copies of arrays, tensors and containers (False: as given).
    Returns:
        what the answer returned.
    Raises:
        NotYet: when the answer raises (the stub's ``NotImplementedError`` included).
    """
    if copy_inputs:
        args = tuple(_copied(a) for a in args)
        kwargs = {k: _copied(v) for k, v in kwargs.items()}
    try:
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            return answer(*args, **kwargs)
    except NotImplementedError as err:
        raise NotYet(
            f"{name_of(answer)} still raises NotImplementedError: write your code in place "
            "of that line and run the cell again",
            raised=err,
        ) from None
    except Exception as err:
        message = f"{case}: {name_of(answer)} raised {type(err).__name__}: {err}"
        raise NotYet(message, raised=err) from None


def expect_raises(
    answer: Callable, *args: Any, error: type[Exception], case: str, why: str
) -> None:
    """Raise :class:`NotYet` unless ``answer(*args)`` raises ``error``.

    Args:
        error: the exception type asked for.  case: the input in words.  why: the reason
            the input has no answer, for the verdict.
    """
    try:
        got = call(answer, *args, case=case)
    except NotYet as wrong:
        if isinstance(wrong.raised, error) and not isinstance(wrong.raised, NotImplementedError):
            return
        raise
    raise NotYet(f"{case}: {why}, so raise {error.__name__}; got {got!r:.80}")


def _where(index: tuple[int, ...], item: str) -> str:
    if len(index) == 1:
        return f"in {item} {index[0]}"
    if len(index) == 2:
        return f"at row {index[0]}, column {index[1]}"
    return f"at index {list(index)}"


def _number(value: Any) -> str:
    value = value.item() if hasattr(value, "item") else value
    return f"{value:.6g}" if isinstance(value, float) else repr(value)


def as_array(got: Any, case: str, *, torch: bool = False) -> np.ndarray:
    """What the answer returned as a float64 array; ``torch=True`` demands a tensor.

    Raises:
        NotYet: for a value that is not a (numeric) array or, with ``torch``, a tensor.
    """
    if torch:
        import torch as _torch

        if not isinstance(got, _torch.Tensor):
            raise NotYet(f"{case}: expected a torch.Tensor, got {type(got).__name__}")
        got = got.detach().cpu()
    try:
        return np.asarray(got, dtype=np.float64)
    except (TypeError, ValueError):
        raise NotYet(f"{case}: expected an array of numbers, got {type(got).__name__}") from None


def scalar_tensor(got: Any, case: str) -> Any:
    """``got`` as a 0-d tensor, or :class:`NotYet` if it is not a one-number tensor."""
    import torch as _torch

    if not isinstance(got, _torch.Tensor):
        raise NotYet(f"{case}: expected a scalar tensor (one number), got {type(got).__name__}")
    if got.numel() != 1:
        raise NotYet(
            f"{case}: expected a scalar tensor (one number), got shape {tuple(got.shape)}"
        )
    return got.reshape(())


def expect_close(
    got: Any,
    want: Any,
    case: str,
    *,
    atol: float = 1e-5,
    rtol: float = 1e-4,
    torch: bool | None = None,
    item: str = "position",
) -> None:
    """Raise :class:`NotYet` unless ``got`` has ``want``'s shape and values.

    Args:
        got: what the answer returned.  want: the package's answer (array or tensor).
        case: the input in words, for the verdict.  atol, rtol: tolerances.
        torch: demand a torch.Tensor (default: when ``want`` is one).
        item: what an entry of a vector is called in the verdict (``column``).
    """
    if torch is None:
        torch = type(want).__module__.startswith("torch")
    want_np = as_array(want, "the package's answer", torch=torch)
    got_np = as_array(got, case, torch=torch)
    if got_np.shape != want_np.shape:
        raise NotYet(f"{case}: expected shape {want_np.shape}, got {got_np.shape}")
    ok = np.isclose(got_np, want_np, atol=atol, rtol=rtol, equal_nan=True)
    if ok.all():
        return
    index = tuple(int(i) for i in np.argwhere(~ok)[0])
    hint = " (a division by zero, or an overflow?)" if not np.isfinite(got_np[index]) else ""
    where = f" {_where(index, item)}" if index else ""
    raise NotYet(
        f"{case}: expected {_number(want_np[index])}{where}, got {_number(got_np[index])}{hint}"
    )


def expect_rows(
    got: Any, want: Any, case: str, rows: list[str], *, atol: float = 1e-5, rtol: float = 1e-4
) -> None:
    """:func:`expect_close` for a batch, naming the first wrong row by ``rows[i]``.

    Args:
        got: what the answer returned.  want: the package's ``(N, ...)`` answer.
        case: the input in words.  rows: one description per row (``"window 0 (no turn)"``).
    """
    torch = type(want).__module__.startswith("torch")
    shape = as_array(want, "the package's answer", torch=torch).shape
    if as_array(got, case, torch=torch).shape != shape:
        expect_close(got, want, case, torch=torch)  # says which shape was expected
    for i, row in enumerate(rows):
        expect_close(
            got[i], want[i], f"{case}, {row}", atol=atol, rtol=rtol, torch=torch, item="column"
        )
