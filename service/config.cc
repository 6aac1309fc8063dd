#include "service/config.h"

#include <sys/stat.h>
#include <toml++/toml.h>

#include <fstream>
#include <set>
#include <sstream>

#include "service/webhook_signature.h"

namespace service {
namespace {

namespace fs = std::filesystem;

// Every key the file may hold: anything else is a typo, refused rather than ignored.
const std::set<std::string> kTopKeys = {"listen",
                                        "workers",
                                        "webhook_secret_file",
                                        "callback_secret_file",
                                        "api_token_file",
                                        "callback_allow_hosts",
                                        "max_body_bytes",
                                        "max_queue",
                                        "public_url",
                                        "lease_seconds",
                                        "max_attempts",
                                        "shutdown_grace_seconds",
                                        "delivery_max_attempts",
                                        "delivery_initial_backoff_ms",
                                        "delivery_max_backoff_ms",
                                        "delivery_timeout_ms",
                                        "lti"};
const std::set<std::string> kLtiKeys = {"issuer", "client_id", "token_url", "key_file", "key_id"};

class Loader {
 public:
  explicit Loader(fs::path path) : path_(std::move(path)) {}

  base::Status Error(const std::string& key, const std::string& what) const {
    return base::Status::InvalidArgument(path_.string() + ": " + key + ": " + what);
  }

  fs::path Resolve(const std::string& file) const {
    const fs::path p(file);
    return p.is_absolute() ? p : path_.parent_path() / p;
  }

  // A secret file: exists, regular, not empty, readable by its owner only.
  base::StatusOr<std::string> ReadSecretFile(const std::string& key, const fs::path& file) const {
    struct stat st {};
    if (::stat(file.c_str(), &st) != 0) return Error(key, file.string() + " does not exist");
    if (!S_ISREG(st.st_mode)) return Error(key, file.string() + " is not a regular file");
    if ((st.st_mode & 077) != 0) {
      return Error(key, file.string() + " is readable by group or others (chmod 600 it)");
    }
    std::ifstream in(file, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    if (!in) return Error(key, file.string() + " cannot be read");
    if (text.str().find_first_not_of(" \t\r\n") == std::string::npos) {
      return Error(key, file.string() + " is empty");
    }
    return text.str();
  }

  // One "whsec_..." per non-empty line.
  base::StatusOr<std::vector<std::string>> ReadKeys(const std::string& key,
                                                    const fs::path& file) const {
    auto text = ReadSecretFile(key, file);
    if (!text.ok()) return text.status();
    std::vector<std::string> keys;
    std::istringstream lines(*text);
    std::string line;
    for (int number = 1; std::getline(lines, line); ++number) {
      if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
      auto decoded = DecodeWebhookSecret(line);
      if (!decoded.ok()) {
        return Error(key, file.string() + " line " + std::to_string(number) + ": " +
                              decoded.status().message());
      }
      keys.push_back(*decoded);
    }
    return keys;
  }

  template <typename T>
  base::Status Integer(const toml::table& table, const std::string& key, T* out, int64_t min,
                       int64_t max) const {
    const toml::node* node = table.get(key);
    if (node == nullptr) return base::Status::Ok();
    auto value = node->value<int64_t>();
    if (!node->is_integer() || !value) return Error(key, "must be an integer");
    if (*value < min || *value > max) {
      return Error(key, "must be in " + std::to_string(min) + ".." + std::to_string(max));
    }
    *out = static_cast<T>(*value);
    return base::Status::Ok();
  }

  base::Status String(const toml::table& table, const std::string& key, std::string* out,
                      bool required) const {
    const toml::node* node = table.get(key);
    if (node == nullptr) return required ? Error(key, "missing") : base::Status::Ok();
    if (!node->is_string()) return Error(key, "must be a string");
    *out = **node->as_string();
    if (required && out->empty()) return Error(key, "must not be empty");
    return base::Status::Ok();
  }

 private:
  fs::path path_;
};

base::Status ParseListen(const Loader& loader, const std::string& listen, ServiceConfig* config) {
  const size_t colon = listen.rfind(':');
  if (colon == std::string::npos || colon == 0) {
    return loader.Error("listen", "must be \"address:port\"");
  }
  std::string host = listen.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  const std::string port = listen.substr(colon + 1);
  if (port.empty() || port.size() > 5 ||
      port.find_first_not_of("0123456789") != std::string::npos || std::stoi(port) > 65535) {
    return loader.Error("listen", "port must be 0..65535");
  }
  config->listen_host = host;
  config->listen_port = std::stoi(port);
  return base::Status::Ok();
}

base::Status LoadLti(const Loader& loader, const toml::node& node, ServiceConfig* config) {
  const toml::array* platforms = node.as_array();
  if (platforms == nullptr) return loader.Error("lti", "must be an array of tables ([[lti]])");
  for (const toml::node& entry : *platforms) {
    const toml::table* table = entry.as_table();
    if (table == nullptr) return loader.Error("lti", "must be an array of tables ([[lti]])");
    for (const auto& [key, value] : *table) {
      if (!kLtiKeys.count(std::string(key.str()))) {
        return loader.Error("lti." + std::string(key.str()), "unknown key");
      }
    }
    LtiPlatformConfig lti;
    std::string key_file;
    RETURN_IF_ERROR(loader.String(*table, "issuer", &lti.issuer, true));
    RETURN_IF_ERROR(loader.String(*table, "client_id", &lti.client_id, true));
    RETURN_IF_ERROR(loader.String(*table, "token_url", &lti.token_url, true));
    RETURN_IF_ERROR(loader.String(*table, "key_file", &key_file, true));
    RETURN_IF_ERROR(loader.String(*table, "key_id", &lti.key_id, true));
    lti.key_file = loader.Resolve(key_file);
    auto pem = loader.ReadSecretFile("lti.key_file", lti.key_file);
    if (!pem.ok()) return pem.status();
    lti.private_key_pem = *pem;
    config->lti.push_back(std::move(lti));
  }
  return base::Status::Ok();
}

}  // namespace

base::StatusOr<ServiceConfig> LoadServiceConfig(const std::filesystem::path& path) {
  ServiceConfig config;
  config.path = fs::absolute(path);
  const Loader loader(config.path);
  toml::table root;
  try {
    root = toml::parse_file(config.path.string());
  } catch (const toml::parse_error& e) {
    return base::Status::InvalidArgument(config.path.string() + ": " +
                                         std::string(e.description()));
  }
  for (const auto& [key, value] : root) {
    if (!kTopKeys.count(std::string(key.str()))) {
      return loader.Error(std::string(key.str()), "unknown key");
    }
  }
  std::string listen = "127.0.0.1:8080";
  RETURN_IF_ERROR(loader.String(root, "listen", &listen, false));
  RETURN_IF_ERROR(ParseListen(loader, listen, &config));
  RETURN_IF_ERROR(loader.String(root, "public_url", &config.public_url, false));
  while (!config.public_url.empty() && config.public_url.back() == '/')
    config.public_url.pop_back();
  RETURN_IF_ERROR(loader.Integer(root, "workers", &config.workers, 0, 64));
  RETURN_IF_ERROR(loader.Integer(root, "max_body_bytes", &config.max_body_bytes, 1024, 64 << 20));
  RETURN_IF_ERROR(loader.Integer(root, "max_queue", &config.max_queue, 1, 100000000));
  RETURN_IF_ERROR(loader.Integer(root, "lease_seconds", &config.lease_seconds, 1, 86400));
  RETURN_IF_ERROR(loader.Integer(root, "max_attempts", &config.max_attempts, 1, 100));
  RETURN_IF_ERROR(
      loader.Integer(root, "shutdown_grace_seconds", &config.shutdown_grace_seconds, 0, 3600));
  RETURN_IF_ERROR(
      loader.Integer(root, "delivery_max_attempts", &config.delivery_max_attempts, 1, 1000));
  RETURN_IF_ERROR(loader.Integer(root, "delivery_initial_backoff_ms",
                                 &config.delivery_initial_backoff_ms, 1, 3600000));
  RETURN_IF_ERROR(loader.Integer(root, "delivery_max_backoff_ms", &config.delivery_max_backoff_ms,
                                 1, 86400000));
  RETURN_IF_ERROR(
      loader.Integer(root, "delivery_timeout_ms", &config.delivery_timeout_ms, 1, 600000));

  if (const toml::node* hosts = root.get("callback_allow_hosts")) {
    const toml::array* list = hosts->as_array();
    if (list == nullptr) return loader.Error("callback_allow_hosts", "must be an array of strings");
    for (const toml::node& host : *list) {
      if (!host.is_string()) {
        return loader.Error("callback_allow_hosts", "must be an array of strings");
      }
      config.callback_allow_hosts.push_back(**host.as_string());
    }
  }

  std::string webhook_file, callback_file, token_file;
  RETURN_IF_ERROR(loader.String(root, "webhook_secret_file", &webhook_file, true));
  RETURN_IF_ERROR(loader.String(root, "api_token_file", &token_file, true));
  RETURN_IF_ERROR(loader.String(root, "callback_secret_file", &callback_file, false));
  auto webhook_keys = loader.ReadKeys("webhook_secret_file", loader.Resolve(webhook_file));
  if (!webhook_keys.ok()) return webhook_keys.status();
  config.webhook_keys = std::move(*webhook_keys);
  if (!callback_file.empty()) {
    auto callback_keys = loader.ReadKeys("callback_secret_file", loader.Resolve(callback_file));
    if (!callback_keys.ok()) return callback_keys.status();
    config.callback_keys = std::move(*callback_keys);
  }
  auto token = loader.ReadSecretFile("api_token_file", loader.Resolve(token_file));
  if (!token.ok()) return token.status();
  const size_t begin = token->find_first_not_of(" \t\r\n");
  const size_t end = token->find_last_not_of(" \t\r\n");
  config.api_token = token->substr(begin, end - begin + 1);

  if (const toml::node* lti = root.get("lti")) RETURN_IF_ERROR(LoadLti(loader, *lti, &config));
  return config;
}

}  // namespace service
