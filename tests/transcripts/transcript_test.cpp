// Replays every tests/transcripts/*.jsonl against the transcript server over stdio.
// Transcript lines:  "> {json}" client sends;  "< {json}" next server message must match (expected
// objects are subsets of the actual ones; "<any>" matches any value; a string "<~>text" matches any
// string containing text);  ". N" wait N ms and require that the server sent nothing meanwhile;
// "# ..." comment.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

using nlohmann::json;

namespace {

class StdioServer {
 public:
  explicit StdioServer(const std::string& path) {
    int in[2], out[2];
    if (pipe(in) != 0 || pipe(out) != 0) throw std::runtime_error("pipe");
    pid_ = fork();
    if (pid_ == 0) {
      dup2(in[0], 0);
      dup2(out[1], 1);
      close(in[1]);
      close(out[0]);
      execl(path.c_str(), path.c_str(), nullptr);
      _exit(127);
    }
    close(in[0]);
    close(out[1]);
    to_ = in[1];
    from_ = out[0];
  }
  ~StdioServer() {
    if (to_ >= 0) close(to_);
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
    close(from_);
  }
  void send(const std::string& line) {
    std::string data = line + "\n";
    ASSERT_EQ(write(to_, data.data(), data.size()), static_cast<ssize_t>(data.size()));
  }
  void close_stdin() {
    close(to_);
    to_ = -1;
  }
  // Next line from stdout, or nullopt after `timeout`.
  std::optional<std::string> next(std::chrono::milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      auto nl = buffer_.find('\n');
      if (nl != std::string::npos) {
        std::string line = buffer_.substr(0, nl);
        buffer_.erase(0, nl + 1);
        return line;
      }
      auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return std::nullopt;
      pollfd p{from_, POLLIN, 0};
      if (poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
      char chunk[4096];
      ssize_t n = read(from_, chunk, sizeof chunk);
      if (n <= 0) return std::nullopt;
      buffer_.append(chunk, static_cast<size_t>(n));
    }
  }
  // Exit status after stdin closed, or -1 if it does not exit within `timeout`.
  int wait_exit(std::chrono::milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      int status = 0;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return -1;
  }

 private:
  pid_t pid_ = -1;
  int to_ = -1;
  int from_ = -1;
  std::string buffer_;
};

bool matches(const json& expected, const json& actual, std::string& why, const std::string& path = "") {
  if (expected.is_string()) {
    const auto& s = expected.get_ref<const std::string&>();
    if (s == "<any>") return true;
    if (s.rfind("<~>", 0) == 0) {
      if (actual.is_string() && actual.get<std::string>().find(s.substr(3)) != std::string::npos) return true;
      why = path + ": expected a string containing '" + s.substr(3) + "', got " + actual.dump();
      return false;
    }
  }
  if (expected.is_object()) {
    if (!actual.is_object()) {
      why = path + ": expected an object, got " + actual.dump();
      return false;
    }
    for (const auto& [k, v] : expected.items()) {
      if (!actual.contains(k)) {
        why = path + "." + k + ": missing";
        return false;
      }
      if (!matches(v, actual[k], why, path + "." + k)) return false;
    }
    return true;
  }
  if (expected.is_array()) {
    if (!actual.is_array() || actual.size() != expected.size()) {
      why = path + ": expected " + expected.dump() + ", got " + actual.dump();
      return false;
    }
    for (size_t i = 0; i < expected.size(); ++i)
      if (!matches(expected[i], actual[i], why, path + "[" + std::to_string(i) + "]")) return false;
    return true;
  }
  if (expected != actual) {
    why = path + ": expected " + expected.dump() + ", got " + actual.dump();
    return false;
  }
  return true;
}

std::vector<std::string> transcripts() {
  std::vector<std::string> out;
  for (const auto& e : std::filesystem::directory_iterator(TRANSCRIPT_DIR))
    if (e.path().extension() == ".jsonl") out.push_back(e.path().filename().string());
  std::sort(out.begin(), out.end());
  return out;
}

class Transcript : public ::testing::TestWithParam<std::string> {};

TEST_P(Transcript, Replays) {
  std::ifstream in(std::string(TRANSCRIPT_DIR) + "/" + GetParam());
  ASSERT_TRUE(in) << GetParam();
  StdioServer server(TRANSCRIPT_SERVER);
  std::string line;
  int line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    if (line.empty() || line[0] == '#') continue;
    std::string where = GetParam() + ":" + std::to_string(line_no);
    if (line.rfind("> ", 0) == 0) {
      server.send(line.substr(2));
    } else if (line.rfind("< ", 0) == 0) {
      json expected = json::parse(line.substr(2));
      auto got = server.next(std::chrono::seconds(10));
      ASSERT_TRUE(got) << where << ": no message from the server; expected " << expected.dump();
      json actual;
      ASSERT_NO_THROW(actual = json::parse(*got)) << where << ": server sent non-JSON: " << *got;
      std::string why;
      EXPECT_TRUE(matches(expected, actual, why)) << where << why << "\n  actual: " << actual.dump();
    } else if (line.rfind(". ", 0) == 0) {
      auto got = server.next(std::chrono::milliseconds(std::stoi(line.substr(2))));
      EXPECT_FALSE(got) << where << ": expected silence, got " << got.value_or("");
    } else if (line == "EOF") {
      server.close_stdin();
      EXPECT_EQ(server.wait_exit(std::chrono::seconds(10)), 0)
          << where << ": server did not exit cleanly on EOF";
    } else {
      FAIL() << where << ": unknown transcript line";
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Stdio, Transcript, ::testing::ValuesIn(transcripts()), [](const auto& info) {
  std::string n = info.param.substr(0, info.param.size() - 6);
  for (auto& c : n)
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  return n;
});

}  // namespace
