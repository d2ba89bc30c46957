// fork/exec of cmon-sim with a stdout pipe, and a minimal blocking HTTP client for its admin API.
#include "sim_process.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <stdexcept>
#include <thread>

namespace cmon_mcp::test {
namespace {

using Clock = std::chrono::steady_clock;

// Reads one line from fd with a deadline; false on EOF or timeout.
bool read_line(int fd, std::string& line, Clock::time_point deadline) {
  line.clear();
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) return false;
    pollfd p{fd, POLLIN, 0};
    int r = ::poll(&p, 1, static_cast<int>(left));
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return false;
    char ch;
    ssize_t n = ::read(fd, &ch, 1);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    if (ch == '\n') return true;
    line += ch;
  }
}

uint16_t port_of(const std::string& url) {
  auto colon = url.rfind(':');
  if (colon == std::string::npos) return 0;
  return static_cast<uint16_t>(std::stoi(url.substr(colon + 1)));
}

}  // namespace

std::string SimProcess::default_binary() {
#ifdef CMON_MCP_SIM_BINARY
  return CMON_MCP_SIM_BINARY;
#else
  return "cmon-sim";
#endif
}

SimProcess::SimProcess(std::vector<std::string> extra_args, std::string binary) {
  if (binary.empty()) binary = default_binary();
  std::vector<std::string> args = {binary, "--bind", "127.0.0.1:0"};
  args.insert(args.end(), extra_args.begin(), extra_args.end());
  int out[2];
  if (::pipe(out) != 0) throw std::runtime_error("pipe failed");
  pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    ::dup2(out[1], STDOUT_FILENO);
    ::close(out[0]);
    ::close(out[1]);
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execv(argv[0], argv.data());
    std::fprintf(stderr, "cannot exec %s: %s\n", argv[0], std::strerror(errno));
    ::_exit(127);
  }
  ::close(out[1]);
  pid_ = pid;
  stdout_fd_ = out[0];
  auto deadline = Clock::now() + std::chrono::seconds(30);
  std::string l1, l2, l3;
  if (!read_line(stdout_fd_, l1, deadline) || !read_line(stdout_fd_, l2, deadline) ||
      !read_line(stdout_fd_, l3, deadline)) {
    stop();
    throw std::runtime_error("cmon-sim (" + binary + ") did not start; exit status " +
                             std::to_string(exit_status_));
  }
  const std::string p1 = "listening on ", p2 = "admin on ", p3 = "tls sha256 fingerprint ";
  if (l1.rfind(p1, 0) != 0 || l2.rfind(p2, 0) != 0 || l3.rfind(p3, 0) != 0) {
    stop();
    throw std::runtime_error("unexpected cmon-sim start-up output: " + l1 + " | " + l2 + " | " + l3);
  }
  endpoint_ = l1.substr(p1.size());
  admin_url_ = l2.substr(p2.size());
  fingerprint_ = l3.substr(p3.size());
  port_ = port_of(endpoint_);
  admin_port_ = port_of(admin_url_);
}

SimProcess::~SimProcess() {
  stop();
}

void SimProcess::stop() {
  if (pid_ > 0) {
    ::kill(pid_, SIGTERM);
    int status = 0;
    auto deadline = Clock::now() + std::chrono::seconds(5);
    pid_t r = 0;
    while ((r = ::waitpid(pid_, &status, WNOHANG)) == 0 && Clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    if (r == 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, &status, 0);
    }
    exit_status_ = status;
    pid_ = -1;
  }
  if (stdout_fd_ >= 0) {
    ::close(stdout_fd_);
    stdout_fd_ = -1;
  }
}

AdminReply http_request(uint16_t port, const std::string& method, const std::string& target,
                        const std::string& body) {
  AdminReply reply;
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return reply;
  timeval tv{30, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return reply;
  }
  std::string req = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n" +
                    "Content-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
                    "\r\n\r\n" + body;
  size_t sent = 0;
  while (sent < req.size()) {
    ssize_t n = ::send(fd, req.data() + sent, req.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) {
      ::close(fd);
      return reply;
    }
    sent += static_cast<size_t>(n);
  }
  std::string raw;
  char buf[8192];
  for (;;) {
    ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    raw.append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  auto sp = raw.find(' ');
  auto hdr_end = raw.find("\r\n\r\n");
  if (sp == std::string::npos || hdr_end == std::string::npos) return reply;
  reply.status = std::atoi(raw.c_str() + sp + 1);
  reply.body = raw.substr(hdr_end + 4);
  return reply;
}

AdminReply SimProcess::admin(const std::string& method, const std::string& target, const std::string& body) {
  return http_request(admin_port_, method, target, body);
}

namespace {
nlohmann::json expect_ok(const AdminReply& r, const std::string& what) {
  if (r.status != 200)
    throw std::runtime_error("cmon-sim admin " + what + " failed: HTTP " + std::to_string(r.status) + " " +
                             r.body);
  auto j = nlohmann::json::parse(r.body, nullptr, false);
  if (j.is_discarded()) throw std::runtime_error("cmon-sim admin " + what + " returned invalid JSON");
  return j;
}
}  // namespace

void SimProcess::set_fault(const nlohmann::json& fault) {
  expect_ok(admin("POST", "/faults", fault.dump()), "/faults");
}
void SimProcess::expire_sessions() {
  expect_ok(admin("POST", "/sessions/expire"), "/sessions/expire");
}
nlohmann::json SimProcess::stats() {
  return expect_ok(admin("GET", "/stats"), "/stats");
}
void SimProcess::reset_stats() {
  expect_ok(admin("POST", "/stats/reset"), "/stats/reset");
}
nlohmann::json SimProcess::state() {
  return expect_ok(admin("GET", "/state"), "/state");
}
nlohmann::json SimProcess::job_state(int64_t job_id) {
  return expect_ok(admin("GET", "/state/jobs/" + std::to_string(job_id)), "/state/jobs");
}
void SimProcess::config(const nlohmann::json& settings) {
  expect_ok(admin("POST", "/config", settings.dump()), "/config");
}

}  // namespace cmon_mcp::test
