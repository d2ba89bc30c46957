// FakeCmon: Beast HTTPS server for the client tests (see fake_cmon.hpp).
#include "fake_cmon.hpp"

#include <thread>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include "cmon_mcp/util/asio.hpp"

namespace cmon_mcp::test {

namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using asio::as_tuple;
using nlohmann::json;

namespace {

std::string to_pem_cert(X509* cert) {
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_X509(bio, cert);
  char* data = nullptr;
  long n = BIO_get_mem_data(bio, &data);
  std::string out(data, static_cast<std::size_t>(n));
  BIO_free(bio);
  return out;
}

std::string to_pem_key(EVP_PKEY* key) {
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0, nullptr, nullptr);
  char* data = nullptr;
  long n = BIO_get_mem_data(bio, &data);
  std::string out(data, static_cast<std::size_t>(n));
  BIO_free(bio);
  return out;
}

}  // namespace

struct FakeCmon::Impl {
  asio::io_context io;
  ssl::context ctx{ssl::context::tls_server};
  tcp::acceptor acceptor{io};
  std::thread thread;
  std::mutex m;
  FakeHandler handler;
  std::string cert_pem, fingerprint;
  std::atomic<int> connections{0}, requests{0};

  void make_certificate() {
    EVP_PKEY* key = EVP_RSA_gen(2048);
    X509* cert = X509_new();
    X509_set_version(cert, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(cert), 1);
    X509_gmtime_adj(X509_getm_notBefore(cert), -3600);
    X509_gmtime_adj(X509_getm_notAfter(cert), 86400);
    X509_set_pubkey(cert, key);
    X509_NAME* name = X509_get_subject_name(cert);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("127.0.0.1"),
                               -1, -1, 0);
    X509_set_issuer_name(cert, name);
    X509V3_CTX v3;
    X509V3_set_ctx(&v3, cert, cert, nullptr, nullptr, 0);
    for (auto [nid, value] : {std::pair{NID_subject_alt_name, "IP:127.0.0.1"},
                              std::pair{NID_basic_constraints, "critical,CA:TRUE"}}) {
      X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &v3, nid, value);
      X509_add_ext(cert, ext, -1);
      X509_EXTENSION_free(ext);
    }
    X509_sign(cert, key, EVP_sha256());
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned n = 0;
    X509_digest(cert, EVP_sha256(), md, &n);
    static constexpr char kHex[] = "0123456789ABCDEF";
    for (unsigned i = 0; i < n; ++i) {
      if (i) fingerprint += ':';
      fingerprint += kHex[md[i] >> 4];
      fingerprint += kHex[md[i] & 15];
    }
    cert_pem = to_pem_cert(cert);
    std::string key_pem = to_pem_key(key);
    ctx.use_certificate_chain(asio::buffer(cert_pem));
    ctx.use_private_key(asio::buffer(key_pem), ssl::context::pem);
    X509_free(cert);
    EVP_PKEY_free(key);
  }

  FakeHandler current_handler() {
    std::lock_guard lock(m);
    return handler;
  }

  awaitable<void> session(tcp::socket socket) {
    beast::ssl_stream<beast::tcp_stream> stream(std::move(socket), ctx);
    auto [hec] = co_await stream.async_handshake(ssl::stream_base::server, as_tuple(use_awaitable));
    if (hec) co_return;
    beast::flat_buffer buffer;
    for (;;) {
      http::request<http::string_body> req;
      auto [ec, n] = co_await http::async_read(stream, buffer, req, as_tuple(use_awaitable));
      if (ec) break;
      ++requests;
      FakeRequest fr;
      fr.target = std::string(req.target());
      fr.body = json::parse(req.body(), nullptr, false);
      fr.host_header = std::string(req[http::field::host]);
      fr.has_content_length = req.find(http::field::content_length) != req.end();
      std::string cookie(req[http::field::cookie]);
      if (auto pos = cookie.find("cmon-sid="); pos != std::string::npos) {
        auto end = cookie.find(';', pos);
        fr.cookie = cookie.substr(pos + 9, end == std::string::npos ? std::string::npos : end - pos - 9);
      }
      FakeReply r = current_handler()(fr);
      if (r.delay_ms > 0) {
        asio::steady_timer t(io, std::chrono::milliseconds(r.delay_ms));
        co_await t.async_wait(as_tuple(use_awaitable));
      }
      if (r.drop_instead) break;
      http::response<http::string_body> res{static_cast<http::status>(r.status), 11};
      res.set(http::field::server, "cmon/1.8.2");
      res.set(http::field::content_type, r.raw.empty() ? "application/json" : "text/html");
      if (!r.set_cookie.empty())
        res.set(http::field::set_cookie, "cmon-sid=" + r.set_cookie + "; Path=/; HttpOnly");
      res.body() = r.raw.empty() ? r.body.dump() : r.raw;
      res.keep_alive(!r.close_header && req.keep_alive());
      res.prepare_payload();
      auto [wec, wn] = co_await http::async_write(stream, res, as_tuple(use_awaitable));
      if (wec || r.close_header || r.drop_after || !req.keep_alive()) break;
    }
    boost::system::error_code ignored;
    beast::get_lowest_layer(stream).socket().shutdown(tcp::socket::shutdown_both, ignored);
    beast::get_lowest_layer(stream).close();
  }

  awaitable<void> listen() {
    for (;;) {
      auto [ec, socket] = co_await acceptor.async_accept(as_tuple(use_awaitable));
      if (ec) co_return;
      ++connections;
      asio::co_spawn(io, session(std::move(socket)), asio::detached);
    }
  }
};

FakeCmon::FakeCmon(FakeHandler handler) : impl_(std::make_unique<Impl>()) {
  impl_->handler = std::move(handler);
  impl_->make_certificate();
  tcp::endpoint ep(asio::ip::make_address("127.0.0.1"), 0);
  impl_->acceptor.open(ep.protocol());
  impl_->acceptor.set_option(tcp::acceptor::reuse_address(true));
  impl_->acceptor.bind(ep);
  impl_->acceptor.listen();
  asio::co_spawn(impl_->io, impl_->listen(), asio::detached);
  impl_->thread = std::thread([this] { impl_->io.run(); });
}

FakeCmon::~FakeCmon() {
  impl_->io.stop();
  impl_->thread.join();
}

std::string FakeCmon::url() const {
  return "https://127.0.0.1:" + std::to_string(port());
}
unsigned short FakeCmon::port() const {
  return impl_->acceptor.local_endpoint().port();
}
std::string FakeCmon::cert_pem() const {
  return impl_->cert_pem;
}
std::string FakeCmon::fingerprint() const {
  return impl_->fingerprint;
}
int FakeCmon::connections() const {
  return impl_->connections;
}
int FakeCmon::requests() const {
  return impl_->requests;
}
void FakeCmon::set_handler(FakeHandler handler) {
  std::lock_guard lock(impl_->m);
  impl_->handler = std::move(handler);
}

// --- FakeSessions ------------------------------------------------------------------------------------

namespace {

bool verify_signature(const std::string& public_pem, const std::string& challenge, const std::string& b64) {
  std::string raw(b64.size(), '\0');
  int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(raw.data()),
                          reinterpret_cast<const unsigned char*>(b64.data()), static_cast<int>(b64.size()));
  if (n < 0) return false;
  std::size_t pad = (b64.size() >= 1 && b64.back() == '=') + (b64.size() >= 2 && b64[b64.size() - 2] == '=');
  raw.resize(static_cast<std::size_t>(n) - pad);
  BIO* bio = BIO_new_mem_buf(public_pem.data(), static_cast<int>(public_pem.size()));
  EVP_PKEY* key = PEM_read_bio_PUBKEY(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  if (!key) return false;
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  bool ok = EVP_DigestVerifyInit(ctx, nullptr, EVP_sha256(), nullptr, key) == 1 &&
            EVP_DigestVerify(ctx, reinterpret_cast<const unsigned char*>(raw.data()), raw.size(),
                             reinterpret_cast<const unsigned char*>(challenge.data()), challenge.size()) == 1;
  EVP_MD_CTX_free(ctx);
  EVP_PKEY_free(key);
  return ok;
}

}  // namespace

FakeReply FakeSessions::handle(const FakeRequest& r) {
  FakeReply out;
  std::string op = r.body.is_object() ? r.body.value("operation", "") : "";
  std::unique_lock lock(m_);
  if (op == "authenticateWithPassword") {
    if (r.body.value("user_name", "") == user && r.body.value("password", "") == password) {
      std::string sid = "sid" + std::to_string(++next_);
      sessions_[sid] = user;
      ++logins_;
      out.set_cookie = sid;
      out.body = {{"request_status", "Ok"}, {"user", {{"user_name", user}}}, {"is_superuser", true}};
    } else {
      ++failed_;
      out.body = {{"request_status", "AccessDenied"}};
    }
    return out;
  }
  if (op == "authenticate") {
    std::string sid = "sid" + std::to_string(++next_);
    std::string challenge = "challenge-" + std::to_string(next_);
    sessions_[sid] = "";
    challenges_[sid] = r.body.value("user_name", "") == user && !public_key_pem.empty() ? challenge : "";
    out.set_cookie = sid;
    out.body = {
        {"request_status", "Ok"}, {"user_name", r.body.value("user_name", "")}, {"challenge", challenge}};
    return out;
  }
  if (op == "authenticateResponse") {
    auto it = challenges_.find(r.cookie);
    if (it != challenges_.end() && !it->second.empty() &&
        verify_signature(public_key_pem, it->second, r.body.value("signature", ""))) {
      sessions_[r.cookie] = user;
      challenges_.erase(it);
      ++logins_;
      out.body = {{"request_status", "Ok"}, {"user", {{"user_name", user}}}};
    } else {
      if (it != challenges_.end()) challenges_.erase(it);
      ++failed_;
      out.body = {{"request_status", "AccessDenied"}, {"error_string", "Signature verification failed."}};
    }
    return out;
  }
  auto s = sessions_.find(r.cookie);
  if (s == sessions_.end() || s->second.empty()) {
    out.status = 401;
    out.body = {{"request_status", "AuthRequired"}, {"error_string", "Authentication required."}};
    return out;
  }
  lock.unlock();
  if (on_request) return on_request(r);
  out.body = {{"request_status", "Ok"}, {"operation", op}, {"request_id", r.body.value("request_id", 0)}};
  return out;
}

void FakeSessions::expire_all() {
  std::lock_guard lock(m_);
  sessions_.clear();
}

}  // namespace cmon_mcp::test
