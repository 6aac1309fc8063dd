// db/outbox.h on a temporary database: the row's life (due, claimed, retried, dead, revived,
// delivered) and the constraints the CORE worker relies on.
#include <SQLiteCpp/SQLiteCpp.h>
#include <gtest/gtest.h>

#include "db/outbox.h"
#include "tests/outbox_test_util.h"

namespace {

using outbox_test::TempDataDir;

TEST(OutboxStoreTest, ARowLivesFromDueToDeliveredThroughRetryDeadAndRevival) {
  TempDataDir dir;
  db::Connection& database = dir.store().connection();
  const int64_t first = dir.AddRow("callback", "http://127.0.0.1:1/", "{}");
  const int64_t second = dir.AddRow("lti_score", "http://127.0.0.1:1/li", "{}", "https://p");
  const int64_t now = dir.Row(second).next_attempt_ms + 1;

  auto due = db::ListDueOutbox(database, now, 10);
  ASSERT_TRUE(due.ok());
  ASSERT_EQ(due->size(), 2u);
  EXPECT_EQ((*due)[0].id, first);
  EXPECT_EQ((*due)[1].platform, "https://p");
  EXPECT_EQ(db::ListDueOutbox(database, now, 1)->size(), 1u);
  EXPECT_FALSE(db::ListDueOutbox(database, now, 0).ok());

  // One claim wins; the claimed row is not due until its claim lapses.
  EXPECT_TRUE(*db::ClaimOutboxRow(database, first, (*due)[0].next_attempt_ms, now + 5000));
  EXPECT_FALSE(*db::ClaimOutboxRow(database, first, (*due)[0].next_attempt_ms, now + 5000));
  EXPECT_EQ(db::ListDueOutbox(database, now, 10)->size(), 1u);

  ASSERT_TRUE(db::MarkOutboxRetry(database, first, 1, now + 100, "HTTP 503").ok());
  EXPECT_EQ(dir.Row(first).attempts, 1);
  EXPECT_EQ(dir.Row(first).last_error, "HTTP 503");
  EXPECT_EQ(db::ListDueOutbox(database, now + 100, 10)->size(), 2u);

  ASSERT_TRUE(db::MarkOutboxDead(database, first, 2, "HTTP 404").ok());
  EXPECT_FALSE(db::MarkOutboxDelivered(database, first, 3).ok());  // no longer pending
  EXPECT_EQ(db::ListOutbox(database, true)->size(), 1u);
  EXPECT_EQ(db::ListOutbox(database, false)->size(), 2u);
  EXPECT_FALSE(dir.Row(first).finished_at.empty());

  ASSERT_TRUE(db::RetryOutboxRow(database, first, now + 200).ok());
  const db::OutboxRow revived = dir.Row(first);
  EXPECT_EQ(revived.status, "pending");
  EXPECT_EQ(revived.attempts, 0);
  EXPECT_EQ(revived.next_attempt_ms, now + 200);
  EXPECT_TRUE(revived.finished_at.empty());

  ASSERT_TRUE(db::MarkOutboxDelivered(database, first, 1).ok());
  EXPECT_EQ(dir.Row(first).status, "delivered");
  EXPECT_EQ(db::RetryOutboxRow(database, first, now).code(), base::StatusCode::kInvalidArgument);
  EXPECT_EQ(db::RetryOutboxRow(database, 999, now).code(), base::StatusCode::kNotFound);
}

TEST(OutboxStoreTest, InsertRefusesWhatTheSchemaRefuses) {
  TempDataDir dir;
  db::Connection& database = dir.store().connection();
  const int64_t id = dir.AddRow("callback", "http://127.0.0.1:1/", "{}");
  db::OutboxRow row = dir.Row(id);
  row.delivery_id = "msg_other";
  EXPECT_THROW(db::InsertOutboxRowOrThrow(database, row), SQLite::Exception);  // (job, kind)
  row.kind = "lti_score";
  row.delivery_id = dir.Row(id).delivery_id;
  EXPECT_THROW(db::InsertOutboxRowOrThrow(database, row), SQLite::Exception);  // delivery_id
  row.delivery_id = "msg_third";
  row.job_id = 12345;
  EXPECT_THROW(db::InsertOutboxRowOrThrow(database, row), SQLite::Exception);  // unknown job
  row.job_id = dir.Row(id).job_id;
  row.created_at.clear();
  const int64_t score = db::InsertOutboxRowOrThrow(database, row);
  EXPECT_EQ(dir.Row(score).created_at.size(), 24u);  // "2026-12-02T16:00:00.000Z"
  EXPECT_EQ(dir.Row(score).platform, "");
}

}  // namespace
