// Models loaded from valid documents whose numbers were replaced by awkward values (NaN, +-inf,
// 0, -1, subnormals, 1e300, the largest double...): from_json of every model with a numeric
// field (TierModel, KMeans fitted, Scorecard with a Linear measure, ShiftedBetaGeometric fitted)
// checks values for meaning, not only type (issue 21: a KMeans spread of 0 was accepted). A model
// that loads must be usable: tiers and clusters name one of theirs, scores lie in [0, 100] or are
// missing, sBG curves lie in [0, 1] and take constant time at any period (the fuzzer's timeout
// catches a loop over t).
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cssegment/core/columns.hpp"
#include "cssegment/health/scorecard.hpp"
#include "cssegment/segment/kmeans.hpp"
#include "cssegment/segment/tier.hpp"
#include "cssegment/survival/sbg.hpp"
#include "fuzz_support.hpp"

namespace {

using namespace cssegment;

const std::vector<double> rows{0.0, 1.0, 7.5, 5e4, 1e12, -3.0};

std::string kmeans_document() {
  KMeans model(2, 1, 50, 1e-4, {FeatureScale::standard, FeatureScale::log}, 3);
  const std::vector<double> values{0.0, 1.0, 1.0, 10.0, 5.0, 100.0, 6.0, 1000.0};
  model.fit({values, 4, 2});
  return model.to_json();
}

std::string scorecard_document() {
  return Scorecard({Measure{"x", Normalizer::linear(0.0, 10.0), 1.0}, Measure{"y", Normalizer::linear(5.0, 1.0), 2.0}})
      .to_json();
}

const std::string documents[] = {TierModel::touch().to_json(), kmeans_document(), scorecard_document(),
                                 ShiftedBetaGeometric::fit(std::vector<double>{1000, 631, 468, 382}).to_json()};

// Every number of the document, depth first.
void numbers(nlohmann::json& node, std::vector<nlohmann::json*>& out) {
  if (node.is_number()) out.push_back(&node);
  if (node.is_structured())
    for (auto& child : node) numbers(child, out);
}

void use(const TierModel& model) {
  const auto tiers = model.assign(rows);
  for (auto tier : tiers) fuzz::check(tier >= 0 && static_cast<std::size_t>(tier) < model.names().size(), "a tier");
}

void use(const KMeans& model) {
  if (!model.fitted() || model.n_features() != 2) return;
  const std::vector<double> values{0.0, 1.0, 3.0, 50.0, 6.0, 1000.0};
  fuzz::expecting_refusals([&] {
    for (auto label : model.predict({values, 3, 2}))
      fuzz::check(label >= 0 && static_cast<std::size_t>(label) < model.n_clusters(), "labels name a cluster");
  });
}

void use(const Scorecard& model) {
  ColumnTable table;
  table.add("x", rows).add("y", rows);
  fuzz::expecting_refusals([&] {
    for (double score : model.score(table).score)
      fuzz::check(std::isnan(score) || (score >= 0.0 && score <= 100.0), "scores lie in [0, 100]");
  });
}

void use(const ShiftedBetaGeometric& model) {
  if (!model.fitted()) return;
  for (double t : {0.0, 1.0, 17.0, 1e6, 1e15, 1e300}) {
    const double s = model.survival(t);
    fuzz::check(s >= 0.0 && s <= 1.0, "survival lies in [0, 1]");
    if (t >= 1.0) {
      const double p = model.churn_probability(t);
      fuzz::check(p >= 0.0 && p <= 1.0, "churn probabilities lie in [0, 1]");
    }
  }
}

template <class Model>
void load(const std::string& text) {
  const Model model = Model::from_json(text);
  fuzz::check(Model::from_json(model.to_json()) == model, "a loaded model writes JSON that loads back to it");
  use(model);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* bytes, std::size_t size) {
  FuzzedDataProvider data(bytes, size);
  const std::size_t kind = data.ConsumeIntegralInRange<std::size_t>(0, std::size(documents) - 1);
  auto document = nlohmann::json::parse(documents[kind]);
  std::vector<nlohmann::json*> leaves;
  numbers(document, leaves);
  for (int edits = data.ConsumeIntegralInRange<int>(1, 4); edits > 0 && !leaves.empty(); --edits) {
    auto& leaf = *leaves[data.ConsumeIntegralInRange<std::size_t>(0, leaves.size() - 1)];
    if (data.ConsumeBool()) {
      leaf = fuzz::awkward_double(data);  // NaN and infinities are written as null
    } else {
      leaf = data.ConsumeIntegral<std::int64_t>();
    }
  }
  const std::string text = document.dump();
  fuzz::expecting_refusals([&] {
    switch (kind) {
      case 0: load<TierModel>(text); break;
      case 1: load<KMeans>(text); break;
      case 2: load<Scorecard>(text); break;
      default: load<ShiftedBetaGeometric>(text); break;
    }
  });
  return 0;
}
