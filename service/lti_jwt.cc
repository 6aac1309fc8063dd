// The JOSE side of LTI (service/lti.h): our RS256 client assertions and their JWKS, with
// OpenSSL's EVP interface.
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <set>

#include "service/lti.h"
#include "service/webhook_signature.h"

namespace service {
namespace {

using KeyPtr = std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)>;

base::StatusOr<KeyPtr> LoadRsaKey(const LtiPlatformConfig& platform) {
  const std::string where = platform.key_file.string();
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(
      BIO_new_mem_buf(platform.private_key_pem.data(),
                      static_cast<int>(platform.private_key_pem.size())),
      &BIO_free);
  if (!bio) return base::Status::Internal(where + ": out of memory");
  KeyPtr key(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr), &EVP_PKEY_free);
  if (!key) return base::Status::InvalidArgument(where + ": not a PEM private key");
  if (EVP_PKEY_base_id(key.get()) != EVP_PKEY_RSA) {
    return base::Status::InvalidArgument(where + ": not an RSA key (RS256 needs one)");
  }
  return key;
}

base::StatusOr<std::string> SignRs256(EVP_PKEY* key, const std::string& input) {
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> context(EVP_MD_CTX_new(),
                                                                  &EVP_MD_CTX_free);
  size_t length = 0;
  if (!context || EVP_DigestSignInit(context.get(), nullptr, EVP_sha256(), nullptr, key) != 1 ||
      EVP_DigestSign(context.get(), nullptr, &length,
                     reinterpret_cast<const unsigned char*>(input.data()), input.size()) != 1) {
    return base::Status::Internal("RS256 signing failed");
  }
  std::string signature(length, '\0');
  if (EVP_DigestSign(context.get(), reinterpret_cast<unsigned char*>(signature.data()), &length,
                     reinterpret_cast<const unsigned char*>(input.data()), input.size()) != 1) {
    return base::Status::Internal("RS256 signing failed");
  }
  signature.resize(length);
  return signature;
}

base::StatusOr<std::string> RandomHex(size_t bytes) {
  std::string raw(bytes, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(raw.data()), static_cast<int>(bytes)) != 1) {
    return base::Status::Internal("no random bytes");
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  for (unsigned char c : raw) {
    hex += kHex[c >> 4];
    hex += kHex[c & 15];
  }
  return hex;
}

// A big-endian unsigned parameter of the key ("n", "e"), base64url.
base::StatusOr<std::string> KeyParameter(EVP_PKEY* key, const char* name) {
  BIGNUM* number = nullptr;
  if (EVP_PKEY_get_bn_param(key, name, &number) != 1) {
    return base::Status::Internal(std::string("RSA key has no ") + name);
  }
  std::string bytes(static_cast<size_t>(BN_num_bytes(number)), '\0');
  BN_bn2bin(number, reinterpret_cast<unsigned char*>(bytes.data()));
  BN_free(number);
  return Base64UrlEncode(bytes);
}

}  // namespace

std::string Base64UrlEncode(std::string_view bytes) {
  std::string text = Base64Encode(bytes);
  while (!text.empty() && text.back() == '=') text.pop_back();
  for (char& c : text) {
    if (c == '+') c = '-';
    if (c == '/') c = '_';
  }
  return text;
}

base::StatusOr<std::string> MakeClientAssertion(const LtiPlatformConfig& platform,
                                                std::chrono::system_clock::time_point now) {
  base::StatusOr<KeyPtr> key = LoadRsaKey(platform);
  if (!key.ok()) return key.status();
  base::StatusOr<std::string> jti = RandomHex(16);
  if (!jti.ok()) return jti.status();
  const int64_t iat =
      std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
  const nlohmann::json header = {{"alg", "RS256"}, {"typ", "JWT"}, {"kid", platform.key_id}};
  const nlohmann::json claims = {{"iss", platform.client_id}, {"sub", platform.client_id},
                                 {"aud", platform.token_url}, {"iat", iat},
                                 {"exp", iat + 300},          {"jti", *jti}};
  const std::string input = Base64UrlEncode(header.dump()) + "." + Base64UrlEncode(claims.dump());
  base::StatusOr<std::string> signature = SignRs256(key->get(), input);
  if (!signature.ok()) return signature.status().WithContext(platform.key_file.string());
  return input + "." + Base64UrlEncode(*signature);
}

base::StatusOr<std::string> JwksJson(const std::vector<LtiPlatformConfig>& platforms) {
  nlohmann::json keys = nlohmann::json::array();
  std::set<std::string> listed;  // kids already in `keys`
  for (const LtiPlatformConfig& platform : platforms) {
    if (!listed.insert(platform.key_id).second) continue;
    base::StatusOr<KeyPtr> key = LoadRsaKey(platform);
    if (!key.ok()) return key.status();
    base::StatusOr<std::string> n = KeyParameter(key->get(), OSSL_PKEY_PARAM_RSA_N);
    if (!n.ok()) return n.status();
    base::StatusOr<std::string> e = KeyParameter(key->get(), OSSL_PKEY_PARAM_RSA_E);
    if (!e.ok()) return e.status();
    keys.push_back({{"kty", "RSA"},
                    {"kid", platform.key_id},
                    {"use", "sig"},
                    {"alg", "RS256"},
                    {"n", *n},
                    {"e", *e}});
  }
  return nlohmann::json{{"keys", keys}}.dump();
}

}  // namespace service
