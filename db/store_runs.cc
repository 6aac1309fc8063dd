// The store's result cache and batch runs (docs/result-cache.md, docs/batch.md).
#include <SQLiteCpp/SQLiteCpp.h>

#include <stdexcept>

#include "db/store.h"

namespace db {
namespace {

constexpr const char* kNowSql = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')";

}  // namespace

void Store::InsertLinksOrThrow(int64_t submission_id, const RecordLinks& links) {
  if (links.batch_item) {
    const RecordLinks::BatchItem& item = *links.batch_item;
    SQLite::Statement link(*database_,
                           "UPDATE batch_items SET submission_id = ?, cache_hit = ?, "
                           "elapsed_ms = ? WHERE run_id = ? AND position = ? AND "
                           "submission_id IS NULL");
    link.bind(1, submission_id);
    link.bind(2, item.cache_hit ? 1 : 0);
    link.bind(3, item.elapsed_ms);
    link.bind(4, item.run_id);
    link.bind(5, item.position);
    if (link.exec() != 1) {
      throw std::runtime_error("batch item " + std::to_string(item.position) +
                               " is already graded");
    }
  }
  if (!links.cache_key.empty()) {
    SQLite::Statement insert(*database_,
                             std::string("INSERT OR IGNORE INTO result_cache (cache_key, "
                                         "submission_id, created_at) VALUES (?, ?, ") +
                                 kNowSql + ")");
    insert.bind(1, links.cache_key);
    insert.bind(2, submission_id);
    insert.exec();
  }
  if (links.in_transaction) links.in_transaction(*database_, submission_id);
}

base::StatusOr<std::optional<int64_t>> Store::FindCachedResult(const std::string& cache_key) const {
  try {
    SQLite::Statement query(*database_,
                            "SELECT submission_id FROM result_cache WHERE cache_key = ?");
    query.bind(1, cache_key);
    if (!query.executeStep()) return std::optional<int64_t>();
    return std::optional<int64_t>(query.getColumn(0).getInt64());
  } catch (const std::exception& e) {
    return base::Status::Internal(std::string("reading the result cache: ") + e.what());
  }
}

base::StatusOr<int64_t> Store::OpenBatchRun(const std::string& run_key,
                                            const std::string& problem_id,
                                            const std::string& source,
                                            const std::vector<BatchItemRecord>& items) {
  try {
    SQLite::Transaction transaction(*database_, SQLite::TransactionBehavior::IMMEDIATE);
    SQLite::Statement find(*database_, "SELECT id FROM batch_runs WHERE run_key = ?");
    find.bind(1, run_key);
    if (find.executeStep()) return find.getColumn(0).getInt64();
    SQLite::Statement insert(*database_,
                             std::string("INSERT INTO batch_runs (run_key, problem_id, source, "
                                         "created_at) VALUES (?, ?, ?, ") +
                                 kNowSql + ")");
    insert.bind(1, run_key);
    insert.bind(2, problem_id);
    insert.bind(3, source);
    insert.exec();
    const int64_t run_id = database_->getLastInsertRowid();
    SQLite::Statement item(*database_,
                           "INSERT INTO batch_items (run_id, position, learner, file, late, "
                           "source_hash) VALUES (?, ?, ?, ?, ?, ?)");
    for (const BatchItemRecord& record : items) {
      item.reset();
      item.bind(1, run_id);
      item.bind(2, record.position);
      item.bind(3, record.learner);
      item.bind(4, record.file);
      item.bind(5, record.late ? 1 : 0);
      item.bind(6, record.source_hash);
      item.exec();
    }
    transaction.commit();
    return run_id;
  } catch (const std::exception& e) {
    return base::Status::Internal(std::string("opening the batch run: ") + e.what());
  }
}

base::StatusOr<std::vector<BatchItemRecord>> Store::ListBatchItems(int64_t run_id) const {
  try {
    SQLite::Statement query(*database_,
                            "SELECT position, learner, file, late, source_hash, submission_id, "
                            "cache_hit, elapsed_ms FROM batch_items WHERE run_id = ? "
                            "ORDER BY position");
    query.bind(1, run_id);
    std::vector<BatchItemRecord> items;
    while (query.executeStep()) {
      BatchItemRecord item;
      item.position = query.getColumn(0).getInt64();
      item.learner = query.getColumn(1).getString();
      item.file = query.getColumn(2).getString();
      item.late = query.getColumn(3).getInt() != 0;
      item.source_hash = query.getColumn(4).getString();
      if (!query.getColumn(5).isNull()) item.submission_id = query.getColumn(5).getInt64();
      item.cache_hit = query.getColumn(6).getInt() != 0;
      item.elapsed_ms = query.getColumn(7).getInt64();
      items.push_back(std::move(item));
    }
    return items;
  } catch (const std::exception& e) {
    return base::Status::Internal(std::string("reading the batch run: ") + e.what());
  }
}

base::Status Store::FinishBatchRun(int64_t run_id) {
  try {
    SQLite::Statement done(*database_, std::string("UPDATE batch_runs SET finished_at = ") +
                                           kNowSql + " WHERE id = ? AND finished_at IS NULL");
    done.bind(1, run_id);
    done.exec();
    return base::Status::Ok();
  } catch (const std::exception& e) {
    return base::Status::Internal(std::string("finishing the batch run: ") + e.what());
  }
}

}  // namespace db
