// /v2/auth: password login, RSA challenge/response login, logout, password reset; /v2/info ping.
#include <openssl/bio.h>
#include <openssl/decoder.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include <memory>
#include <random>

#include "cmon_sim/engine.hpp"

namespace cmon_sim {
namespace {

struct PkeyFree {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyFree>;

// PKCS#1 ("BEGIN RSA PUBLIC KEY") and SPKI ("BEGIN PUBLIC KEY") PEM, through the OpenSSL 3 decoders.
PkeyPtr parse_public_key(const std::string& pem) {
  EVP_PKEY* key = nullptr;
  OSSL_DECODER_CTX* dctx =
      OSSL_DECODER_CTX_new_for_pkey(&key, "PEM", nullptr, "RSA", EVP_PKEY_PUBLIC_KEY, nullptr, nullptr);
  if (!dctx) return nullptr;
  const auto* data = reinterpret_cast<const unsigned char*>(pem.data());
  size_t len = pem.size();
  bool ok = OSSL_DECODER_from_data(dctx, &data, &len) == 1;
  OSSL_DECODER_CTX_free(dctx);
  if (!ok || !key) {
    EVP_PKEY_free(key);
    return nullptr;
  }
  if (EVP_PKEY_base_id(key) != EVP_PKEY_RSA) {
    EVP_PKEY_free(key);
    return nullptr;
  }
  return PkeyPtr(key);
}

// Strict standard Base64 (RFC 4648, '+/', '=' padding); whitespace is not allowed.
std::optional<std::string> base64_decode(const std::string& in) {
  if (in.empty() || in.size() % 4 != 0) return std::nullopt;
  auto val = [](char ch) -> int {
    if (ch >= 'A' && ch <= 'Z') return ch - 'A';
    if (ch >= 'a' && ch <= 'z') return ch - 'a' + 26;
    if (ch >= '0' && ch <= '9') return ch - '0' + 52;
    if (ch == '+') return 62;
    if (ch == '/') return 63;
    return -1;
  };
  std::string out;
  for (size_t i = 0; i < in.size(); i += 4) {
    int v[4];
    for (int k = 0; k < 4; ++k) {
      char ch = in[i + static_cast<size_t>(k)];
      if (ch == '=' && i + 4 == in.size() && k >= 2) {
        v[k] = -2;
        continue;
      }
      v[k] = val(ch);
      if (v[k] < 0) return std::nullopt;
    }
    if (v[2] == -2 && v[3] != -2) return std::nullopt;
    uint32_t n = (static_cast<uint32_t>(v[0]) << 18) | (static_cast<uint32_t>(v[1]) << 12) |
                 (static_cast<uint32_t>(v[2] < 0 ? 0 : v[2]) << 6) |
                 static_cast<uint32_t>(v[3] < 0 ? 0 : v[3]);
    out += static_cast<char>((n >> 16) & 0xff);
    if (v[2] >= 0) out += static_cast<char>((n >> 8) & 0xff);
    if (v[3] >= 0) out += static_cast<char>(n & 0xff);
  }
  return out;
}

json login_reply(Engine& e, Call& c, json& user, bool key_login) {
  auto& stats = e.mutable_stats();
  ++stats.logins;
  ++(key_login ? stats.key_logins : stats.password_logins);
  user["last_login"] = Engine::now_iso();
  user["n_failed_logins"] = 0;
  c.session->user_id = user.value("user_id", int64_t{0});
  c.session->challenge.clear();
  return {{"is_superuser", e.user_is_superuser(user)},
          {"user", e.public_user(user)},
          {"debug_messages",
           json::array({"RPC V2 authenticated user is '" + user.value("user_name", "") + "'."})}};
}

cmon_mcp::Unexpected<Failure> login_failed(Engine& e, json* user) {
  ++e.mutable_stats().failed_logins;
  if (user) {
    (*user)["n_failed_logins"] = user->value("n_failed_logins", 0) + 1;
    (*user)["last_failed_login"] = Engine::now_iso();
  }
  // A real controller sends no error_string for a failed password login (cmon-rpc-v2.md §2.2).
  return fail("AccessDenied", "");
}

}  // namespace

bool valid_public_key_pem(const std::string& pem) {
  return parse_public_key(pem) != nullptr;
}

bool verify_rsa_sha256(const std::string& public_key_pem, const std::string& message,
                       const std::string& signature_b64) {
  auto key = parse_public_key(public_key_pem);
  if (!key) return false;
  auto sig = base64_decode(signature_b64);
  if (!sig) return false;
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  EVP_PKEY_CTX* pctx = nullptr;
  if (EVP_DigestVerifyInit(ctx.get(), &pctx, EVP_sha256(), nullptr, key.get()) != 1) return false;
  if (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) != 1) return false;
  return EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(sig->data()), sig->size(),
                          reinterpret_cast<const unsigned char*>(message.data()), message.size()) == 1;
}

void register_auth_operations(Engine& e, std::vector<OperationSpec>& ops) {
  auto ensure_session = [&e](Call& c) {
    if (!c.session) {
      c.session = &e.new_session();
      c.new_cookie = c.session->id;
    }
  };

  ops.push_back({"auth", "authenticateWithPassword", false, true, [&e, ensure_session](Call& c) -> Outcome {
                   auto name = c.string_field("user_name");
                   if (!name) return cmon_mcp::unexpected(name.error());
                   auto password = c.string_field("password");
                   if (!password) return cmon_mcp::unexpected(password.error());
                   json* user = e.find_user(*name);
                   if (!user || user->value("_password", "").empty() ||
                       user->value("_password", "") != *password || user->value("disabled", false))
                     return login_failed(e, user);
                   // A fresh session id on every login, so an old cookie never gains rights.
                   c.session = nullptr;
                   ensure_session(c);
                   return login_reply(e, c, *user, false);
                 }});

  auto authenticate = [&e, ensure_session](Call& c) -> Outcome {
    std::string name;
    for (const char* key : {"user_name", "username"}) {
      auto v = c.opt_string(key, "");
      if (!v) return cmon_mcp::unexpected(v.error());
      if (!v->empty()) {
        name = *v;
        break;
      }
    }
    if (name.empty()) return fail("InvalidRequest", "Missing 'user_name' field.");
    json* user = e.find_user(name);
    if (!user || user->value("disabled", false) || user->value("_public_keys", json::array()).empty())
      return login_failed(e, user);
    c.session = nullptr;
    ensure_session(c);
    c.session->challenge = Engine::random_uuid();
    c.session->challenge_user_id = user->value("user_id", int64_t{0});
    return json{{"user_name", name}, {"challenge", c.session->challenge}};
  };
  ops.push_back({"auth", "authenticate", false, true, authenticate});

  auto respond = [&e](Call& c) -> Outcome {
    auto sig = c.opt_string("signature", "");
    if (!sig) return cmon_mcp::unexpected(sig.error());
    if (sig->empty()) {
      auto alt = c.opt_string("response", "");
      if (!alt) return cmon_mcp::unexpected(alt.error());
      sig = *alt;
    }
    if (!c.session || c.session->challenge.empty()) return login_failed(e, nullptr);
    json* user = e.find_user_by_id(c.session->challenge_user_id);
    std::string challenge = c.session->challenge;
    c.session->challenge.clear();  // one attempt per challenge
    if (!user || sig->empty()) return login_failed(e, user);
    for (const auto& k : user->value("_public_keys", json::array()))
      if (verify_rsa_sha256(k.value("key", ""), challenge, *sig)) return login_reply(e, c, *user, true);
    return login_failed(e, user);
  };
  ops.push_back({"auth", "authenticateResponse", false, true, respond});
  ops.push_back({"auth", "response", false, true, respond});

  ops.push_back({"auth", "logout", false, true, [](Call& c) -> Outcome {
                   if (c.session) {
                     c.session->user_id = 0;
                     c.session->challenge.clear();
                   }
                   return json::object();
                 }});

  ops.push_back({"auth", "passwordReset", false, true, [&e](Call& c) -> Outcome {
                   auto name = c.string_field("user_name");
                   if (!name) return cmon_mcp::unexpected(name.error());
                   json* user = e.find_user(*name);
                   if (!user) return fail("ObjectNotFound", "User '" + *name + "' was not found.");
                   if (user->value("email_address", "").empty())
                     return fail("ObjectNotFound",
                                 "User '" + *name +
                                     "' has no registered email address while requesting password reset.");
                   auto token = c.opt_string("password_reset_token", "");
                   if (!token) return cmon_mcp::unexpected(token.error());
                   if (token->empty()) {
                     (*user)["_reset_token"] = Engine::random_uuid();
                     return json::object();
                   }
                   auto pw = c.string_field("new_password");
                   if (!pw) return cmon_mcp::unexpected(pw.error());
                   if (*token != user->value("_reset_token", ""))
                     return fail("AccessDenied", "Invalid password reset token.");
                   (*user)["_password"] = *pw;
                   user->erase("_reset_token");
                   return json::object();
                 }});

  ops.push_back({"info", "ping", false, true, [&e](Call&) -> Outcome {
                   return json{{"package_name", "cmon"},
                               {"package_version", e.model().value("package_version", "1.8.2")}};
                 }});
}

}  // namespace cmon_sim
