// Self-signed certificate generation with the OpenSSL 3 API, all in memory.
#include "cmon_sim/tls.hpp"

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <cstdio>
#include <fstream>
#include <memory>
#include <sstream>

namespace cmon_sim {
namespace {

template <class T, void (*F)(T*)>
struct Deleter {
  void operator()(T* p) const { F(p); }
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY, EVP_PKEY_free>>;
using X509Ptr = std::unique_ptr<X509, Deleter<X509, X509_free>>;
using BioPtr = std::unique_ptr<BIO, Deleter<BIO, BIO_free_all>>;

std::string bio_string(BIO* bio) {
  char* data = nullptr;
  long n = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<size_t>(n));
}

std::string fingerprint_of(X509* cert) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  X509_digest(cert, EVP_sha256(), md, &len);
  std::string out;
  char buf[4];
  for (unsigned int i = 0; i < len; ++i) {
    std::snprintf(buf, sizeof buf, "%02X", md[i]);
    if (i) out += ':';
    out += buf;
  }
  return out;
}

bool add_ext(X509* cert, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
  if (!ext) return false;
  bool ok = X509_add_ext(cert, ext, -1) == 1;
  X509_EXTENSION_free(ext);
  return ok;
}

std::string read_file(const std::string& path, bool& ok) {
  std::ifstream in(path, std::ios::binary);
  ok = static_cast<bool>(in);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

cmon_mcp::Expected<TlsMaterial, std::string> make_self_signed() {
  PkeyPtr key(EVP_RSA_gen(2048));
  if (!key) return cmon_mcp::unexpected(std::string("RSA key generation failed"));
  X509Ptr cert(X509_new());
  X509_set_version(cert.get(), 2);
  // A random serial: clients that cache certificates by issuer+serial must not confuse two runs.
  unsigned char serial_bytes[16];
  FILE* urandom = std::fopen("/dev/urandom", "rb");
  if (urandom) {
    if (std::fread(serial_bytes, 1, sizeof serial_bytes, urandom) != sizeof serial_bytes) serial_bytes[0] = 1;
    std::fclose(urandom);
  }
  serial_bytes[0] &= 0x7f;
  BIGNUM* bn = BN_bin2bn(serial_bytes, sizeof serial_bytes, nullptr);
  BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert.get()));
  BN_free(bn);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 60L * 60 * 24 * 365);
  X509_set_pubkey(cert.get(), key.get());
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("cmon-sim"), -1,
                             -1, 0);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("127.0.0.1"),
                             -1, -1, 0);
  X509_set_issuer_name(cert.get(), name);
  if (!add_ext(cert.get(), NID_subject_alt_name, "IP:127.0.0.1,DNS:localhost") ||
      !add_ext(cert.get(), NID_basic_constraints, "critical,CA:FALSE"))
    return cmon_mcp::unexpected(std::string("cannot add certificate extensions"));
  if (X509_sign(cert.get(), key.get(), EVP_sha256()) == 0)
    return cmon_mcp::unexpected(std::string("certificate signing failed"));

  TlsMaterial m;
  BioPtr cb(BIO_new(BIO_s_mem()));
  PEM_write_bio_X509(cb.get(), cert.get());
  m.cert_pem = bio_string(cb.get());
  BioPtr kb(BIO_new(BIO_s_mem()));
  PEM_write_bio_PrivateKey(kb.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr);
  m.key_pem = bio_string(kb.get());
  m.fingerprint = fingerprint_of(cert.get());
  return m;
}

cmon_mcp::Expected<TlsMaterial, std::string> load_tls_files(const std::string& cert_file,
                                                            const std::string& key_file) {
  bool ok = false;
  TlsMaterial m;
  m.cert_pem = read_file(cert_file, ok);
  if (!ok) return cmon_mcp::unexpected("cannot read certificate file " + cert_file);
  m.key_pem = read_file(key_file, ok);
  if (!ok) return cmon_mcp::unexpected("cannot read key file " + key_file);
  BioPtr cb(BIO_new_mem_buf(m.cert_pem.data(), static_cast<int>(m.cert_pem.size())));
  X509Ptr cert(PEM_read_bio_X509(cb.get(), nullptr, nullptr, nullptr));
  if (!cert) return cmon_mcp::unexpected("no PEM certificate in " + cert_file);
  BioPtr kb(BIO_new_mem_buf(m.key_pem.data(), static_cast<int>(m.key_pem.size())));
  PkeyPtr key(PEM_read_bio_PrivateKey(kb.get(), nullptr, nullptr, nullptr));
  if (!key) return cmon_mcp::unexpected("no unencrypted PEM private key in " + key_file);
  if (X509_check_private_key(cert.get(), key.get()) != 1)
    return cmon_mcp::unexpected(std::string("the TLS key does not match the certificate"));
  m.fingerprint = fingerprint_of(cert.get());
  return m;
}

}  // namespace cmon_sim
