// The service's configuration (service/config.h): keys, defaults, relative paths, and the
// refusals of secret files that are missing, empty or readable by others.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>

#include "service/config.h"

namespace service {
namespace {

namespace fs = std::filesystem;

class ServiceConfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("service_config_test_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    Write("intake.secret", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw\n", 0600);
    Write("api.token", "token-123\n", 0600);
  }
  void TearDown() override { fs::remove_all(dir_); }

  fs::path Write(const std::string& name, const std::string& text, mode_t mode = 0600) {
    const fs::path path = dir_ / name;
    std::ofstream(path) << text;
    ::chmod(path.c_str(), mode);
    return path;
  }
  base::StatusOr<ServiceConfig> Load(const std::string& toml) {
    return LoadServiceConfig(Write("service.toml", toml, 0644));
  }
  static constexpr const char* kMinimal =
      "webhook_secret_file = \"intake.secret\"\napi_token_file = \"api.token\"\n";

  fs::path dir_;
};

TEST_F(ServiceConfigTest, MinimalFileGetsTheDefaults) {
  auto config = Load(kMinimal);
  ASSERT_TRUE(config.ok()) << config.status().message();
  EXPECT_EQ(config->listen_host, "127.0.0.1");
  EXPECT_EQ(config->listen_port, 8080);
  EXPECT_EQ(config->workers, 2);
  EXPECT_EQ(config->max_queue, 10000);
  EXPECT_EQ(config->api_token, "token-123");
  ASSERT_EQ(config->webhook_keys.size(), 1u);
  EXPECT_TRUE(config->callback_keys.empty());
}

TEST_F(ServiceConfigTest, ReadsEveryKeyAndResolvesRelativePaths) {
  Write("callback.secret", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw\n");
  fs::create_directories(dir_ / "keys");
  Write("keys/lti.pem", "-----BEGIN PRIVATE KEY-----\n...\n");
  auto config = Load(std::string(kMinimal) +
                     "listen = \"0.0.0.0:0\"\nworkers = 3\ncallback_secret_file = "
                     "\"callback.secret\"\ncallback_allow_hosts = [\"127.0.0.1\", \"lms.edu\"]\n"
                     "max_body_bytes = 4096\nmax_queue = 7\npublic_url = \"https://g.edu/\"\n"
                     "lease_seconds = 3\nmax_attempts = 4\nshutdown_grace_seconds = 5\n"
                     "delivery_max_attempts = 9\ndelivery_initial_backoff_ms = 10\n"
                     "delivery_max_backoff_ms = 100\ndelivery_timeout_ms = 50\n"
                     "[[lti]]\nissuer = \"https://canvas.example.edu\"\nclient_id = \"c1\"\n"
                     "token_url = \"http://127.0.0.1:9/token\"\nkey_file = \"keys/lti.pem\"\n"
                     "key_id = \"k1\"\n");
  ASSERT_TRUE(config.ok()) << config.status().message();
  EXPECT_EQ(config->listen_host, "0.0.0.0");
  EXPECT_EQ(config->listen_port, 0);
  EXPECT_EQ(config->workers, 3);
  EXPECT_EQ(config->callback_allow_hosts, (std::vector<std::string>{"127.0.0.1", "lms.edu"}));
  EXPECT_EQ(config->max_body_bytes, 4096);
  EXPECT_EQ(config->max_queue, 7);
  EXPECT_EQ(config->public_url, "https://g.edu");
  EXPECT_EQ(config->lease_seconds, 3);
  EXPECT_EQ(config->max_attempts, 4);
  EXPECT_EQ(config->shutdown_grace_seconds, 5);
  EXPECT_EQ(config->delivery_max_attempts, 9);
  EXPECT_EQ(config->delivery_initial_backoff_ms, 10);
  EXPECT_EQ(config->delivery_max_backoff_ms, 100);
  EXPECT_EQ(config->delivery_timeout_ms, 50);
  EXPECT_EQ(config->callback_keys.size(), 1u);
  ASSERT_EQ(config->lti.size(), 1u);
  EXPECT_EQ(config->lti[0].key_file, dir_ / "keys/lti.pem");
  EXPECT_NE(config->lti[0].private_key_pem.find("BEGIN PRIVATE KEY"), std::string::npos);
}

TEST_F(ServiceConfigTest, RotatedSecretsGiveOneKeyPerLine) {
  Write("intake.secret",
        "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw\n\nwhsec_c2Vjb25kLWtleS1ieXRlcw==\n");
  auto config = Load(kMinimal);
  ASSERT_TRUE(config.ok()) << config.status().message();
  EXPECT_EQ(config->webhook_keys.size(), 2u);
}

TEST_F(ServiceConfigTest, RefusesUnknownKeysNamingThem) {
  auto config = Load(std::string(kMinimal) + "worker = 2\n");
  ASSERT_FALSE(config.ok());
  EXPECT_NE(config.status().message().find("worker: unknown key"), std::string::npos);
  config = Load(std::string(kMinimal) + "[[lti]]\nisuer = \"x\"\n");
  ASSERT_FALSE(config.ok());
  EXPECT_NE(config.status().message().find("lti.isuer: unknown key"), std::string::npos);
}

TEST_F(ServiceConfigTest, RefusesSecretFilesMissingEmptyOrReadableByOthers) {
  Write("intake.secret", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw\n", 0640);
  auto config = Load(kMinimal);
  ASSERT_FALSE(config.ok());
  EXPECT_NE(config.status().message().find("intake.secret is readable by group or others"),
            std::string::npos);
  EXPECT_EQ(config.status().message().find('\n'), std::string::npos);  // one line
  Write("intake.secret", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw\n", 0604);
  EXPECT_FALSE(Load(kMinimal).ok());
  Write("intake.secret", "\n", 0600);
  config = Load(kMinimal);
  ASSERT_FALSE(config.ok());
  EXPECT_NE(config.status().message().find("is empty"), std::string::npos);
  fs::remove(dir_ / "intake.secret");
  config = Load(kMinimal);
  ASSERT_FALSE(config.ok());
  EXPECT_NE(config.status().message().find("does not exist"), std::string::npos);
  config = Load("api_token_file = \"api.token\"\n");
  ASSERT_FALSE(config.ok());
  EXPECT_NE(config.status().message().find("webhook_secret_file: missing"), std::string::npos);
}

TEST_F(ServiceConfigTest, RefusesBadValues) {
  EXPECT_FALSE(Load(std::string(kMinimal) + "listen = \"8080\"\n").ok());
  EXPECT_FALSE(Load(std::string(kMinimal) + "listen = \"127.0.0.1:99999\"\n").ok());
  EXPECT_FALSE(Load(std::string(kMinimal) + "workers = -1\n").ok());
  EXPECT_FALSE(Load(std::string(kMinimal) + "workers = 65\n").ok());
  EXPECT_TRUE(Load(std::string(kMinimal) + "workers = 0\n").ok());  // queue only
  EXPECT_FALSE(Load(std::string(kMinimal) + "workers = \"2\"\n").ok());
  EXPECT_FALSE(Load(std::string(kMinimal) + "callback_allow_hosts = \"x\"\n").ok());
  Write("intake.secret", "not-a-secret\n");
  EXPECT_FALSE(Load(kMinimal).ok());
}

}  // namespace
}  // namespace service
