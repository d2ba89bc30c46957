// Helpers shared by the simulator tests: RSA keys made with the OpenSSL API, signing, a logged-in
// client, and polling a job until it ends.
#pragma once

#include <openssl/evp.h>
#include <openssl/pem.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

#include <openssl/encoder.h>

#include "rpc_client.hpp"
#include "sim_process.hpp"

namespace simtest {

using nlohmann::json;

struct RsaKey {
  EVP_PKEY* key = nullptr;
  RsaKey() : key(EVP_RSA_gen(2048)) {}
  ~RsaKey() { EVP_PKEY_free(key); }
  RsaKey(const RsaKey&) = delete;
  RsaKey& operator=(const RsaKey&) = delete;

  // "BEGIN RSA PUBLIC KEY" (PKCS#1), the form s9s registers.
  std::string pkcs1_public_pem() const {
    OSSL_ENCODER_CTX* ctx =
        OSSL_ENCODER_CTX_new_for_pkey(key, EVP_PKEY_PUBLIC_KEY, "PEM", "type-specific", nullptr);
    unsigned char* data = nullptr;
    size_t len = 0;
    OSSL_ENCODER_to_data(ctx, &data, &len);
    OSSL_ENCODER_CTX_free(ctx);
    std::string out(reinterpret_cast<char*>(data), len);
    OPENSSL_free(data);
    return out;
  }
  // "BEGIN PUBLIC KEY" (SPKI), what `openssl rsa -pubout` writes.
  std::string spki_public_pem() const {
    BIO* bio = BIO_new(BIO_s_mem());
    PEM_write_bio_PUBKEY(bio, key);
    char* p = nullptr;
    long n = BIO_get_mem_data(bio, &p);
    std::string out(p, static_cast<size_t>(n));
    BIO_free(bio);
    return out;
  }
  // RSASSA-PKCS1-v1_5 / SHA-256, standard Base64 without line breaks.
  std::string sign_b64(const std::string& msg) const {
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    EVP_DigestSignInit(ctx, nullptr, EVP_sha256(), nullptr, key);
    size_t len = 0;
    EVP_DigestSign(ctx, nullptr, &len, reinterpret_cast<const unsigned char*>(msg.data()), msg.size());
    std::string sig(len, '\0');
    EVP_DigestSign(ctx, reinterpret_cast<unsigned char*>(sig.data()), &len,
                   reinterpret_cast<const unsigned char*>(msg.data()), msg.size());
    EVP_MD_CTX_free(ctx);
    sig.resize(len);
    std::string b64(4 * ((len + 2) / 3) + 1, '\0');
    int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(b64.data()),
                            reinterpret_cast<const unsigned char*>(sig.data()), static_cast<int>(len));
    b64.resize(static_cast<size_t>(n));
    return b64;
  }
};

inline std::string write_temp(const std::string& name, const std::string& text) {
  auto path = std::filesystem::temp_directory_path() / (name + "-" + std::to_string(::getpid()));
  std::ofstream(path) << text;
  return path.string();
}

// Polls getJobInstance until the job leaves DEFINED/RUNNING (or 20 s pass).
inline json wait_job(cmon_mcp::test::RpcClient& c, int64_t job_id) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  json job;
  while (std::chrono::steady_clock::now() < deadline) {
    auto r = c.call("/v2/jobs", {{"operation", "getJobInstance"}, {"job_id", job_id}});
    if (!r.ok()) return r.json;
    job = r.json["job"];
    std::string st = job.value("status", "");
    if (st == "FINISHED" || st == "FAILED" || st == "ABORTED") return job;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return job;
}

inline json create_job(cmon_mcp::test::RpcClient& c, int64_t cluster_id, const std::string& command,
                       const json& data) {
  return c
      .call("/v2/jobs", {{"operation", "createJobInstance"},
                         {"cluster_id", cluster_id},
                         {"job",
                          {{"class_name", "CmonJobInstance"},
                           {"title", command},
                           {"job_spec", {{"command", command}, {"job_data", data}}}}}})
      .json;
}

}  // namespace simtest
