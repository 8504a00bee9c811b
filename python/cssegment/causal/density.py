"""The density (manipulation) test at a cut-off (mirrors ``include/cssegment/causal/density.hpp``).

Examples
--------
>>> import numpy as np
>>> import cssegment as cs
>>> x = np.random.default_rng(0).normal(size=2_000)
>>> test = cs.density_test(x, cutoff=0.0)
>>> bool(test.p_value > 0.05)
True
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from .. import _core, _display, _frame

__all__ = ["DensityTest", "density_test"]

Bandwidths = Literal["comb", "each", "diff", "sum"]


@dataclass(frozen=True, repr=False)
class DensityTest(_display.Summarized):
    """The result of :func:`density_test`: is the running variable's density continuous at the cut-off?

    Attributes
    ----------
    statistic : float
        The t statistic of the difference of the two densities at the cut-off (right - left), from
        the order-``q`` fits with the jackknife standard error.
    p_value : float
        Two-sided p-value from the normal distribution; small values say the density jumps at the
        cut-off (values bunched on one side).
    h : tuple of float
        Bandwidths (left, right).
    n : tuple of int
        Observations below and at or above the cut-off.
    n_effective : tuple of int
        Observations within the bandwidths (left, right).
    density : tuple of float
        Density estimates at the cut-off from the left and from the right.
    se : tuple of float
        Their jackknife standard errors (left, right).
    se_difference : float
        Jackknife standard error of the difference.
    cutoff : float
    p : int
        Order of the density fits the bandwidths are chosen for.
    q : int
        Order of the fits of the test (p + 1: bias-corrected).
    bwselect : str
        The bandwidth rule, or ``"manual"`` when ``h`` was given.

    Examples
    --------
    >>> import numpy as np
    >>> import cssegment as cs
    >>> test = cs.density_test(np.linspace(-1, 1, 401) ** 3, cutoff=0.0)
    >>> test.n, test.p, test.q, test.bwselect
    ((200, 201), 2, 3, 'comb')
    """

    statistic: float
    p_value: float
    h: tuple[float, float]
    n: tuple[int, int]
    n_effective: tuple[int, int]
    density: tuple[float, float]
    se: tuple[float, float]
    se_difference: float
    cutoff: float
    p: int
    q: int
    bwselect: str

    def _summary(self) -> str:
        return f"T = {self.statistic:.4f}, p = {self.p_value:.4f}, h = ({self.h[0]:.6g}, {self.h[1]:.6g})"

    def _tables(self) -> list[str]:
        rows = [
            ("Observations", *self.n),
            ("Effective observations", *self.n_effective),
            ("Bandwidth", *self.h),
            ("Density at the cut-off", *self.density),
            ("Jackknife standard error", *self.se),
        ]
        return [_display.table(rows, header=["", "Left of c", "Right of c"]), _display.table(self._test_row())]

    def _test_row(self) -> list[tuple[str, float, float]]:
        return [("T (jackknife), p-value", self.statistic, self.p_value)]

    def summary(self) -> str:
        """The test laid out as rddensity prints it.

        Sample sizes and bandwidths on each side, then the test statistic and its p-value.

        Returns
        -------
        str
            Lines of text, for ``print``.

        Examples
        --------
        >>> import numpy as np
        >>> import cssegment as cs
        >>> x = np.random.default_rng(0).normal(size=2_000)
        >>> print(cs.density_test(x).summary().splitlines()[0])
        Manipulation testing using local polynomial density estimation.
        """
        width = 20
        lines = [
            "Manipulation testing using local polynomial density estimation.",
            "",
            f"{'Number of obs:':<{width}}{sum(self.n):>{width}}",
            f"{'Model:':<{width}}{'unrestricted':>{width}}",
            f"{'Kernel:':<{width}}{'triangular':>{width}}",
            f"{'BW method:':<{width}}{self.bwselect:>{width}}",
            f"{'VCE method:':<{width}}{'jackknife':>{width}}",
            "",
            f"{'Cutoff c = ' + format(self.cutoff, 'g'):<{width}}{'Left of c':>{width}}{'Right of c':>{width}}",
            f"{'Number of obs':<{width}}{self.n[0]:>{width}}{self.n[1]:>{width}}",
            f"{'Eff. Number of obs':<{width}}{self.n_effective[0]:>{width}}{self.n_effective[1]:>{width}}",
            f"{'Order est. (p)':<{width}}{self.p:>{width}}{self.p:>{width}}",
            f"{'Order bias (q)':<{width}}{self.q:>{width}}{self.q:>{width}}",
            f"{'BW est. (h)':<{width}}{self.h[0]:>{width}.4f}{self.h[1]:>{width}.4f}",
            "",
            f"{'Method':<{width}}{'T':>{width}}{'P > |T|':>{width}}",
            f"{'Robust':<{width}}{self.statistic:>{width}.4f}{self.p_value:>{width}.4f}",
        ]
        return "\n".join(lines)


def density_test(
    x: Any,
    cutoff: float = 0.0,
    *,
    p: int = 2,
    bwselect: Bandwidths = "comb",
    h: float | tuple[float, float] | None = None,
) -> DensityTest:
    """Test whether the running variable's density jumps at the cut-off (manipulation, bunching).

    "Are deals being pushed over $50k to get a CSM?" The local polynomial density test of
    Cattaneo, Jansson and Ma with the defaults of their rddensity package: unrestricted fits of
    the empirical distribution function on each side, triangular kernel, jackknife standard
    errors, mass-point adjustment for tied values, and regularised MSE-optimal bandwidths
    combined by the ``"comb"`` rule. Statistic, p-value and
    bandwidths equal rddensity's (``rddensity(x, c=cutoff, p=p, bwselect=bwselect)``, its
    ``t_jk``, ``p_jk`` and ``h``). The definitions are in the guide, :doc:`/guide/causal`.

    Parameters
    ----------
    x : array-like or Series
        The running variable (e.g. ARR), finite; values at the cut-off count on the right.
    cutoff : float, default 0.0
        The threshold.
    p : int, default 2
        Order of the local polynomial density fits, 1 to 7; the test uses order ``p + 1``.
    bwselect : {"comb", "each", "diff", "sum"}, default "comb"
        ``"each"``: one MSE-optimal bandwidth per side; ``"diff"`` / ``"sum"``: the common one of
        the difference / sum of the two densities; ``"comb"``: on each side the median of that
        side's, the difference's and the sum's.
    h : float or (float, float), optional
        Bandwidths to use instead (one for both sides, or left and right).

    Returns
    -------
    DensityTest

    Raises
    ------
    InvalidInputError
        If ``x`` holds NaN or infinite values (naming the row), has fewer than ``p + 3`` distinct
        values on a side of the cut-off, or an option is out of range.

    Examples
    --------
    >>> import numpy as np
    >>> import cssegment as cs
    >>> rng = np.random.default_rng(3)
    >>> arr = rng.lognormal(np.log(30_000), 0.8, size=4_000)
    >>> round(cs.density_test(arr, cutoff=50_000).p_value, 2)
    0.56
    >>> pushed = np.concatenate([arr, rng.uniform(50_000, 53_000, size=200)])  # deals closed just over $50k
    >>> cs.density_test(pushed, cutoff=50_000).p_value < 0.001
    True
    """
    values = _frame.numeric(x, "x")
    cut = _frame.number(cutoff, "cutoff")
    order = _frame.integer(p, "p")
    rule = _frame.text(bwselect, "bwselect")
    bandwidths: tuple[float, float] | None = None
    if h is not None:
        if isinstance(h, (tuple, list)):
            given = _frame.numbers(h, "h")
            if len(given) != 2:
                raise _core.InvalidInputError(f"h: give one bandwidth or two (left, right), got {len(given)}")
            bandwidths = (given[0], given[1])
        else:
            one = _frame.number(h, "h")
            bandwidths = (one, one)
    out = _core.causal.density_test(values, cut, order, rule, bandwidths)
    return DensityTest(**out)
