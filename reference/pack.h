// The contract between the engine and a problem pack's trusted code (docs/problem-packs.md).
//
// A pack's reference.cc holds its reference implementation and its mutants (one per known
// misconception, each the reference with one function replaced) and ends with
//
//   GRADER_PACK(Call<Reference>, {
//       {"naive_exp_overflow", reference::Guard<Call<NaiveExp>>},
//       ...
//   })
//
// The engine compiles reference.cc into a shared library with the compiler and flags it was
// itself built with, and calls the one function GRADER_PACK defines. The mutants' metadata (the
// entry they change, skills, explanation) lives in problem.toml; here only their code, by id.
//
// Nothing throws across the library boundary: Guard turns every exception into a PackResult,
// and the engine turns it back into its own exception types (grader/pack_loader.cc).
#pragma once

#include <exception>
#include <string>
#include <string_view>
#include <vector>

#include "harness/eigen_io.h"
#include "harness/tensor.h"
#include "reference/mutant_support.h"

namespace reference {

// Bumped whenever anything in this header changes shape; the engine refuses other versions.
inline constexpr int kPackAbiVersion = 1;

struct PackResult {
  enum class Kind { kOk, kDimensionMismatch, kError };
  Kind kind = Kind::kOk;
  std::string message;  // when kind != kOk
  Tensors outputs;      // when kind == kOk
};

using PackFn = PackResult (*)(std::string_view entry, const Tensors& inputs);

struct PackMutant {
  const char* id;
  PackFn call;
};

struct PackCode {
  int abi_version;
  PackFn reference;
  std::vector<PackMutant> mutants;
};

// `entry_fn` (an adapter's Call<Impl>) with every exception caught and returned as a value.
template <Tensors (*entry_fn)(std::string_view, const Tensors&)>
PackResult Guarded(std::string_view entry, const Tensors& inputs) noexcept {
  PackResult result;
  try {
    result.outputs = entry_fn(entry, inputs);
  } catch (const DimensionMismatch& e) {
    result.kind = PackResult::Kind::kDimensionMismatch;
    result.message = e.what();
  } catch (const std::exception& e) {
    result.kind = PackResult::Kind::kError;
    result.message = e.what();
  } catch (...) {
    result.kind = PackResult::Kind::kError;
    result.message = "an exception that is not a std::exception";
  }
  return result;
}

template <Tensors (*entry_fn)(std::string_view, const Tensors&)>
inline constexpr PackFn Guard = &Guarded<entry_fn>;

// The symbol the engine looks up in a pack's library.
inline constexpr const char* kPackSymbol = "grader_pack_v1";

}  // namespace reference

// Defines the pack's exported function. May be used inside the pack's namespace.
#define GRADER_PACK(reference_call, ...)                                                       \
  extern "C" __attribute__((visibility("default"))) const ::reference::PackCode*               \
  grader_pack_v1() {                                                                           \
    static const ::reference::PackCode code{::reference::kPackAbiVersion,                      \
                                            ::reference::Guard<reference_call>,                \
                                            std::vector<::reference::PackMutant> __VA_ARGS__}; \
    return &code;                                                                              \
  }
