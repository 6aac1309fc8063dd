#include "grader/batch/run_store.h"

#include <SQLiteCpp/SQLiteCpp.h>

#include <stdexcept>

#include "grader/secret.h"

namespace grader::batch {

std::string RunKey(const ProblemSpec& problem, const std::vector<Submission>& submissions) {
  std::string key = "dlgrader batch v1\n" + problem.id + "\n" + std::to_string(problem.version) + "\n";
  for (const Submission& s : submissions) {
    key += std::to_string(s.learner.size()) + ":" + s.learner + std::to_string(s.file.size()) +
           ":" + s.file + (s.late ? "L" : "-") + Sha256Hex(s.source) + "\n";
  }
  return Sha256Hex(key);
}

base::StatusOr<int64_t> OpenRun(db::Store& store, const std::string& key,
                                const ProblemSpec& problem, const std::string& source,
                                const std::vector<Submission>& submissions) {
  try {
    SQLite::Database& database = store.database();
    SQLite::Transaction transaction(database, SQLite::TransactionBehavior::IMMEDIATE);
    SQLite::Statement find(database, "SELECT id FROM batch_runs WHERE run_key = ?");
    find.bind(1, key);
    if (find.executeStep()) return find.getColumn(0).getInt64();
    SQLite::Statement insert(database,
                             "INSERT INTO batch_runs (run_key, problem_id, source, created_at) "
                             "VALUES (?, ?, ?, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))");
    insert.bind(1, key);
    insert.bind(2, problem.id);
    insert.bind(3, source);
    insert.exec();
    const int64_t run_id = database.getLastInsertRowid();
    SQLite::Statement item(database,
                           "INSERT INTO batch_items (run_id, position, learner, file, late, "
                           "source_hash) VALUES (?, ?, ?, ?, ?, ?)");
    for (size_t i = 0; i < submissions.size(); ++i) {
      item.reset();
      item.bind(1, run_id);
      item.bind(2, static_cast<int64_t>(i));
      item.bind(3, submissions[i].learner);
      item.bind(4, submissions[i].file);
      item.bind(5, submissions[i].late ? 1 : 0);
      item.bind(6, Sha256Hex(submissions[i].source));
      item.exec();
    }
    transaction.commit();
    return run_id;
  } catch (const std::exception& e) {
    return base::Status::Internal(std::string("opening the batch run: ") + e.what());
  }
}

base::StatusOr<std::vector<RunItem>> LoadItems(db::Store& store, int64_t run_id) {
  try {
    SQLite::Statement query(store.database(),
                            "SELECT position, learner, file, late, submission_id, cache_hit, "
                            "elapsed_ms FROM batch_items WHERE run_id = ? ORDER BY position");
    query.bind(1, run_id);
    std::vector<RunItem> items;
    while (query.executeStep()) {
      RunItem item;
      item.position = query.getColumn(0).getInt64();
      item.learner = query.getColumn(1).getString();
      item.file = query.getColumn(2).getString();
      item.late = query.getColumn(3).getInt() != 0;
      if (!query.getColumn(4).isNull()) item.submission_id = query.getColumn(4).getInt64();
      item.cache_hit = query.getColumn(5).getInt() != 0;
      item.elapsed_ms = query.getColumn(6).getInt64();
      items.push_back(std::move(item));
    }
    return items;
  } catch (const std::exception& e) {
    return base::Status::Internal(std::string("reading the batch run: ") + e.what());
  }
}

void LinkItemOrThrow(SQLite::Database& database, int64_t run_id, int64_t position,
                     int64_t submission_id, bool cache_hit, int64_t elapsed_ms) {
  SQLite::Statement link(database,
                         "UPDATE batch_items SET submission_id = ?, cache_hit = ?, elapsed_ms = ? "
                         "WHERE run_id = ? AND position = ? AND submission_id IS NULL");
  link.bind(1, submission_id);
  link.bind(2, cache_hit ? 1 : 0);
  link.bind(3, elapsed_ms);
  link.bind(4, run_id);
  link.bind(5, position);
  if (link.exec() != 1) {
    throw std::runtime_error("batch item " + std::to_string(position) + " is already graded");
  }
}

base::Status MarkFinished(db::Store& store, int64_t run_id) {
  try {
    SQLite::Statement done(store.database(),
                           "UPDATE batch_runs SET finished_at = strftime('%Y-%m-%dT%H:%M:%fZ', "
                           "'now') WHERE id = ? AND finished_at IS NULL");
    done.bind(1, run_id);
    done.exec();
    return base::Status::Ok();
  } catch (const std::exception& e) {
    return base::Status::Internal(std::string("finishing the batch run: ") + e.what());
  }
}

}  // namespace grader::batch
