// STUB until the merge with CORE's service/config.cc (which replaces this file): reads only the
// keys the outbox commands need (callback_secret_file, callback_allow_hosts, delivery_*, [[lti]]),
// without the permission checks of the real loader.
#include <toml++/toml.h>

#include <fstream>
#include <sstream>

#include "service/config.h"
#include "service/webhook_signature.h"

namespace service {
namespace {

base::StatusOr<std::string> ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return base::Status::InvalidArgument(path.string() + ": cannot read");
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::filesystem::path Resolve(const std::filesystem::path& config, const std::string& file) {
  const std::filesystem::path path(file);
  return path.is_absolute() ? path : config.parent_path() / path;
}

}  // namespace

base::StatusOr<ServiceConfig> LoadServiceConfig(const std::filesystem::path& path) {
  ServiceConfig config;
  config.path = path;
  toml::table table;
  try {
    table = toml::parse_file(path.string());
  } catch (const toml::parse_error& e) {
    return base::Status::InvalidArgument(path.string() + ": " + std::string(e.description()));
  }
  if (auto file = table["callback_secret_file"].value<std::string>()) {
    base::StatusOr<std::string> text = ReadFile(Resolve(path, *file));
    if (!text.ok()) return text.status();
    std::istringstream lines(*text);
    for (std::string line; std::getline(lines, line);) {
      if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
      base::StatusOr<std::string> key = DecodeWebhookSecret(line);
      if (!key.ok()) return key.status().WithContext(path.string() + ": callback_secret_file");
      config.callback_keys.push_back(*key);
    }
  }
  if (const toml::array* hosts = table["callback_allow_hosts"].as_array()) {
    for (const toml::node& host : *hosts) {
      if (auto text = host.value<std::string>()) config.callback_allow_hosts.push_back(*text);
    }
  }
  config.delivery_max_attempts =
      table["delivery_max_attempts"].value_or(config.delivery_max_attempts);
  config.delivery_initial_backoff_ms =
      table["delivery_initial_backoff_ms"].value_or(config.delivery_initial_backoff_ms);
  config.delivery_max_backoff_ms =
      table["delivery_max_backoff_ms"].value_or(config.delivery_max_backoff_ms);
  config.delivery_timeout_ms = table["delivery_timeout_ms"].value_or(config.delivery_timeout_ms);
  if (const toml::array* platforms = table["lti"].as_array()) {
    for (const toml::node& node : *platforms) {
      const toml::table* entry = node.as_table();
      if (entry == nullptr) continue;
      LtiPlatformConfig platform;
      platform.issuer = (*entry)["issuer"].value_or(std::string());
      platform.client_id = (*entry)["client_id"].value_or(std::string());
      platform.token_url = (*entry)["token_url"].value_or(std::string());
      platform.key_id = (*entry)["key_id"].value_or(std::string());
      platform.key_file = Resolve(path, (*entry)["key_file"].value_or(std::string()));
      base::StatusOr<std::string> pem = ReadFile(platform.key_file);
      if (!pem.ok()) return pem.status();
      platform.private_key_pem = *pem;
      config.lti.push_back(platform);
    }
  }
  return config;
}

}  // namespace service
