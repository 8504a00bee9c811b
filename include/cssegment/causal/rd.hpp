#pragma once
// Regression discontinuity estimates at a cut-off: local polynomial fits on each side, MSE- and
// CER-optimal bandwidths and robust bias-corrected inference, following the definitions of
// rdrobust (Calonico, Cattaneo & Titiunik 2014; Calonico, Cattaneo & Farrell 2020; Calonico,
// Cattaneo, Farrell & Titiunik 2017, 2019) number for number: the data are sorted once by the
// distance to the cut-off on each side, so that every bandwidth window is a prefix and the
// nearest-neighbour residuals are a local scan.
#include <Eigen/Dense>
#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <map>
#include <memory>
#include <numeric>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "cssegment/core/distributions.hpp"
#include "cssegment/core/enum_names.hpp"
#include "cssegment/core/parallel.hpp"
#include "cssegment/core/validate.hpp"

namespace cssegment::causal {

enum class RdKernel { triangular, epanechnikov, uniform };
enum class RdBandwidth { mserd, msetwo, msesum, msecomb1, msecomb2, cerrd, certwo, cersum, cercomb1, cercomb2 };
enum class RdVariance { nn, hc0, hc1, hc2, hc3 };

inline constexpr EnumNames<RdKernel, 3> rd_kernel_names("kernel", "a kernel",
                                                        {{RdKernel::triangular, "triangular"},
                                                         {RdKernel::epanechnikov, "epanechnikov"},
                                                         {RdKernel::uniform, "uniform"}});
inline constexpr EnumNames<RdBandwidth, 10> rd_bandwidth_names("bwselect", "a bandwidth selector",
                                                               {{RdBandwidth::mserd, "mserd"},
                                                                {RdBandwidth::msetwo, "msetwo"},
                                                                {RdBandwidth::msesum, "msesum"},
                                                                {RdBandwidth::msecomb1, "msecomb1"},
                                                                {RdBandwidth::msecomb2, "msecomb2"},
                                                                {RdBandwidth::cerrd, "cerrd"},
                                                                {RdBandwidth::certwo, "certwo"},
                                                                {RdBandwidth::cersum, "cersum"},
                                                                {RdBandwidth::cercomb1, "cercomb1"},
                                                                {RdBandwidth::cercomb2, "cercomb2"}});
inline constexpr EnumNames<RdVariance, 5> rd_variance_names("vce", "a variance estimator",
                                                            {{RdVariance::nn, "nn"},
                                                             {RdVariance::hc0, "hc0"},
                                                             {RdVariance::hc1, "hc1"},
                                                             {RdVariance::hc2, "hc2"},
                                                             {RdVariance::hc3, "hc3"}});

struct RdOptions {
  double cutoff = 0.0;
  int p = 1;
  int q = -1;  // -1: p + 1
  RdKernel kernel = RdKernel::triangular;
  RdBandwidth bwselect = RdBandwidth::mserd;
  RdVariance vce = RdVariance::nn;
  int nnmatch = 3;
  std::optional<std::array<double, 2>> h{};// (left, right); none: selected by bwselect
  std::optional<std::array<double, 2>> b{};// none: h when h is given, else selected
  double level = 95.0;
};

struct RdResult {
  double estimate = NAN, estimate_bc = NAN, se = NAN, se_robust = NAN;
  std::array<double, 2> ci{NAN, NAN}, ci_robust{NAN, NAN};
  double p_value = NAN, p_value_robust = NAN;
  std::array<double, 2> h{NAN, NAN}, b{NAN, NAN};
  std::array<std::size_t, 2> n{0, 0}, n_effective{0, 0}, n_bias{0, 0};
  std::array<double, 2> intercept{NAN, NAN};  // conventional fits of the outcome at the cut-off
  double first_stage = NAN;                   // fuzzy: conventional jump of the treatment
  std::size_t clusters = 0;                   // clusters within the estimation windows (0: none)
  bool manual_bandwidth = false;
  bool mass_points = false;  // >= 20% repeated x on a side: the pilot bandwidth keeps 10 distinct x
};

namespace rd_detail {

inline constexpr int max_q = 8;
inline constexpr int max_order = max_q + 2;
inline const double root_eps = std::sqrt(std::numeric_limits<double>::epsilon());

// K((x - c) / h) / h, as rdrobust weighs an observation.
inline double kernel_weight(RdKernel kernel, double u, double h) {
  const double a = std::abs(u);
  switch (kernel) {
    case RdKernel::epanechnikov: return (0.75 * (1.0 - u * u) * (a <= 1.0 ? 1.0 : 0.0)) / h;
    case RdKernel::uniform: return (0.5 * (a <= 1.0 ? 1.0 : 0.0)) / h;
    case RdKernel::triangular: break;
  }
  return ((1.0 - a) * (a <= 1.0 ? 1.0 : 0.0)) / h;
}

// Runs of equal x on a side: the run of each row and the first row of each run (plus the end).
struct Ties {
  std::vector<std::uint32_t> group;
  std::vector<std::size_t> start;
};

// One side of the cut-off, ordered by the distance to it (nearest first), so that the rows with a
// positive kernel weight for any bandwidth are a prefix.
struct Side {
  double c = 0.0;
  std::vector<double> x, y, t;          // t: treatment (fuzzy), else empty
  std::vector<std::vector<double>> z;   // covariates, one vector each
  std::vector<std::int64_t> cluster;    // dense per side, numbered by first appearance; else empty
  std::shared_ptr<const Ties> ties;     // null when every x is distinct
  std::size_t distinct(std::size_t n) const { return n == 0 || !ties ? n : ties->group[n - 1] + 1; }
  // The first row of the k-th distinct x (k < distinct(size())).
  std::size_t run_start(std::size_t k) const { return ties ? ties->start[k] : k; }
  std::size_t size() const { return x.size(); }
  // The fitted columns: the outcome, the treatment (fuzzy), the covariates.
  std::vector<const double*> columns() const {
    std::vector<const double*> out{y.data()};
    if (!t.empty()) out.push_back(t.data());
    for (const auto& column : z) out.push_back(column.data());
    return out;
  }
};

inline void index_ties(Side& s) {
  const std::size_t n = s.x.size();
  bool any = false;
  for (std::size_t i = 1; i < n && !any; ++i) any = s.x[i] == s.x[i - 1];
  if (!any) return;
  auto ties = std::make_shared<Ties>();
  ties->group.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    if (i == 0 || s.x[i] != s.x[i - 1]) ties->start.push_back(i);
    ties->group[i] = static_cast<std::uint32_t>(ties->start.size() - 1);
  }
  ties->start.push_back(n);
  s.ties = std::move(ties);
}

// Rows with a positive weight for bandwidth h: a prefix of the side.
inline std::size_t window(const Side& s, double h, RdKernel kernel) {
  std::size_t lo = 0, hi = s.size();
  while (lo < hi) {
    const std::size_t mid = lo + (hi - lo) / 2;
    if (kernel_weight(kernel, (s.x[mid] - s.c) / h, h) > 0.0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

// The weighted least-squares fit of order `order` on the first n rows with bandwidth h.
struct Fit {
  int order = 0;
  double h = 0.0;
  std::size_t n = 0;
  Eigen::MatrixXd invG;  // (R'WR)^-1
  Eigen::MatrixXd beta;  // (order + 1) x columns (outcome, treatment, covariates)
  Eigen::MatrixXd rwd;   // R'WD
  Eigen::MatrixXd dwd;   // D'WD, with covariates only
};

inline Eigen::MatrixXd inverse_spd(const Eigen::MatrixXd& g) {
  const Eigen::LLT<Eigen::MatrixXd> llt(g);
  if (llt.info() == Eigen::Success) return llt.solve(Eigen::MatrixXd::Identity(g.rows(), g.cols()));
  return g.completeOrthogonalDecomposition().pseudoInverse();
}

inline Fit fit(const Side& s, std::size_t n, double h, int order, RdKernel kernel) {
  const std::vector<const double*> cols = s.columns();
  const auto nc = static_cast<Eigen::Index>(cols.size());
  const bool cross = !s.z.empty();
  std::array<double, 2 * max_order + 1> moment{};
  Eigen::MatrixXd rhs = Eigen::MatrixXd::Zero(order + 1, nc), dwd = Eigen::MatrixXd::Zero(nc, nc);
  std::vector<double> d(cols.size());
  for (std::size_t i = 0; i < n; ++i) {
    const double u = s.x[i] - s.c, w = kernel_weight(kernel, u / h, h);
    for (Eigen::Index j = 0; j < nc; ++j) d[static_cast<std::size_t>(j)] = cols[static_cast<std::size_t>(j)][i];
    double pw = w;
    for (int j = 0; j <= 2 * order; ++j) {
      moment[static_cast<std::size_t>(j)] += pw;
      if (j <= order)
        for (Eigen::Index c = 0; c < nc; ++c) rhs(j, c) += pw * d[static_cast<std::size_t>(c)];
      pw *= u;
    }
    if (cross)
      for (Eigen::Index a = 0; a < nc; ++a)
        for (Eigen::Index b = 0; b < nc; ++b)
          dwd(a, b) += w * d[static_cast<std::size_t>(a)] * d[static_cast<std::size_t>(b)];
  }
  const int k = order + 1;
  Eigen::MatrixXd g(k, k);
  for (int a = 0; a < k; ++a)
    for (int b = 0; b < k; ++b) g(a, b) = moment[static_cast<std::size_t>(a + b)];
  Fit f;
  f.order = order;
  f.h = h;
  f.n = n;
  f.invG = inverse_spd(g);
  f.beta = f.invG * rhs;
  f.rwd = std::move(rhs);
  f.dwd = std::move(dwd);
  return f;
}

// rdrobust's covariate coefficients from the partialled-out cross products of one or both sides:
// gamma = (Z'WZ - U_Z' G^-1 U_Z)^+ (Z'WD_0 - U_Z' G^-1 U_0), with U = R'WD and D_0 the outcome (and
// treatment) columns. zwz and zwy accumulate the two terms.
inline void covariate_terms(const Fit& f, int lead, Eigen::MatrixXd& zwz, Eigen::MatrixXd& zwy) {
  const Eigen::Index nc = f.rwd.cols(), dz = nc - lead;
  const Eigen::MatrixXd uigu = f.rwd.rightCols(dz).transpose() * f.invG * f.rwd;
  const Eigen::MatrixXd zwd = f.dwd.bottomRows(dz);
  if (zwz.size() == 0) zwz = Eigen::MatrixXd::Zero(dz, dz), zwy = Eigen::MatrixXd::Zero(dz, lead);
  zwz += zwd.rightCols(dz) - uigu.rightCols(dz);
  zwy += zwd.leftCols(lead) - uigu.leftCols(lead);
}

// The combination s of the columns whose variance rdrobust takes: the outcome net of the
// covariates, and for a fuzzy design the gradient of the ratio (tau_y, tau_t: the jumps or
// derivatives net of the covariates).
inline std::vector<double> combination(bool fuzzy, const Eigen::MatrixXd& gamma, double tau_y, double tau_t) {
  const Eigen::Index dz = gamma.rows();
  std::vector<double> sv;
  if (fuzzy) {
    sv = {1.0 / tau_t, -(tau_y / (tau_t * tau_t))};
    for (Eigen::Index j = 0; j < dz; ++j)
      sv.push_back(-(1.0 / tau_t) * gamma(j, 0) + (tau_y / (tau_t * tau_t)) * gamma(j, 1));
  } else {
    sv = {1.0};
    for (Eigen::Index j = 0; j < dz; ++j) sv.push_back(-gamma(j, 0));
  }
  return sv;
}

// (jump of the outcome, jump of the treatment) net of the covariates in coefficient row `row`
// of beta (a side's coefficients or the difference of the two sides').
inline std::pair<double, double> net_of_covariates(const Eigen::MatrixXd& beta, int row, bool fuzzy,
                                                   const Eigen::MatrixXd& gamma) {
  const Eigen::Index lead = fuzzy ? 2 : 1, dz = gamma.rows();
  double y = beta(row, 0), t = fuzzy ? beta(row, 1) : 0.0;
  for (Eigen::Index j = 0; j < dz; ++j) {
    y -= gamma(j, 0) * beta(row, lead + j);
    if (fuzzy) t -= gamma(j, 1) * beta(row, lead + j);
  }
  return {y, t};
}

inline double ipow(double v, int k) {
  double out = 1.0;
  for (int j = 0; j < k; ++j) out *= v;
  return out;
}

inline void powers(double u, int order, double* out) {
  out[0] = 1.0;
  for (int j = 1; j <= order; ++j) out[j] = out[j - 1] * u;
}

enum class Residual { nn, plain, hc1, hc2, hc3 };

// Residuals of the first n rows, one vector per fitted column: nearest-neighbour residuals
// (rdrobust's nn: at least nnmatch neighbours, ties at equal x kept together, scaled by
// sqrt(J / (J + 1))), or the residuals of `f` scaled as HC0-HC3 (d: the regressors for HC1).
inline void residuals(const Side& s, std::size_t n, const Fit& f, Residual kind, int nnmatch, int d, RdKernel kernel,
                      std::vector<std::vector<double>>& res) {
  const std::vector<const double*> cols = s.columns();
  res.resize(cols.size());
  for (auto& r : res) r.resize(n);  // every row is written below
  // Row i's residuals from its neighbours [lo, hi) (i among them).
  auto nn_residual = [&](std::size_t i, std::size_t lo, std::size_t hi) {
    const double j = static_cast<double>(hi - lo - 1), sf = std::sqrt(j / (j + 1.0));
    for (std::size_t c = 0; c < cols.size(); ++c) {
      const double* v = cols[c];
      double sum = 0.0;
      for (std::size_t k = lo; k < hi; ++k) sum += v[k];
      res[c][i] = sf * (v[i] - (sum - v[i]) / j);
    }
  };
  if (kind == Residual::nn && !s.ties) {
    // No repeated x: the neighbours of row i are a run of rows around it.
    const std::size_t cap = std::min<std::size_t>(static_cast<std::size_t>(nnmatch), n - 1);
    for (std::size_t i = 0; i < n; ++i) {
      std::size_t lo = i, hi = i + 1;
      while (hi - lo - 1 < cap) {
        if (lo == 0) {
          ++hi;
        } else if (hi >= n) {
          --lo;
        } else {
          const double dl = std::abs(s.x[i] - s.x[lo - 1]), dr = std::abs(s.x[hi] - s.x[i]);
          const double tol = std::max(dl, dr) * root_eps;
          if (dl - dr > tol) {
            ++hi;
          } else if (dr - dl > tol) {
            --lo;
          } else {
            ++hi;
            --lo;
          }
        }
      }
      nn_residual(i, lo, hi);
    }
    return;
  }
  if (kind == Residual::nn) {
    const std::size_t cap = std::min<std::size_t>(static_cast<std::size_t>(nnmatch), n - 1);
    const std::vector<std::size_t>& start = s.ties->start;
    const std::vector<std::uint32_t>& group = s.ties->group;
    for (std::size_t g = 0; g + 1 < start.size() && start[g] < n; ++g) {
      const std::size_t gs = start[g], ge = start[g + 1];
      std::size_t lo = gs, hi = ge;
      while (hi - lo - 1 < cap) {
        if (lo == 0) {
          hi = start[group[hi] + 1];
        } else if (hi >= n) {
          lo = start[group[lo - 1]];
        } else {
          const double dl = std::abs(s.x[gs] - s.x[lo - 1]), dr = std::abs(s.x[hi] - s.x[gs]);
          const double tol = std::max(dl, dr) * root_eps;
          if (dl - dr > tol) {
            hi = start[group[hi] + 1];
          } else if (dr - dl > tol) {
            lo = start[group[lo - 1]];
          } else {
            hi = start[group[hi] + 1];
            lo = start[group[lo - 1]];
          }
        }
      }
      for (std::size_t i = gs; i < ge; ++i) nn_residual(i, lo, hi);
    }
    return;
  }
  std::array<double, max_order + 1> r{};
  const int k = f.order + 1;
  double scale = 1.0;
  if (kind == Residual::hc1) scale = std::sqrt(static_cast<double>(n) / static_cast<double>(n - d));
  for (std::size_t i = 0; i < n; ++i) {
    const double u = s.x[i] - s.c;
    powers(u, f.order, r.data());
    double sc = scale;
    if (kind == Residual::hc2 || kind == Residual::hc3) {
      const double w = kernel_weight(kernel, u / f.h, f.h);
      double hii = 0.0;
      for (int a = 0; a < k; ++a) {
        double row = 0.0;
        for (int b = 0; b < k; ++b) row += r[static_cast<std::size_t>(b)] * f.invG(b, a);
        hii += row * r[static_cast<std::size_t>(a)] * w;
      }
      const double m = std::max(1.0 - hii, 1e-8);
      sc = kind == Residual::hc2 ? std::sqrt(1.0 / m) : 1.0 / m;
    }
    for (std::size_t c = 0; c < cols.size(); ++c) {
      double fitted = 0.0;
      for (int a = 0; a < k; ++a) fitted += r[static_cast<std::size_t>(a)] * f.beta(a, static_cast<Eigen::Index>(c));
      res[c][i] = sc * (cols[c][i] - fitted);
    }
  }
}

// The variance "meat" sum_i (s'res_i)^2 X_i X_i' over the first n rows, or with clusters
// (g/(g-1)) (n-1)/(n-k_df) sum_g (sum_{i in g} X_i s'res_i)(...)'. row(i, out) fills X_i.
template <class Row>
Eigen::MatrixXd meat(const Side& s, std::size_t n, int k, int k_df, std::span<const double> rc, Row&& row) {
  Eigen::MatrixXd m = Eigen::MatrixXd::Zero(k, k);
  std::array<double, max_order + 1> v{};
  if (s.cluster.empty()) {
    for (std::size_t i = 0; i < n; ++i) {
      row(i, v.data());
      const double r2 = rc[i] * rc[i];
      for (int a = 0; a < k; ++a)
        for (int b = 0; b <= a; ++b) m(a, b) += r2 * v[static_cast<std::size_t>(a)] * v[static_cast<std::size_t>(b)];
    }
  } else {
    std::int64_t groups = 0;
    for (std::size_t i = 0; i < n; ++i) groups = std::max(groups, s.cluster[i] + 1);
    std::vector<double> sums(static_cast<std::size_t>(groups) * static_cast<std::size_t>(k), 0.0);
    for (std::size_t i = 0; i < n; ++i) {
      row(i, v.data());
      double* out = sums.data() + static_cast<std::size_t>(s.cluster[i]) * static_cast<std::size_t>(k);
      for (int a = 0; a < k; ++a) out[a] += v[static_cast<std::size_t>(a)] * rc[i];
    }
    for (std::int64_t g = 0; g < groups; ++g) {
      const double* sg = sums.data() + static_cast<std::size_t>(g) * static_cast<std::size_t>(k);
      for (int a = 0; a < k; ++a)
        for (int b = 0; b <= a; ++b) m(a, b) += sg[a] * sg[b];
    }
    const double gs = static_cast<double>(groups), rows = static_cast<double>(n);
    m *= groups > 1 ? ((rows - 1.0) / (rows - k_df)) * (gs / (gs - 1.0)) : NAN;
  }
  for (int a = 0; a < k; ++a)
    for (int b = a + 1; b < k; ++b) m(a, b) = m(b, a);
  return m;
}

inline std::vector<double> combine(const std::vector<std::vector<double>>& res, const std::vector<double>& sv) {
  std::vector<double> rc(res.front().size(), 0.0);
  for (std::size_t c = 0; c < res.size(); ++c)
    for (std::size_t i = 0; i < rc.size(); ++i) rc[i] += sv[c] * res[c][i];
  return rc;
}

inline double factorial(int k) {
  double f = 1.0;
  for (int j = 2; j <= k; ++j) f *= j;
  return f;
}

// The pilot quantities of rdrobust's bandwidth selector on one side (its rdrobust_bw).
struct Pilot {
  double v = NAN, b = NAN, r = NAN, rate = NAN;
};

class Selector {
public:
  Selector(const Side& s, RdKernel kernel, Residual kind, int nnmatch, double h_v)
      : s_(s), kernel_(kernel), kind_(kind), nnmatch_(nnmatch), h_v_(h_v) {}

  Pilot step(int o, int nu, int o_b, double h_b, double scale) {
    const VFit& vf = vfit(o, nu);
    Pilot out;
    out.rate = 1.0 / (2.0 * o + 3.0);
    if (!std::isfinite(vf.v) || !(std::isfinite(h_b) && h_b > 0.0)) return out;
    const std::size_t n = window(s_, h_b, kernel_);
    if (s_.distinct(n) < static_cast<std::size_t>(o_b + 1)) return out;
    const Fit fb = fit(s_, n, h_b, o_b, kernel_);
    double reg = 0.0;
    if (scale > 0.0) {
      const double var_b = variance(fb, o_b + 1, vf.s)(o_b, o_b);
      reg = 3.0 * vf.bconst * vf.bconst * var_b;
    }
    double lead = 0.0;
    for (std::size_t c = 0; c < vf.s.size(); ++c) lead += vf.s[c] * fb.beta(o_b, static_cast<Eigen::Index>(c));
    out.b = std::sqrt(2.0 * (o + 1 - nu)) * vf.bconst * lead;
    out.v = (2.0 * nu + 1.0) * std::pow(h_v_, 2 * nu + 1) * vf.v;
    out.r = scale * (2.0 * (o + 1 - nu)) * reg;
    return out;
  }

private:
  struct VFit {
    double v = NAN, bconst = NAN;
    std::vector<double> s;
  };

  // invG meat invG of a fit, with the residuals of that fit (or nn) combined by s.
  Eigen::MatrixXd variance(const Fit& f, int d, const std::vector<double>& sv) {
    // nn residuals depend on the window only: the pilot fits share theirs.
    if (kind_ != Residual::nn || nn_rows_ != f.n) residuals(s_, f.n, f, kind_, nnmatch_, d, kernel_, res_);
    nn_rows_ = f.n;
    const std::vector<double> rc = combine(res_, sv);
    const int k = f.order + 1;
    const Eigen::MatrixXd m = meat(s_, f.n, k, k, rc, [&](std::size_t i, double* out) {
      const double u = s_.x[i] - s_.c, w = kernel_weight(kernel_, u / f.h, f.h);
      powers(u, f.order, out);
      for (int a = 0; a < k; ++a) out[a] *= w;
    });
    return f.invG * m * f.invG;
  }

  const VFit& vfit(int o, int nu) {
    const auto key = std::make_pair(o, nu);
    if (auto it = cache_.find(key); it != cache_.end()) return it->second;
    VFit vf;
    const std::size_t n = window(s_, h_v_, kernel_);
    if (s_.distinct(n) >= static_cast<std::size_t>(o + 1)) {
      const Fit f = fit(s_, n, h_v_, o, kernel_);
      const bool fuzzy = !s_.t.empty();
      Eigen::MatrixXd gamma(0, fuzzy ? 2 : 1);
      if (!s_.z.empty()) {
        Eigen::MatrixXd zwz, zwy;
        covariate_terms(f, fuzzy ? 2 : 1, zwz, zwy);
        gamma = zwz.completeOrthogonalDecomposition().pseudoInverse() * zwy;
      }
      const auto [ty, tt] = net_of_covariates(f.beta, nu, fuzzy, gamma);
      vf.s = combination(fuzzy, gamma, factorial(nu) * ty, factorial(nu) * tt);
      vf.v = variance(f, o + 1, vf.s)(nu, nu);
      Eigen::VectorXd v = Eigen::VectorXd::Zero(o + 1);
      std::array<double, max_order + 1> r{};
      for (std::size_t i = 0; i < n; ++i) {
        const double u = s_.x[i] - s_.c, w = kernel_weight(kernel_, u / h_v_, h_v_);
        powers(u, o, r.data());
        const double lead = ipow(u / h_v_, o + 1);
        for (int a = 0; a <= o; ++a) v(a) += w * r[static_cast<std::size_t>(a)] * lead;
      }
      vf.bconst = std::pow(h_v_, nu) * (f.invG * v)(nu);
    }
    return cache_.emplace(key, vf).first->second;
  }

  const Side& s_;
  RdKernel kernel_;
  Residual kind_;
  int nnmatch_;
  double h_v_;
  std::map<std::pair<int, int>, VFit> cache_;
  std::vector<std::vector<double>> res_;
  std::size_t nn_rows_ = std::numeric_limits<std::size_t>::max();
};

// `rows` ordered by x, ties in the given order: a least-significant-digit radix sort of the
// doubles' bits (11 bits a pass), linear where std::sort is n log n.
inline std::vector<std::uint32_t> order_by(std::span<const double> x, std::span<const std::uint32_t> rows) {
  const std::size_t n = rows.size();
  // Default-initialised buffers (every element is written before it is read), as
  // std::make_unique_for_overwrite makes them; libc++ before 15 lacks that function.
  std::unique_ptr<std::uint64_t[]> key(new std::uint64_t[n]), key_tmp(new std::uint64_t[n]);
  std::unique_ptr<std::uint32_t[]> row(new std::uint32_t[n]), row_tmp(new std::uint32_t[n]);
  for (std::size_t i = 0; i < n; ++i) {
    std::uint64_t bits;
    const double v = x[rows[i]] == 0.0 ? 0.0 : x[rows[i]];  // -0 sorts with +0
    std::memcpy(&bits, &v, sizeof bits);
    key[i] = bits & (std::uint64_t{1} << 63) ? ~bits : bits | (std::uint64_t{1} << 63);
    row[i] = rows[i];
  }
  constexpr int bits_per_pass = 11, buckets = 1 << bits_per_pass;
  for (int shift = 0; shift < 64; shift += bits_per_pass) {
    std::array<std::size_t, buckets> count{};
    for (std::size_t i = 0; i < n; ++i) ++count[(key[i] >> shift) & (buckets - 1)];
    if (std::any_of(count.begin(), count.end(), [&](std::size_t c) { return c == n; })) continue;
    std::size_t total = 0;
    for (std::size_t& c : count) total += std::exchange(c, total);
    for (std::size_t i = 0; i < n; ++i) {
      const std::size_t at = count[(key[i] >> shift) & (buckets - 1)]++;
      key_tmp[at] = key[i];
      row_tmp[at] = row[i];
    }
    key.swap(key_tmp);
    row.swap(row_tmp);
  }
  return {row.get(), row.get() + n};
}

// f(0) and f(1), for the left and the right side, on two threads when `parallel`. The sides'
// computations are independent, so the results do not depend on it.
template <class F>
void each_side(bool parallel, F&& f) {
  parallel_for(
      2, 1,
      [&](std::size_t begin, std::size_t end) {
        for (std::size_t i = begin; i < end; ++i) f(i);
      },
      parallel ? 2 : 1);
}

inline double ratio(double v, double b2, double r, double rate) { return std::pow(v / (b2 + r), rate); }

inline double median3(double a, double b, double c) { return std::max(std::min(a, b), std::min(std::max(a, b), c)); }

inline bool all_equal(std::span<const double> v) {
  return std::all_of(v.begin(), v.end(), [&](double a) { return a == v.front(); });
}

// Sample standard deviation (ddof = 1).
inline double sample_sd(std::span<const double> v) {
  double mean = 0.0;
  for (double a : v) mean += a;
  mean /= static_cast<double>(v.size());
  double ss = 0.0;
  for (double a : v) ss += (a - mean) * (a - mean);
  return std::sqrt(ss / static_cast<double>(v.size() - 1));
}

// Hyndman-Fan type 2 quantile of sorted values (R's quantile(type = 2)).
inline double quantile_type2(std::span<const double> sorted, double prob) {
  const double hh = static_cast<double>(sorted.size()) * prob;
  const auto j = static_cast<std::size_t>(std::floor(hh));
  if (hh == static_cast<double>(j)) return 0.5 * (sorted[j - 1] + sorted[j]);
  return sorted[j];
}

struct Bandwidths {
  std::array<double, 2> h{NAN, NAN}, b{NAN, NAN};
};

// rdrobust's rdbwselect on standardised data (x / sd(x), y / sd(y)); bandwidths returned in x units.
inline Bandwidths select(const Side& l, const Side& r, const RdOptions& o, int q, Residual kind, double x_sd,
                         double bw_pilot, std::size_t n_all, std::size_t unique_all, std::optional<double> bw_min_l,
                         std::optional<double> bw_min_r, std::size_t g_l, std::size_t g_r, bool parallel) {
  const int p = o.p;
  const double cc = o.kernel == RdKernel::epanechnikov ? 2.34 : o.kernel == RdKernel::uniform ? 1.843 : 2.576;
  double c_bw = cc * bw_pilot * std::pow(static_cast<double>(unique_all), -0.2);
  const double max_l = std::abs(l.c - l.x.back()), max_r = std::abs(r.c - r.x.back());
  const double bw_max = std::max(max_l, max_r);
  c_bw = std::min(c_bw, bw_max);
  if (bw_min_l) c_bw = std::max({c_bw, *bw_min_l, *bw_min_r});
  std::array<Selector, 2> sel{Selector(l, o.kernel, kind, o.nnmatch, c_bw),
                              Selector(r, o.kernel, kind, o.nnmatch, c_bw)};
  // One step on both sides (each with its own bias bandwidth).
  auto steps = [&](int o_, int nu, int o_b, std::array<double, 2> h_b, double scale) {
    std::array<Pilot, 2> out;
    each_side(parallel, [&](std::size_t i) { out[i] = sel[i].step(o_, nu, o_b, h_b[i], scale); });
    return out;
  };
  // Named, not a structured binding: the lambda below captures them (Clang before 16 cannot).
  const std::array<Pilot, 2> d_steps =
      steps(q + 1, q + 1, q + 2, {max_l * (1.0 + root_eps), max_r * (1.0 + root_eps)}, 0.0);
  const Pilot& dl = d_steps[0];
  const Pilot& dr = d_steps[1];
  const RdBandwidth rule = o.bwselect;
  auto uses = [&](std::initializer_list<RdBandwidth> rules) {
    return std::find(rules.begin(), rules.end(), rule) != rules.end();
  };
  using B = RdBandwidth;
  std::array<double, 2> h_two{}, b_two{};
  double h_sum = NAN, b_sum = NAN, h_rd = NAN, b_rd = NAN;
  if (uses({B::msetwo, B::certwo, B::msecomb2, B::cercomb2})) {
    double d_l = std::min(std::pow(dl.v / (dl.b * dl.b), dl.rate), max_l);
    double d_r = std::min(std::pow(dr.v / (dr.b * dr.b), dr.rate), max_r);
    if (bw_min_l) d_l = std::max(d_l, *bw_min_l), d_r = std::max(d_r, *bw_min_r);
    const auto [bl, br] = steps(q, p + 1, q + 1, {d_l, d_r}, 1.0);
    const double bb_l = std::min(ratio(bl.v, bl.b * bl.b, bl.r, bl.rate), max_l);
    const double bb_r = std::min(ratio(br.v, br.b * br.b, br.r, br.rate), max_r);
    const auto [hl, hr] = steps(p, 0, q, {bb_l, bb_r}, 1.0);
    h_two = {x_sd * std::min(ratio(hl.v, hl.b * hl.b, hl.r, hl.rate), max_l),
             x_sd * std::min(ratio(hr.v, hr.b * hr.b, hr.r, hr.rate), max_r)};
    b_two = {x_sd * bb_l, x_sd * bb_r};
  }
  // One common bandwidth for the sum (sign = +1) or the difference (sign = -1) of the two sides.
  auto common = [&](double sign, double& h_out, double& b_out) {
    double d = std::min(std::pow((dl.v + dr.v) / std::pow(dr.b + sign * dl.b, 2), dl.rate), bw_max);
    if (bw_min_l) d = std::max({d, *bw_min_l, *bw_min_r});
    const auto [bl, br] = steps(q, p + 1, q + 1, {d, d}, 1.0);
    const double bb = std::min(ratio(bl.v + br.v, std::pow(br.b + sign * bl.b, 2), br.r + bl.r, bl.rate), bw_max);
    const auto [hl, hr] = steps(p, 0, q, {bb, bb}, 1.0);
    h_out = x_sd * std::min(ratio(hl.v + hr.v, std::pow(hr.b + sign * hl.b, 2), hr.r + hl.r, hl.rate), bw_max);
    b_out = x_sd * bb;
  };
  if (uses({B::msesum, B::cersum, B::msecomb1, B::msecomb2, B::cercomb1, B::cercomb2})) common(1.0, h_sum, b_sum);
  if (uses({B::mserd, B::cerrd, B::msecomb1, B::msecomb2, B::cercomb1, B::cercomb2})) common(-1.0, h_rd, b_rd);
  const double pd = p;
  const double clusters = static_cast<double>(g_l + g_r);
  const double cer =
      std::pow(g_l + g_r > 0 ? clusters : static_cast<double>(n_all), -(pd / ((3.0 + pd) * (3.0 + 2.0 * pd))));
  Bandwidths out;
  switch (rule) {
    case B::mserd: out = {{h_rd, h_rd}, {b_rd, b_rd}}; break;
    case B::msetwo: out = {h_two, b_two}; break;
    case B::msesum: out = {{h_sum, h_sum}, {b_sum, b_sum}}; break;
    case B::msecomb1: {
      const double hh = std::min(h_rd, h_sum), bb = std::min(b_rd, b_sum);
      out = {{hh, hh}, {bb, bb}};
      break;
    }
    case B::msecomb2:
      out = {{median3(h_rd, h_sum, h_two[0]), median3(h_rd, h_sum, h_two[1])},
             {median3(b_rd, b_sum, b_two[0]), median3(b_rd, b_sum, b_two[1])}};
      break;
    case B::cerrd: out = {{h_rd * cer, h_rd * cer}, {b_rd, b_rd}}; break;
    case B::certwo: out = {{h_two[0] * cer, h_two[1] * cer}, b_two}; break;
    case B::cersum: out = {{h_sum * cer, h_sum * cer}, {b_sum, b_sum}}; break;
    case B::cercomb1: {
      const double hh = std::min(h_rd, h_sum), bb = std::min(b_rd, b_sum);
      out = {{hh * cer, hh * cer}, {bb, bb}};
      break;
    }
    case B::cercomb2:
      out = {{median3(h_rd, h_sum, h_two[0]) * cer, median3(h_rd, h_sum, h_two[1]) * cer},
             {median3(b_rd, b_sum, b_two[0]), median3(b_rd, b_sum, b_two[1])}};
      break;
  }
  for (double v : {out.h[0], out.h[1], out.b[0], out.b[1]})
    if (!(std::isfinite(v) && v > 0.0))
      fail("x", "not enough variability in the running variable near the cutoff to select a bandwidth");
  return out;
}

// The conventional (order p, bandwidth h) and bias (order q, bandwidth b) fits of one side.
struct SideFit {
  Fit fp, fq;
  Eigen::VectorXd l;       // sum_i w_h r_p(u_i) (u_i / h)^(p+1)
  Eigen::MatrixXd beta_bc;  // bias-corrected coefficients, (p + 1) x columns
  double hp = 1.0;          // h^(p+1)
  std::size_t n_h = 0, n_b = 0, n = 0;  // rows with w_h > 0, with w_b > 0, in the larger window
};

// Q_i = w_h r_p(u_i) - h^(p+1) w_b (r_q(u_i)' invG_q e_(p+1)) L: the bias-corrected score.
inline void bias_row(const Side& s, const SideFit& f, RdKernel kernel, std::size_t i, double* out) {
  const int p = f.fp.order, q = f.fq.order;
  const double h = f.fp.h, b = f.fq.h, u = s.x[i] - s.c;
  const double wh = kernel_weight(kernel, u / h, h), wb = kernel_weight(kernel, u / b, b);
  std::array<double, max_order + 1> rq{};
  powers(u, q, rq.data());
  double m = 0.0;
  for (int a = 0; a <= q; ++a) m += rq[static_cast<std::size_t>(a)] * f.fq.invG(p + 1, a);
  m *= wb;
  for (int a = 0; a <= p; ++a) out[a] = wh * rq[static_cast<std::size_t>(a)] - f.hp * m * f.l(a);
}

inline SideFit fit_side(const Side& s, RdKernel kernel, int p, int q, double h, double b) {
  SideFit f;
  f.n_h = window(s, h, kernel);
  f.n_b = window(s, b, kernel);
  f.n = h > b ? f.n_h : f.n_b;
  f.fp = fit(s, f.n_h, h, p, kernel);
  f.fq = fit(s, f.n_b, b, q, kernel);
  f.hp = std::pow(h, p + 1);
  const int kp = p + 1;
  f.l = Eigen::VectorXd::Zero(kp);
  std::array<double, max_order + 1> r{};
  for (std::size_t i = 0; i < f.n_h; ++i) {
    const double u = s.x[i] - s.c, w = kernel_weight(kernel, u / h, h);
    powers(u, p, r.data());
    const double lead = ipow(u / h, p + 1);
    for (int a = 0; a < kp; ++a) f.l(a) += w * r[static_cast<std::size_t>(a)] * lead;
  }
  const std::vector<const double*> cols = s.columns();
  Eigen::MatrixXd qd = Eigen::MatrixXd::Zero(kp, static_cast<Eigen::Index>(cols.size()));
  for (std::size_t i = 0; i < f.n; ++i) {
    bias_row(s, f, kernel, i, r.data());
    for (int a = 0; a < kp; ++a)
      for (std::size_t c = 0; c < cols.size(); ++c)
        qd(a, static_cast<Eigen::Index>(c)) += r[static_cast<std::size_t>(a)] * cols[c][i];
  }
  f.beta_bc = f.fp.invG * qd;
  return f;
}

// The conventional and robust variances of one side's coefficients for the combination s of the
// outcome and treatment residuals (rdrobust's V_cl and V_rb).
inline std::pair<Eigen::MatrixXd, Eigen::MatrixXd> side_variance(const Side& s, const SideFit& f, const RdOptions& o,
                                                                 Residual kind, const std::vector<double>& sv,
                                                                 bool hb_match) {
  const int p = f.fp.order, q = f.fq.order, kp = p + 1, kq = q + 1;
  const std::size_t n = f.n;
  const double h = f.fp.h;
  // Residuals on the estimation window: the p fit's for the conventional variance, the q fit's
  // for the robust one (the same nn residuals for both).
  Fit fp_n = f.fp, fq_n = f.fq;
  fp_n.n = fq_n.n = n;
  std::vector<std::vector<double>> res_h, res_b;
  residuals(s, n, fp_n, kind, o.nnmatch, p + 1, o.kernel, res_h);
  if (kind == Residual::nn) res_b = res_h;
  else residuals(s, n, fq_n, kind, o.nnmatch, q + 1, o.kernel, res_b);
  auto weighted_row = [&](int order) {
    return [&, order](std::size_t i, double* out) {
      const double u = s.x[i] - s.c, w = kernel_weight(o.kernel, u / h, h);
      powers(u, order, out);
      for (int a = 0; a <= order; ++a) out[a] *= w;
    };
  };
  const Eigen::MatrixXd v_cl = f.fp.invG * meat(s, n, kp, kp, combine(res_h, sv), weighted_row(p)) * f.fp.invG;
  const std::vector<double> rc = combine(res_b, sv);
  if (hb_match && !s.cluster.empty()) return {v_cl, f.fq.invG * meat(s, n, kq, kq, rc, weighted_row(q)) * f.fq.invG};
  const Eigen::MatrixXd m =
      meat(s, n, kp, kq, rc, [&](std::size_t i, double* out) { bias_row(s, f, o.kernel, i, out); });
  return {v_cl, f.fp.invG * m * f.fp.invG};
}

// Distinct clusters among the first n rows of a side (dense codes numbered by first appearance).
inline std::size_t clusters_in(const Side& s, std::size_t n) {
  std::int64_t g = 0;
  for (std::size_t i = 0; i < n; ++i) g = std::max(g, s.cluster[i] + 1);
  return static_cast<std::size_t>(g);
}

}  // namespace rd_detail

// The sharp (treatment empty) or fuzzy RD estimate of y at x = options.cutoff. cluster: codes
// >= 0 (empty: none); with clusters the variance is rdrobust's CR1 (vce nn, hc0 and hc1).
// covariates: covariate_count columns, row-major (row i's values at i * covariate_count).
inline RdResult rd_estimate(std::span<const double> y, std::span<const double> x, std::span<const double> treatment,
                            std::span<const std::int64_t> cluster, std::span<const double> covariates,
                            std::size_t covariate_count, const RdOptions& options) {
  using namespace rd_detail;
  const RdOptions& o = options;
  check_same_length("y", y.size(), "x", x.size());
  const std::size_t dz = covariate_count;
  if (covariates.size() != dz * x.size())
    fail("covariates", "has " + std::to_string(covariates.size()) + " values, not " + std::to_string(dz) +
                           " columns of " + std::to_string(x.size()) + " rows");
  if (x.size() > std::numeric_limits<std::uint32_t>::max())
    fail("x", "has " + std::to_string(x.size()) + " rows; at most 4294967295 are supported");
  if (!treatment.empty()) check_same_length("fuzzy", treatment.size(), "x", x.size());
  if (!cluster.empty()) check_same_length("cluster", cluster.size(), "x", x.size());
  require(std::isfinite(o.cutoff), "cutoff", "must be finite, got " + format_number(o.cutoff));
  if (o.p < 0 || o.p > 4) fail("p", "must be 0 to 4, got " + std::to_string(o.p));
  const int q = o.q < 0 ? o.p + 1 : o.q;
  if (q <= o.p || q > max_q)
    fail("q", "must be greater than p and at most " + std::to_string(max_q) + ", got " + std::to_string(q));
  if (o.nnmatch < 1) fail("nnmatch", "must be >= 1, got " + std::to_string(o.nnmatch));
  if (!(o.level > 0.0 && o.level < 100.0)) fail("level", "must be in (0, 100), got " + format_number(o.level));
  for (const auto* band : {&o.h, &o.b})
    if (*band)
      for (double v : **band)
        if (!(std::isfinite(v) && v > 0.0))
          fail(band == &o.h ? "h" : "b", "bandwidths must be finite and > 0, got " + format_number(v));
  if (o.b && !o.h) fail("b", "needs h (a bias bandwidth alone is not supported)");
  if (!cluster.empty() && (o.vce == RdVariance::hc2 || o.vce == RdVariance::hc3))
    fail("vce", "hc2 and hc3 are not available with clusters (rdrobust switches them to CR2/CR3)");
  for (std::size_t i = 0; i < x.size(); ++i) {
    if (!std::isfinite(x[i])) fail_at("x", i, x[i], "values must be finite");
    if (!std::isfinite(y[i])) fail_at("y", i, y[i], "values must be finite");
    if (!treatment.empty() && !(treatment[i] >= 0.0 && treatment[i] <= 1.0))
      fail_at("fuzzy", i, treatment[i], "treatment must be 0/1 or a probability in [0, 1]");
    if (!cluster.empty() && cluster[i] < 0) fail_at("cluster", i, "missing", "every row needs a cluster label");
    for (std::size_t j = 0; j < dz; ++j)
      if (!std::isfinite(covariates[i * dz + j]))
        fail_at("covariates", i, covariates[i * dz + j], "values must be finite (column " + std::to_string(j) + ")");
  }
  if (dz > 0) {
    // rdrobust drops covariates that are collinear (|R_jj| <= 1e-5 in the QR of the covariates).
    const Eigen::Map<const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>> zm(
        covariates.data(), static_cast<Eigen::Index>(x.size()), static_cast<Eigen::Index>(dz));
    const Eigen::MatrixXd r = Eigen::HouseholderQR<Eigen::MatrixXd>(zm).matrixQR();
    for (std::size_t j = 0; j < dz; ++j)
      if (!(std::abs(r(static_cast<Eigen::Index>(j), static_cast<Eigen::Index>(j))) > 1e-5))
        fail("covariates", "column " + std::to_string(j) + " is collinear with the columns before it; drop it");
  }
  const bool fuzzy = !treatment.empty();
  const double c = o.cutoff;

  // Rows of each side, then each side sorted by x once (the left side read from the cut-off
  // outwards), the two sides on two threads for large inputs.
  const bool parallel = x.size() >= 20000;
  std::array<std::vector<std::uint32_t>, 2> rows;
  for (std::size_t i = 0; i < x.size(); ++i) rows[x[i] < c ? 0 : 1].push_back(static_cast<std::uint32_t>(i));
  if (rows[0].empty() || rows[1].empty())
    fail("cutoff", "no observations on one side of the cutoff " + format_number(c));
  std::array<Side, 2> side;
  std::array<std::vector<std::int64_t>, 2> labels_by_code;  // per side: the label of each dense code
  each_side(parallel, [&](std::size_t sd) {
    Side& s = side[sd];
    std::vector<std::uint32_t> order = order_by(x, rows[sd]);
    if (sd == 0) std::reverse(order.begin(), order.end());
    const std::size_t m = order.size();
    s.c = c;
    s.x.resize(m);
    s.y.resize(m);
    if (fuzzy) s.t.resize(m);
    if (!cluster.empty()) s.cluster.resize(m);
    s.z.assign(dz, std::vector<double>(m));
    std::unordered_map<std::int64_t, std::int64_t> dense;
    for (std::size_t j = 0; j < m; ++j) {
      const std::uint32_t i = order[j];
      s.x[j] = x[i];
      s.y[j] = y[i];
      if (fuzzy) s.t[j] = treatment[i];
      for (std::size_t k = 0; k < dz; ++k) s.z[k][j] = covariates[static_cast<std::size_t>(i) * dz + k];
      if (!cluster.empty()) {
        const auto [it, fresh] = dense.emplace(cluster[i], static_cast<std::int64_t>(dense.size()));
        if (fresh) labels_by_code[sd].push_back(cluster[i]);
        s.cluster[j] = it->second;
      }
    }
    index_ties(s);
  });
  const Side &left = side[0], &right = side[1];
  const std::vector<std::int64_t>&labels_l = labels_by_code[0], &labels_r = labels_by_code[1];
  for (int sd = 0; sd < 2; ++sd)
    if (side[static_cast<std::size_t>(sd)].distinct(side[static_cast<std::size_t>(sd)].size()) <
        static_cast<std::size_t>(q + 1))
      fail("x", std::string("fewer distinct values on the ") + (sd == 0 ? "left" : "right") +
                    " of the cutoff than a polynomial of order q = " + std::to_string(q) + " needs");
  if (all_equal(y)) fail("y", "is constant: there is no discontinuity to estimate");
  if (fuzzy && all_equal(left.t) && all_equal(right.t) && left.t.front() == right.t.front())
    fail("fuzzy", "the treatment does not vary and does not jump at the cutoff");

  RdResult res;
  res.n = {left.size(), right.size()};
  const std::size_t n_all = x.size();
  const Residual kind = !cluster.empty()           ? Residual::plain
                        : o.vce == RdVariance::nn  ? Residual::nn
                        : o.vce == RdVariance::hc0 ? Residual::plain
                        : o.vce == RdVariance::hc1 ? Residual::hc1
                        : o.vce == RdVariance::hc2 ? Residual::hc2
                                                   : Residual::hc3;
  const std::size_t m_l = left.distinct(left.size()), m_r = right.distinct(right.size());
  res.mass_points = 1.0 - static_cast<double>(m_l) / static_cast<double>(left.size()) >= 0.2 ||
                    1.0 - static_cast<double>(m_r) / static_cast<double>(right.size()) >= 0.2;
  std::array<double, 2> h{}, b{};
  if (o.h) {
    h = *o.h;
    b = o.b ? *o.b : h;
    res.manual_bandwidth = true;
  } else if (n_all < 20) {
    const double range = std::max(c - left.x.back(), right.x.back() - c);
    h = b = {range, range};
    res.manual_bandwidth = true;
  } else {
    std::vector<double> sorted_x(left.x.rbegin(), left.x.rend());
    sorted_x.insert(sorted_x.end(), right.x.begin(), right.x.end());
    const double x_sd = sample_sd(sorted_x), y_sd = sample_sd(y);
    const double iqr = quantile_type2(sorted_x, 0.75) - quantile_type2(sorted_x, 0.25);
    const double pilot = std::min(1.0, (iqr / x_sd) / 1.349);
    // The selectors use the treatment only when it varies on both sides (rdrobust).
    const bool bw_t = fuzzy && !all_equal(left.t) && !all_equal(right.t);
    std::array<Side, 2> scaled;
    each_side(parallel, [&](std::size_t sd) {
      Side& s = scaled[sd];
      s = side[sd];
      if (!bw_t) s.t.clear();
      s.c = c / x_sd;
      for (double& v : s.x) v /= x_sd;
      for (double& v : s.y) v /= y_sd;
    });
    std::optional<double> min_l, min_r;
    if (res.mass_points) {
      const Side &sl = scaled[0], &sr = scaled[1];
      min_l = std::abs(sl.x[sl.run_start(std::min<std::size_t>(10, m_l) - 1)] - sl.c) * (1.0 + root_eps);
      min_r = std::abs(sr.x[sr.run_start(std::min<std::size_t>(10, m_r) - 1)] - sr.c) * (1.0 + root_eps);
    }
    std::size_t g_l = 0, g_r = 0;
    if (!cluster.empty()) g_l = labels_l.size(), g_r = labels_r.size();
    const Bandwidths bw =
        select(scaled[0], scaled[1], o, q, kind, x_sd, pilot, n_all, m_l + m_r, min_l, min_r, g_l, g_r, parallel);
    h = bw.h;
    b = bw.b;
  }
  res.h = h;
  res.b = b;
  for (int sd = 0; sd < 2; ++sd) {
    const Side& s = side[static_cast<std::size_t>(sd)];
    const auto i = static_cast<std::size_t>(sd);
    if (s.distinct(window(s, h[i], o.kernel)) < static_cast<std::size_t>(o.p + 1) ||
        s.distinct(window(s, b[i], o.kernel)) < static_cast<std::size_t>(q + 1))
      fail("h", std::string("fewer distinct x within the bandwidth on the ") + (sd == 0 ? "left" : "right") +
                    " than the polynomials of order p = " + std::to_string(o.p) + " and q = " + std::to_string(q) +
                    " need");
  }
  const bool hb_match = h[0] == b[0] && h[1] == b[1];
  std::array<SideFit, 2> fits;
  each_side(parallel, [&](std::size_t i) { fits[i] = fit_side(side[i], o.kernel, o.p, q, h[i], b[i]); });
  const SideFit &fl = fits[0], &fr = fits[1];
  // Covariates: their coefficients from both sides' partialled-out cross products (rdrobust's
  // gamma_p), then every jump is net of them.
  Eigen::MatrixXd gamma(0, fuzzy ? 2 : 1);
  if (dz > 0) {
    Eigen::MatrixXd zwz, zwy;
    covariate_terms(fl.fp, fuzzy ? 2 : 1, zwz, zwy);
    covariate_terms(fr.fp, fuzzy ? 2 : 1, zwz, zwy);
    gamma = zwz.completeOrthogonalDecomposition().pseudoInverse() * zwy;
  }
  const Eigen::MatrixXd jump = fr.fp.beta - fl.fp.beta, jump_bc = fr.beta_bc - fl.beta_bc;
  const auto [tau_y, tau_t] = net_of_covariates(jump, 0, fuzzy, gamma);
  const auto [tau_y_bc, tau_t_bc] = net_of_covariates(jump_bc, 0, fuzzy, gamma);
  res.intercept = {net_of_covariates(fl.fp.beta, 0, fuzzy, gamma).first,
                   net_of_covariates(fr.fp.beta, 0, fuzzy, gamma).first};
  if (fuzzy) {
    // The ratio of the outcome's jump to the treatment's, bias-corrected through its gradient.
    const double gy = 1.0 / tau_t, gt = -(tau_y / (tau_t * tau_t));
    res.first_stage = tau_t;
    res.estimate = tau_y / tau_t;
    res.estimate_bc = res.estimate - (gy * (tau_y - tau_y_bc) + gt * (tau_t - tau_t_bc));
  } else {
    res.estimate = tau_y;
    res.estimate_bc = tau_y_bc;
  }
  const std::vector<double> s_y = combination(fuzzy, gamma, tau_y, tau_t);
  std::array<std::pair<Eigen::MatrixXd, Eigen::MatrixXd>, 2> var;
  each_side(parallel, [&](std::size_t i) { var[i] = side_variance(side[i], fits[i], o, kind, s_y, hb_match); });
  const auto& [vl_cl, vl_rb] = var[0];
  const auto& [vr_cl, vr_rb] = var[1];
  res.se = std::sqrt(vl_cl(0, 0) + vr_cl(0, 0));
  res.se_robust = std::sqrt(vl_rb(0, 0) + vr_rb(0, 0));
  const double z = -normal_quantile(std::abs(1.0 - o.level / 100.0) / 2.0);
  res.ci = {res.estimate - z * res.se, res.estimate + z * res.se};
  res.ci_robust = {res.estimate_bc - z * res.se_robust, res.estimate_bc + z * res.se_robust};
  res.p_value = std::erfc(std::abs(res.estimate / res.se) / std::sqrt(2.0));
  res.p_value_robust = std::erfc(std::abs(res.estimate_bc / res.se_robust) / std::sqrt(2.0));
  res.n_effective = {fl.n_h, fr.n_h};
  res.n_bias = {fl.n_b, fr.n_b};
  if (!cluster.empty()) {
    // Distinct labels over both estimation windows (a label may appear on both sides).
    std::vector<std::int64_t> labels(labels_l.begin(),
                                     labels_l.begin() + static_cast<std::ptrdiff_t>(clusters_in(left, fl.n)));
    labels.insert(labels.end(), labels_r.begin(),
                  labels_r.begin() + static_cast<std::ptrdiff_t>(clusters_in(right, fr.n)));
    std::sort(labels.begin(), labels.end());
    res.clusters = static_cast<std::size_t>(std::unique(labels.begin(), labels.end()) - labels.begin());
  }
  return res;
}

// Without covariates.
inline RdResult rd_estimate(std::span<const double> y, std::span<const double> x, std::span<const double> treatment,
                            std::span<const std::int64_t> cluster, const RdOptions& options) {
  return rd_estimate(y, x, treatment, cluster, {}, 0, options);
}

}  // namespace cssegment::causal
