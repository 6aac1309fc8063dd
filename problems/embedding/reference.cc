// embedding's trusted code: the reference implementation and its mutants, one per misconception
// in problem.toml's [[mutants]] (docs/problem-packs.md). Compiled by the engine, never shown to
// learners.
#include <Eigen/Dense>

#include "adapter.h"
#include "reference/pack.h"

namespace problems::embedding {
namespace {

using Eigen::MatrixXd;
using Eigen::VectorXi;

// An embedding table: one row per token. Rows of E are positions (samples).
struct Embedding {
  // E[i,:] = W[ids[i],:]   W: V×D, ids: N -> E: N×D   (a row gather; = onehot(ids) W)
  // REQUIRES: 0 <= ids[i] < W.rows()
  static MatrixXd embedding_forward(const MatrixXd& W, const VectorXi& ids) {
    MatrixXd E(ids.size(), W.cols());
    for (Eigen::Index i = 0; i < ids.size(); ++i) E.row(i) = W.row(ids(i));
    return E;
  }

  // dW = onehot(ids)ᵀ dE, i.e. dW[v,:] = Σ_{i : ids[i] = v} dE[i,:]
  // (a scatter-add: repeated ids accumulate, untouched rows are 0).
  // W: V×D (its shape only), ids: N, dE: N×D -> dW: V×D
  static MatrixXd embedding_backward(const MatrixXd& W, const VectorXi& ids, const MatrixXd& dE) {
    MatrixXd dW = MatrixXd::Zero(W.rows(), W.cols());
    for (Eigen::Index i = 0; i < ids.size(); ++i) dW.row(ids(i)) += dE.row(i);
    return dW;
  }
};

// dW[ids[i],:] = dE[i,:]: the last occurrence of an id wins.
struct Overwrite : Embedding {
  static MatrixXd embedding_backward(const MatrixXd& W, const VectorXi& ids, const MatrixXd& dE) {
    MatrixXd dW = MatrixXd::Zero(W.rows(), W.cols());
    for (Eigen::Index i = 0; i < ids.size(); ++i) dW.row(ids(i)) = dE.row(i);
    return dW;
  }
};

// dW = W + onehot(ids)ᵀ dE: accumulated into a copy of the table.
struct StartedFromTable : Embedding {
  static MatrixXd embedding_backward(const MatrixXd& W, const VectorXi& ids, const MatrixXd& dE) {
    return W + Embedding::embedding_backward(W, ids, dE);
  }
};

// dWᵀ: D×V instead of V×D.
struct Transposed : Embedding {
  static MatrixXd embedding_backward(const MatrixXd& W, const VectorXi& ids, const MatrixXd& dE) {
    return Embedding::embedding_backward(W, ids, dE).transpose();
  }
};

// dE itself (N×D): no scatter into the table's rows.
struct PerPosition : Embedding {
  static MatrixXd embedding_backward(const MatrixXd&, const VectorXi&, const MatrixXd& dE) {
    return dE;
  }
};

}  // namespace

GRADER_PACK(Call<Embedding>,
            {
                {"overwrite_instead_of_accumulate", reference::Guard<Call<Overwrite>>},
                {"started_from_table", reference::Guard<Call<StartedFromTable>>},
                {"gradient_transposed", reference::Guard<Call<Transposed>>},
                {"gradient_per_position", reference::Guard<Call<PerPosition>>},
            })

}  // namespace problems::embedding
