#include "db/deployment.h"

#include <exception>

namespace db {

base::Status RecordDeployment(Store& store, const DeploymentFacts& facts, const std::string& who) {
  try {
    Connection& connection = store.connection();
    Transaction transaction(connection);
    Statement upsert(connection,
                     std::string("INSERT INTO deployment (name, value, recorded_by, recorded_at) "
                                 "VALUES (?1, ?2, ?3, ") +
                         NowSql(connection.dialect()) +
                         ") ON CONFLICT (name) DO UPDATE SET value = ?2, recorded_by = ?3, "
                         "recorded_at = " +
                         NowSql(connection.dialect()));
    for (const auto& [name, value] : facts) {
      upsert.Reset();
      upsert.Bind(1, name);
      upsert.Bind(2, value);
      upsert.Bind(3, who);
      upsert.Exec();
    }
    transaction.Commit();
    return base::Status::Ok();
  } catch (const std::exception& e) {
    return base::Status::Internal(std::string("recording the deployment: ") + e.what());
  }
}

base::Status CheckDeployment(Store& store, const DeploymentFacts& facts, const std::string& who) {
  try {
    Connection& connection = store.connection();
    Transaction transaction(connection);
    Statement insert(connection,
                     std::string("INSERT INTO deployment (name, value, recorded_by, recorded_at) "
                                 "VALUES (?, ?, ?, ") +
                         NowSql(connection.dialect()) + ") ON CONFLICT (name) DO NOTHING");
    Statement read(connection,
                   "SELECT value, recorded_by, recorded_at FROM deployment "
                   "WHERE name = ?");
    for (const auto& [name, value] : facts) {
      insert.Reset();
      insert.Bind(1, name);
      insert.Bind(2, value);
      insert.Bind(3, who);
      insert.Exec();
      read.Reset();
      read.Bind(1, name);
      if (!read.Step()) return base::Status::Internal("deployment fact '" + name + "' vanished");
      if (read.Column(0).Text() != value) {
        return base::Status::InvalidArgument(
            "this host's " + name + " differs from the one " + read.Column(1).Text() +
            " recorded in the database at " + read.Column(2).Text() + " (ours: " + value +
            ", recorded: " + read.Column(0).Text() +
            "): every host must use the same secret key and problem set; copy them from the "
            "intake host, or restart grader serve to declare the new ones");
      }
    }
    transaction.Commit();
    return base::Status::Ok();
  } catch (const std::exception& e) {
    return base::Status::Internal(std::string("checking the deployment: ") + e.what());
  }
}

}  // namespace db
