"""The regression discontinuity estimate at a cut-off (rdrobust's local polynomial inference).

Examples
--------
>>> import numpy as np
>>> from cssegment.causal import rd_estimate
>>> x = np.linspace(-1, 1, 801)
>>> round(rd_estimate(x + 2.0 * (x >= 0), x, h=0.5).estimate, 6)
2.0
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from .. import _core, _display, _frame
from .._core import InvalidInputError

__all__ = ["RDResult", "rd_estimate"]

_KERNEL_TITLES = {"triangular": "Triangular", "epanechnikov": "Epanechnikov", "uniform": "Uniform"}


@dataclass(frozen=True, repr=False)
class RDResult(_display.Summarized):
    """A regression discontinuity estimate: the jump of the outcome at the cut-off.

    Returned by :func:`rd_estimate`. Pairs are ``(left, right)`` of the cut-off.

    Attributes
    ----------
    estimate : float
        The conventional local polynomial estimate (order ``p``, bandwidth ``h``).
    estimate_bc : float
        The estimate with its leading bias, estimated with order ``q`` and bandwidth ``b``, removed.
    se, se_robust : float
        The conventional standard error, and the robust one of the bias-corrected estimate
        (Calonico, Cattaneo & Titiunik 2014).
    ci, ci_robust : (float, float)
        The conventional interval around ``estimate`` and the robust bias-corrected interval around
        ``estimate_bc``, the one to report.
    p_value, p_value_robust : float
        Two-sided p-values of the conventional and the robust test of no jump.
    h, b : (float, float)
        The bandwidths of the estimate and of the bias correction.
    n, n_effective, n_bias : (int, int)
        Observations on each side, and those with a positive weight for ``h`` and for ``b``.
    intercept : (float, float)
        The conventional fits of the outcome at the cut-off from each side; in a sharp design
        ``estimate`` is their difference.
    first_stage : float
        The conventional jump of the treatment (fuzzy designs; NaN for sharp ones).
    clusters : int
        The clusters within the estimation windows (0 without ``cluster``).
    cutoff, p, q, kernel, bwselect, vce, nnmatch, level, fuzzy
        The options of the call (``bwselect`` is ``"manual"`` for fixed bandwidths).

    Examples
    --------
    >>> import numpy as np
    >>> import cssegment as cs
    >>> x = np.linspace(-1, 1, 801)
    >>> fit = cs.rd_estimate(x + (x >= 0) + 0.1 * np.sin(40 * x), x, h=0.5)
    >>> fit.h, fit.bwselect, fit.n
    ((0.5, 0.5), 'manual', (400, 401))
    """

    estimate: float
    estimate_bc: float
    se: float
    se_robust: float
    ci: tuple[float, float]
    ci_robust: tuple[float, float]
    p_value: float
    p_value_robust: float
    h: tuple[float, float]
    b: tuple[float, float]
    n: tuple[int, int]
    n_effective: tuple[int, int]
    n_bias: tuple[int, int]
    intercept: tuple[float, float]
    first_stage: float
    clusters: int
    cutoff: float
    p: int
    q: int
    kernel: str
    bwselect: str
    vce: str
    nnmatch: int
    level: float
    fuzzy: bool

    def _summary(self) -> str:
        low, high = self.ci_robust
        return (
            f"estimate {self.estimate:.4g}, robust {self.level:g}% CI [{low:.4g}, {high:.4g}], "
            f"p = {self.p_value_robust:.3g}, h = {_pair(self.h)}, n_effective = {self.n_effective}"
        )

    def _variance_name(self) -> str:
        return "CR1" if self.clusters else self.vce.upper()

    def _tables(self) -> list[str]:
        z = self.estimate / self.se
        z_rb = self.estimate_bc / self.se_robust
        sides = _display.table(
            [
                ("Number of observations", *self.n),
                ("Effective observations", *self.n_effective),
                ("Bandwidth h", *self.h),
                ("Bandwidth b", *self.b),
            ],
            header=["", "Left", "Right"],
        )
        methods = _display.table(
            [
                ("Conventional", self.estimate, self.se, z, self.p_value, _ci(self.ci)),
                ("Robust", "-", "-", z_rb, self.p_value_robust, _ci(self.ci_robust)),
            ],
            header=["Method", "Coef.", "S.E.", "z", "P>|z|", f"{self.level:g}% CI"],
        )
        return [sides, methods]

    def summary(self) -> str:
        """The estimate laid out like rdrobust's printout.

        Returns
        -------
        str
            The design, the sample and the bandwidths by side, then the conventional and the
            robust inference.

        Examples
        --------
        >>> import numpy as np
        >>> import cssegment as cs
        >>> x = np.linspace(-1, 1, 801)
        >>> print(cs.rd_estimate(x + (x >= 0) + 0.1 * np.sin(40 * x), x, h=0.5).summary().splitlines()[0])
        Sharp RD estimates using local polynomial regression.
        """
        design = "Fuzzy" if self.fuzzy else "Sharp"
        lines = [f"{design} RD estimates using local polynomial regression."]
        if self.clusters:
            lines[0] += f" Std. errors are clustered ({self.clusters} clusters)."
        lines.append("")
        head = [
            ("Number of Observations:", f"{sum(self.n)}"),
            ("Polynomial Order Est. (p):", f"{self.p}"),
            ("Polynomial Order Bias (q):", f"{self.q}"),
            ("Kernel:", _KERNEL_TITLES[self.kernel]),
            ("Bandwidth Selection:", self.bwselect),
            ("Var-Cov Estimator:", self._variance_name()),
        ]
        lines += [f"{label:<28}{value:>17}" for label, value in head]
        lines += ["", f"{'':<27}{'Left':>9}{'Right':>11}", "-" * 48]
        rows = [
            ("Number of Observations", *[f"{v}" for v in self.n]),
            ("Number of Effective Obs.", *[f"{v}" for v in self.n_effective]),
            ("Bandwidth Estimation", *[f"{v:.3f}" for v in self.h]),
            ("Bandwidth Bias", *[f"{v:.3f}" for v in self.b]),
            ("rho (h/b)", *[f"{h / b:.3f}" for h, b in zip(self.h, self.b)]),
        ]
        lines += [f"{label:<27}{left:>9}{right:>11}" for label, left, right in rows]
        lines += [
            "",
            f"{'Method':<15}{'Coef.':>9}{'S.E.':>9}{'z-stat':>9}{'P>|z|':>12}    {self.level:g}% CI",
            "-" * 73,
        ]
        z = self.estimate / self.se
        z_rb = self.estimate_bc / self.se_robust
        lines.append(
            f"{'Conventional':<15}{self.estimate:>9.3f}{self.se:>9.3f}{z:>9.3f}{self.p_value:>12.3e}    {_ci(self.ci)}"
        )
        lines.append(f"{'Robust':<15}{'-':>9}{'-':>9}{z_rb:>9.3f}{self.p_value_robust:>12.3e}    {_ci(self.ci_robust)}")
        return "\n".join(lines)


def _ci(bounds: tuple[float, float]) -> str:
    return f"[{bounds[0]:.3f}, {bounds[1]:.3f}]"


def _pair(values: tuple[float, float]) -> str:
    left, right = values
    return f"{left:.4g}" if left == right else f"({left:.4g}, {right:.4g})"


def _bandwidth(value: Any, argument: str) -> tuple[float, float] | None:
    if value is None:
        return None
    if isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool):
        return float(value), float(value)
    values = _frame.numbers(value, argument)
    if len(values) != 2:
        raise InvalidInputError(f"{argument}: expected one bandwidth or a (left, right) pair, got {len(values)} values")
    return values[0], values[1]


def _cluster_codes(cluster: Any) -> np.ndarray:
    values = _frame.native(cluster, "cluster")
    array = values.to_numpy(dtype=object) if isinstance(values, pd.Series) else _frame.as_array(values, "cluster")
    if array.ndim != 1:
        raise InvalidInputError(f"cluster: must be one-dimensional, got shape {array.shape}")
    codes, _ = pd.factorize(array, use_na_sentinel=True)
    missing = np.flatnonzero(codes < 0)
    if missing.size:
        row = int(missing[0])
        raise InvalidInputError(f"cluster[{row}] = {_frame.describe(array[row])}: cluster labels must not be missing")
    return codes.astype(np.int64)


def rd_estimate(
    y: Any,
    x: Any,
    cutoff: float = 0.0,
    *,
    fuzzy: Any = None,
    cluster: Any = None,
    p: int = 1,
    q: int | None = None,
    kernel: str = "triangular",
    bwselect: str = "mserd",
    vce: str = "nn",
    nnmatch: int = 3,
    h: float | tuple[float, float] | None = None,
    b: float | tuple[float, float] | None = None,
    level: float = 95,
) -> RDResult:
    """The regression discontinuity estimate of ``y``'s jump where ``x`` crosses ``cutoff``.

    Local polynomial fits of order ``p`` on each side (rows with ``x >= cutoff`` are treated),
    the bandwidths chosen by ``bwselect`` and robust bias-corrected inference, all as rdrobust
    defines them (see the guide, "The regression discontinuity estimate").

    Parameters
    ----------
    y, x : column of numbers (pandas, polars, Arrow, numpy or a list)
        The outcome and the running variable; both must be finite.
    cutoff : float
        Where treatment starts.
    fuzzy : column of numbers in [0, 1], optional
        The treatment actually received: a fuzzy design (the ratio of the outcome's jump to the
        treatment's). None: a sharp design.
    cluster : column of labels, optional
        Cluster-robust (CR1) variances by these labels, as rdrobust.
    p, q : int
        Orders of the estimate (0 to 4) and of the bias correction (default ``p + 1``).
    kernel : {"triangular", "epanechnikov", "uniform"}
    bwselect : str
        mserd, msetwo, msesum, msecomb1, msecomb2, cerrd, certwo, cersum, cercomb1 or cercomb2.
    vce : {"nn", "hc0", "hc1", "hc2", "hc3"}
        The variance estimator; with ``cluster``, nn, hc0 and hc1 give CR1.
    nnmatch : int
        The minimum number of neighbours of the nn variance.
    h, b : float or (left, right), optional
        Fixed bandwidths instead of ``bwselect``; ``b`` defaults to ``h``.
    level : float
        The confidence level in percent.

    Returns
    -------
    RDResult

    Examples
    --------
    >>> import numpy as np
    >>> import cssegment as cs
    >>> rng = np.random.default_rng(7)
    >>> x = rng.uniform(-1, 1, 2000)
    >>> y = 1 + x + 0.5 * (x >= 0) + rng.normal(0, 0.2, 2000)
    >>> fit = cs.rd_estimate(y, x)
    >>> bool(fit.ci_robust[0] < 0.5 < fit.ci_robust[1])
    True
    """
    ys = _frame.numeric(y, "y")
    xs = _frame.numeric(x, "x")
    treatment = None if fuzzy is None else _frame.numeric(fuzzy, "fuzzy")
    codes = None if cluster is None else _cluster_codes(cluster)
    cutoff_value = _frame.number(cutoff, "cutoff")
    order = _frame.integer(p, "p")
    bias_order = -1 if q is None else _frame.integer(q, "q")
    kernel_name = _frame.text(kernel, "kernel")
    rule = _frame.text(bwselect, "bwselect")
    variance = _frame.text(vce, "vce")
    neighbours = _frame.integer(nnmatch, "nnmatch")
    level_value = _frame.number(level, "level")
    raw = _core.causal.rd_estimate(
        ys,
        xs,
        treatment,
        codes,
        cutoff_value,
        order,
        bias_order,
        kernel_name,
        rule,
        variance,
        neighbours,
        _bandwidth(h, "h"),
        _bandwidth(b, "b"),
        level_value,
    )
    return RDResult(
        estimate=raw.estimate,
        estimate_bc=raw.estimate_bc,
        se=raw.se,
        se_robust=raw.se_robust,
        ci=raw.ci,
        ci_robust=raw.ci_robust,
        p_value=raw.p_value,
        p_value_robust=raw.p_value_robust,
        h=raw.h,
        b=raw.b,
        n=raw.n,
        n_effective=raw.n_effective,
        n_bias=raw.n_bias,
        intercept=raw.intercept,
        first_stage=raw.first_stage if treatment is not None else math.nan,
        clusters=raw.clusters,
        cutoff=cutoff_value,
        p=order,
        q=order + 1 if q is None else bias_order,
        kernel=kernel_name,
        bwselect="manual" if raw.manual_bandwidth else rule,
        vce=variance,
        nnmatch=neighbours,
        level=level_value,
        fuzzy=treatment is not None,
    )
