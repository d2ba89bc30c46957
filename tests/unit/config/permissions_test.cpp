// Start-up warnings for secret-bearing files that every local user can read.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "cmon_mcp/config/config.hpp"

using namespace cmon_mcp;

namespace {

struct TempDir {
  std::filesystem::path path;
  TempDir() {
    char tmpl[] = "/tmp/cmon-mcp-perm-XXXXXX";
    path = ::mkdtemp(tmpl);
  }
  ~TempDir() { std::filesystem::remove_all(path); }
  std::string file(const std::string& name, mode_t mode) const {
    auto p = (path / name).string();
    std::ofstream(p) << "secret\n";
    ::chmod(p.c_str(), mode);
    return p;
  }
};

}  // namespace

TEST(PermissionWarnings, WorldReadableSecretsAreNamedWithTheFix) {
  TempDir dir;
  config::Config c;
  std::string env = dir.file("env", 0644);
  c.cmon_key_file = dir.file("key.pem", 0604);
  c.cmon_password_file = dir.file("pw", 0640);
  c.tls_key = dir.file("tls.key", 0600);
  auto w = config::permission_warnings(c, env);
  ASSERT_EQ(w.size(), 2u);
  EXPECT_NE(w[0].find("environment file " + env), std::string::npos) << w[0];
  EXPECT_NE(w[0].find("mode 0644"), std::string::npos) << w[0];
  EXPECT_NE(w[0].find("chmod o-r " + env), std::string::npos) << w[0];
  EXPECT_NE(w[1].find("CMON_KEY_FILE " + c.cmon_key_file), std::string::npos) << w[1];
  EXPECT_NE(w[1].find("mode 0604"), std::string::npos) << w[1];
}

TEST(PermissionWarnings, PrivateOrMissingFilesAreQuiet) {
  TempDir dir;
  config::Config c;
  c.cmon_password_file = dir.file("pw", 0640);
  c.cmon_key_file = (dir.path / "missing.pem").string();
  EXPECT_TRUE(config::permission_warnings(c, dir.file("env", 0600)).empty());
  EXPECT_TRUE(config::permission_warnings(c, (dir.path / "no-env").string()).empty());
  // A world-readable password file is reported too.
  ::chmod(c.cmon_password_file.c_str(), 0644);
  EXPECT_EQ(config::permission_warnings(c, "").size(), 1u);
}
