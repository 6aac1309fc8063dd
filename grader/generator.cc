#include "grader/generator.h"

#include <cmath>
#include <numbers>

namespace grader {
namespace {

uint64_t SplitMix64(uint64_t* state) {
  uint64_t z = (*state += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

uint64_t Rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

}  // namespace

Rng::Rng(uint64_t seed) {
  for (uint64_t& s : s_) s = SplitMix64(&seed);
}

// xoshiro256** (Blackman & Vigna, 2018).
uint64_t Rng::Next() {
  const uint64_t result = Rotl(s_[1] * 5, 7) * 9;
  const uint64_t t = s_[1] << 17;
  s_[2] ^= s_[0];
  s_[3] ^= s_[1];
  s_[1] ^= s_[2];
  s_[0] ^= s_[3];
  s_[2] ^= t;
  s_[3] = Rotl(s_[3], 45);
  return result;
}

double Rng::Uniform() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }

double Rng::Uniform(double low, double high) { return low + (high - low) * Uniform(); }

// Box–Muller: two uniforms give two independent standard normals; the second is kept.
double Rng::Normal(double mean, double stddev) {
  if (has_spare_) {
    has_spare_ = false;
    return mean + stddev * spare_;
  }
  double u1 = 0.0;
  while (u1 == 0.0) u1 = Uniform();
  const double u2 = Uniform();
  const double radius = std::sqrt(-2.0 * std::log(u1));
  const double angle = 2.0 * std::numbers::pi * u2;
  spare_ = radius * std::sin(angle);
  has_spare_ = true;
  return mean + stddev * radius * std::cos(angle);
}

int64_t Rng::Below(int64_t n) {
  const auto bound = static_cast<uint64_t>(n);
  const uint64_t limit = UINT64_MAX - UINT64_MAX % bound;  // reject the biased tail
  uint64_t x = Next();
  while (x >= limit) x = Next();
  return static_cast<int64_t>(x % bound);
}

uint64_t InputSeed(uint64_t test_seed, std::string_view input_name) {
  uint64_t hash = 0xCBF29CE484222325ULL;  // FNV-1a of the name
  for (char c : input_name) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 0x100000001B3ULL;
  }
  uint64_t state = test_seed ^ hash;
  return SplitMix64(&state);
}

base::StatusOr<reference::Tensors> GenerateInputs(const TestSpec& test, uint64_t test_seed) {
  reference::Tensors inputs;
  for (const InputSpec& spec : test.inputs) {
    auto shape = ResolveShape(spec, test);
    if (!shape.ok()) return shape.status();
    Rng rng(InputSeed(test_seed, spec.name));
    reference::Tensor t{spec.kind, shape->rows, shape->cols, {}};
    const int64_t count = shape->rows * shape->cols;
    t.values.resize(static_cast<size_t>(count));
    if (spec.kind == reference::TensorKind::kLabels) {
      const int64_t classes = shape->classes;
      for (double& v : t.values) v = static_cast<double>(rng.Below(classes));
    } else {
      for (double& v : t.values) {
        if (spec.distribution == "uniform") {
          v = rng.Uniform(spec.low, spec.high);
        } else if (spec.distribution == "constant") {
          v = spec.value;
        } else {
          v = rng.Normal(spec.mean, spec.scale);
        }
      }
      if (spec.zeros > 0 && count > 0) {
        // Exact zeros at random places, and always at least one, for the edge cases at 0.
        for (double& v : t.values) {
          if (rng.Uniform() < spec.zeros) v = 0.0;
        }
        t.values[static_cast<size_t>(rng.Below(count))] = 0.0;
      }
    }
    // After every draw, so the forced entries leave the random stream (and the hidden data of
    // tests without them) unchanged. Bounds were checked when the spec was loaded.
    for (const ForcedEntry& f : spec.forced) {
      t.values[static_cast<size_t>(f.row * t.cols + f.col)] = f.value;
    }
    inputs.emplace(spec.name, std::move(t));
  }
  return inputs;
}

}  // namespace grader
