// RSA challenge signing with OpenSSL 3 EVP (no deprecated RSA_* calls).
#include "cmon_mcp/cmon/rsa.hpp"

#include <memory>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

namespace cmon_mcp::cmon {

namespace {

struct PkeyFree {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
struct MdCtxFree {
  void operator()(EVP_MD_CTX* p) const { EVP_MD_CTX_free(p); }
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyFree>;

Expected<PkeyPtr, std::string> load_key(std::string_view pem) {
  ERR_clear_error();
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())),
                                                &BIO_free);
  if (!bio) return unexpected(std::string("out of memory reading the private key"));
  // An empty passphrase callback: an encrypted key fails instead of prompting on the terminal.
  auto no_passphrase = [](char*, int, int, void*) -> int { return 0; };
  PkeyPtr key(PEM_read_bio_PrivateKey(bio.get(), nullptr, no_passphrase, nullptr));
  ERR_clear_error();
  if (!key)
    return unexpected(
        std::string("the CMON key is not an unencrypted PEM private key (expected BEGIN RSA PRIVATE KEY or "
                    "BEGIN PRIVATE KEY)"));
  if (EVP_PKEY_get_base_id(key.get()) != EVP_PKEY_RSA)
    return unexpected(std::string("the CMON key is not an RSA key (CMON verifies RSA signatures only)"));
  return key;
}

}  // namespace

std::string base64_encode(std::string_view bytes) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    unsigned v = (static_cast<unsigned char>(bytes[i]) << 16) |
                 (static_cast<unsigned char>(bytes[i + 1]) << 8) | static_cast<unsigned char>(bytes[i + 2]);
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += kAlphabet[v & 63];
  }
  if (std::size_t rest = bytes.size() - i; rest > 0) {
    unsigned v = static_cast<unsigned char>(bytes[i]) << 16;
    if (rest == 2) v |= static_cast<unsigned char>(bytes[i + 1]) << 8;
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += rest == 2 ? kAlphabet[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

Expected<bool, std::string> check_private_key(std::string_view pem) {
  auto key = load_key(pem);
  if (!key) return unexpected(key.error());
  return true;
}

Expected<std::string, std::string> sign_challenge(std::string_view private_key_pem,
                                                  std::string_view challenge) {
  auto key = load_key(private_key_pem);
  if (!key) return unexpected(key.error());
  std::unique_ptr<EVP_MD_CTX, MdCtxFree> ctx(EVP_MD_CTX_new());
  EVP_PKEY_CTX* pctx = nullptr;
  std::size_t len = 0;
  // RSA keys default to PKCS#1 v1.5 padding; set it anyway so a changed OpenSSL default cannot
  // silently switch to PSS, which CMON does not accept.
  bool ok = ctx && EVP_DigestSignInit(ctx.get(), &pctx, EVP_sha256(), nullptr, key->get()) == 1 &&
            EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) == 1 &&
            EVP_DigestSign(ctx.get(), nullptr, &len, reinterpret_cast<const unsigned char*>(challenge.data()),
                           challenge.size()) == 1;
  std::string sig(len, '\0');
  ok = ok && EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &len,
                            reinterpret_cast<const unsigned char*>(challenge.data()), challenge.size()) == 1;
  ERR_clear_error();
  if (!ok) return unexpected(std::string("signing the CMON login challenge failed"));
  sig.resize(len);
  return base64_encode(sig);
}

}  // namespace cmon_mcp::cmon
