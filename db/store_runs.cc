// The store's result cache and batch runs (docs/result-cache.md, docs/batch.md).
#include <stdexcept>

#include "db/store.h"

namespace db {

void Store::InsertLinksOrThrow(int64_t submission_id, const RecordLinks& links) {
  if (links.batch_item) {
    const RecordLinks::BatchItem& item = *links.batch_item;
    Statement link(*connection_,
                   "UPDATE batch_items SET submission_id = ?, cache_hit = ?, "
                   "elapsed_ms = ? WHERE run_id = ? AND position = ? AND "
                   "submission_id IS NULL");
    link.Bind(1, submission_id);
    link.Bind(2, item.cache_hit ? 1 : 0);
    link.Bind(3, item.elapsed_ms);
    link.Bind(4, item.run_id);
    link.Bind(5, item.position);
    if (link.Exec() != 1) {
      throw std::runtime_error("batch item " + std::to_string(item.position) +
                               " is already graded");
    }
  }
  if (!links.cache_key.empty()) {
    Statement insert(*connection_,
                     std::string("INSERT INTO result_cache (cache_key, submission_id, "
                                 "created_at) VALUES (?, ?, ") +
                         NowSql(connection_->dialect()) + ") ON CONFLICT (cache_key) DO NOTHING");
    insert.Bind(1, links.cache_key);
    insert.Bind(2, submission_id);
    insert.Exec();
  }
  if (links.in_transaction) links.in_transaction(*connection_, submission_id);
}

base::StatusOr<std::optional<int64_t>> Store::FindCachedResult(const std::string& cache_key) const {
  try {
    Statement query(*connection_, "SELECT submission_id FROM result_cache WHERE cache_key = ?");
    query.Bind(1, cache_key);
    if (!query.Step()) return std::optional<int64_t>();
    return std::optional<int64_t>(query.Column(0).Int64());
  } catch (const std::exception& e) {
    return base::Status::Internal(std::string("reading the result cache: ") + e.what());
  }
}

base::StatusOr<int64_t> Store::OpenBatchRun(const std::string& run_key,
                                            const std::string& problem_id,
                                            const std::string& source,
                                            const std::vector<BatchItemRecord>& items) {
  try {
    Transaction transaction(*connection_);
    Statement find(*connection_, "SELECT id FROM batch_runs WHERE run_key = ?");
    find.Bind(1, run_key);
    if (find.Step()) return find.Column(0).Int64();
    Statement insert(*connection_,
                     std::string("INSERT INTO batch_runs (run_key, problem_id, source, "
                                 "created_at) VALUES (?, ?, ?, ") +
                         NowSql(connection_->dialect()) + ") RETURNING id");
    insert.Bind(1, run_key);
    insert.Bind(2, problem_id);
    insert.Bind(3, source);
    const int64_t run_id = InsertReturningId(insert);
    Statement item(*connection_,
                   "INSERT INTO batch_items (run_id, position, learner, file, late, "
                   "source_hash) VALUES (?, ?, ?, ?, ?, ?)");
    for (const BatchItemRecord& record : items) {
      item.Reset();
      item.Bind(1, run_id);
      item.Bind(2, record.position);
      item.Bind(3, record.learner);
      item.Bind(4, record.file);
      item.Bind(5, record.late ? 1 : 0);
      item.Bind(6, record.source_hash);
      item.Exec();
    }
    transaction.Commit();
    return run_id;
  } catch (const std::exception& e) {
    return base::Status::Internal(std::string("opening the batch run: ") + e.what());
  }
}

base::StatusOr<std::vector<BatchItemRecord>> Store::ListBatchItems(int64_t run_id) const {
  try {
    Statement query(*connection_,
                    "SELECT position, learner, file, late, source_hash, submission_id, "
                    "cache_hit, elapsed_ms FROM batch_items WHERE run_id = ? "
                    "ORDER BY position");
    query.Bind(1, run_id);
    std::vector<BatchItemRecord> items;
    while (query.Step()) {
      BatchItemRecord item;
      item.position = query.Column(0).Int64();
      item.learner = query.Column(1).Text();
      item.file = query.Column(2).Text();
      item.late = query.Column(3).Int() != 0;
      item.source_hash = query.Column(4).Text();
      if (!query.Column(5).IsNull()) item.submission_id = query.Column(5).Int64();
      item.cache_hit = query.Column(6).Int() != 0;
      item.elapsed_ms = query.Column(7).Int64();
      items.push_back(std::move(item));
    }
    return items;
  } catch (const std::exception& e) {
    return base::Status::Internal(std::string("reading the batch run: ") + e.what());
  }
}

base::Status Store::FinishBatchRun(int64_t run_id) {
  try {
    Statement done(*connection_, std::string("UPDATE batch_runs SET finished_at = ") +
                                     NowSql(connection_->dialect()) +
                                     " WHERE id = ? AND finished_at IS NULL");
    done.Bind(1, run_id);
    done.Exec();
    return base::Status::Ok();
  } catch (const std::exception& e) {
    return base::Status::Internal(std::string("finishing the batch run: ") + e.what());
  }
}

}  // namespace db
