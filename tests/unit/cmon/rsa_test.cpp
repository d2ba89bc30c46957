// RSA challenge signing, verified independently with OpenSSL's verifier (PKCS#1 v1.5, SHA-256).
#include "cmon_mcp/cmon/rsa.hpp"

#include <memory>
#include <string>

#include <gtest/gtest.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

namespace cmon_mcp::cmon {
namespace {

using Pkey = std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)>;

std::string bio_text(BIO* bio) {
  char* data = nullptr;
  long n = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<std::size_t>(n));
}

std::string pem_of(EVP_PKEY* key, bool pkcs8) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), &BIO_free);
  int ok = pkcs8
               ? PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr)
               : PEM_write_bio_PrivateKey_traditional(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr);
  EXPECT_EQ(ok, 1);
  return bio_text(bio.get());
}

std::string base64_decode(const std::string& text) {
  std::string out(text.size(), '\0');
  int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(text.data()), static_cast<int>(text.size()));
  EXPECT_GE(n, 0);
  std::size_t pad = 0;
  if (!text.empty() && text.back() == '=') ++pad;
  if (text.size() > 1 && text[text.size() - 2] == '=') ++pad;
  out.resize(static_cast<std::size_t>(n) - pad);
  return out;
}

bool verify(EVP_PKEY* key, const std::string& message, const std::string& signature, int padding) {
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  EVP_PKEY_CTX* pctx = nullptr;
  if (EVP_DigestVerifyInit(ctx.get(), &pctx, EVP_sha256(), nullptr, key) != 1) return false;
  if (EVP_PKEY_CTX_set_rsa_padding(pctx, padding) != 1) return false;
  return EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()),
                          signature.size(), reinterpret_cast<const unsigned char*>(message.data()),
                          message.size()) == 1;
}

class RsaSign : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { key_ = EVP_RSA_gen(2048); }
  static void TearDownTestSuite() { EVP_PKEY_free(key_); }
  static EVP_PKEY* key_;
};
EVP_PKEY* RsaSign::key_ = nullptr;

TEST(Base64, Rfc4648Vectors) {
  EXPECT_EQ(base64_encode(""), "");
  EXPECT_EQ(base64_encode("f"), "Zg==");
  EXPECT_EQ(base64_encode("fo"), "Zm8=");
  EXPECT_EQ(base64_encode("foo"), "Zm9v");
  EXPECT_EQ(base64_encode("foob"), "Zm9vYg==");
  EXPECT_EQ(base64_encode("fooba"), "Zm9vYmE=");
  EXPECT_EQ(base64_encode("foobar"), "Zm9vYmFy");
  EXPECT_EQ(base64_encode(std::string("\xfb\xff\xbf", 3)), "+/+/");
}

TEST_F(RsaSign, Pkcs1PemSignatureVerifiesWithPkcs1v15Sha256) {
  ASSERT_NE(key_, nullptr);
  std::string pem = pem_of(key_, false);
  ASSERT_NE(pem.find("BEGIN RSA PRIVATE KEY"), std::string::npos);
  const std::string challenge = "d1e5a7c2-5b1f-4d0e-9a44-2f6c1b8e0d93";
  auto sig = sign_challenge(pem, challenge);
  ASSERT_TRUE(sig) << sig.error();
  EXPECT_EQ(sig->size(), 344u);  // 256 bytes, standard Base64, padded
  EXPECT_EQ(sig->find('\n'), std::string::npos);
  std::string raw = base64_decode(*sig);
  ASSERT_EQ(raw.size(), 256u);
  EXPECT_TRUE(verify(key_, challenge, raw, RSA_PKCS1_PADDING));
  EXPECT_FALSE(verify(key_, challenge + "x", raw, RSA_PKCS1_PADDING));
  EXPECT_FALSE(verify(key_, challenge, raw, RSA_PKCS1_PSS_PADDING));
}

TEST_F(RsaSign, Pkcs8PemGivesTheSameDeterministicSignature) {
  std::string pkcs1 = pem_of(key_, false), pkcs8 = pem_of(key_, true);
  ASSERT_NE(pkcs8.find("BEGIN PRIVATE KEY"), std::string::npos);
  auto a = sign_challenge(pkcs1, "challenge");
  auto b = sign_challenge(pkcs8, "challenge");
  ASSERT_TRUE(a && b);
  EXPECT_EQ(*a, *b);
  EXPECT_TRUE(check_private_key(pkcs8));
}

TEST(RsaSignErrors, RejectsGarbageAndNonRsaKeysWithoutQuotingThem) {
  auto bad = sign_challenge("-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----\n", "c");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().find("not an unencrypted PEM private key"), std::string::npos);
  EXPECT_EQ(bad.error().find("not a key"), std::string::npos);

  Pkey ec(EVP_EC_gen("P-256"), &EVP_PKEY_free);
  ASSERT_TRUE(ec);
  auto ec_sig = sign_challenge(pem_of(ec.get(), true), "c");
  ASSERT_FALSE(ec_sig);
  EXPECT_NE(ec_sig.error().find("not an RSA key"), std::string::npos);
}

}  // namespace
}  // namespace cmon_mcp::cmon
