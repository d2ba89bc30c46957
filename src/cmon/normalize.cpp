// Tolerant readers for CMON's reply quirks (cmon-rpc-v2.md §17).
#include "cmon_mcp/cmon/normalize.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdlib>

#include "cmon_mcp/util/json_parse.hpp"

namespace cmon_mcp::cmon {

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

const json* find(const json& obj, std::string_view key) {
  if (!obj.is_object()) return nullptr;
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return nullptr;
  return &*it;
}

}  // namespace

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::string upper(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return out;
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(),
                    [](unsigned char x, unsigned char y) { return std::tolower(x) == std::tolower(y); });
}

bool icontains(std::string_view haystack, std::string_view needle) {
  return lower(haystack).find(lower(needle)) != std::string::npos;
}

std::optional<long long> as_int(const json& v) {
  if (v.is_number_integer()) return v.get<long long>();
  if (v.is_number_float()) {
    double d = v.get<double>();
    if (!std::isfinite(d)) return std::nullopt;
    return static_cast<long long>(d);
  }
  if (v.is_boolean()) return v.get<bool>() ? 1 : 0;
  if (v.is_string()) {
    auto s = trim(v.get_ref<const std::string&>());
    if (!s.empty() && s.front() == '+') s.remove_prefix(1);
    long long out = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    if (ec == std::errc() && p == s.data() + s.size() && !s.empty()) return out;
    // "12.0" and the like
    if (auto d = as_double(v)) return static_cast<long long>(*d);
  }
  return std::nullopt;
}

std::optional<double> as_double(const json& v) {
  if (v.is_number()) return v.get<double>();
  if (v.is_boolean()) return v.get<bool>() ? 1.0 : 0.0;
  if (v.is_string()) {
    std::string s(trim(v.get_ref<const std::string&>()));
    if (s.empty()) return std::nullopt;
    char* end = nullptr;
    double d = std::strtod(s.c_str(), &end);
    if (end == s.c_str() + s.size() && std::isfinite(d)) return d;
  }
  return std::nullopt;
}

std::optional<bool> as_bool(const json& v) {
  if (v.is_boolean()) return v.get<bool>();
  if (v.is_number()) return v.get<double>() != 0.0;
  if (v.is_string()) {
    auto s = lower(trim(v.get_ref<const std::string&>()));
    if (s == "true" || s == "yes" || s == "on" || s == "1" || s == "y" || s == "t") return true;
    if (s == "false" || s == "no" || s == "off" || s == "0" || s == "n" || s == "f") return false;
  }
  return std::nullopt;
}

long long get_int(const json& obj, std::string_view key, long long def) {
  const json* v = find(obj, key);
  if (!v) return def;
  return as_int(*v).value_or(def);
}

double get_double(const json& obj, std::string_view key, double def) {
  const json* v = find(obj, key);
  if (!v) return def;
  return as_double(*v).value_or(def);
}

bool get_bool(const json& obj, std::string_view key, bool def) {
  const json* v = find(obj, key);
  if (!v) return def;
  return as_bool(*v).value_or(def);
}

std::string get_string(const json& obj, std::string_view key, std::string_view def) {
  const json* v = find(obj, key);
  if (!v) return std::string(def);
  if (v->is_string()) return v->get<std::string>();
  if (v->is_boolean()) return v->get<bool>() ? "true" : "false";
  if (v->is_number()) return v->dump();
  return std::string(def);
}

std::vector<const json*> get_list_refs(const json& obj, std::string_view key) {
  std::vector<const json*> out;
  const json* v = find(obj, key);
  if (!v) return out;
  if (v->is_object()) {
    out.push_back(v);
    return out;
  }
  if (!v->is_array()) return out;
  out.reserve(v->size());
  for (const auto& item : *v)
    if (!item.is_null()) out.push_back(&item);
  return out;
}

json get_list(const json& obj, std::string_view key) {
  json out = json::array();
  for (const json* item : get_list_refs(obj, key)) out.push_back(*item);
  return out;
}

json get_object(const json& obj, std::string_view key) {
  const json* v = find(obj, key);
  if (v && v->is_object()) return *v;
  return json::object();
}

int get_port(const json& obj, std::string_view key, int def) {
  const json* v = find(obj, key);
  if (!v) return def;
  auto n = as_int(*v);
  if (!n || *n < 0 || *n > 65535) return def;
  return static_cast<int>(*n);
}

std::string strip_html(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  std::size_t i = 0;
  while (i < text.size()) {
    char c = text[i];
    if (c == '<') {
      auto close = text.find('>', i + 1);
      // A lone '<' ("a < b") is text, not a tag.
      bool tag =
          close != std::string_view::npos && i + 1 < text.size() &&
          (std::isalpha(static_cast<unsigned char>(text[i + 1])) || text[i + 1] == '/' || text[i + 1] == '!');
      if (tag) {
        auto name = lower(text.substr(i + 1, close - i - 1));
        if (name.rfind("br", 0) == 0 || name == "/p" || name == "/div" || name == "/li") out += '\n';
        i = close + 1;
        continue;
      }
    } else if (c == '&') {
      static constexpr std::pair<std::string_view, std::string_view> kEntities[] = {
          {"&amp;", "&"}, {"&lt;", "<"},   {"&gt;", ">"},  {"&quot;", "\""},
          {"&#39;", "'"}, {"&apos;", "'"}, {"&nbsp;", " "}};
      bool replaced = false;
      for (auto [entity, plain] : kEntities) {
        if (text.substr(i, entity.size()) == entity) {
          out += plain;
          i += entity.size();
          replaced = true;
          break;
        }
      }
      if (replaced) continue;
    }
    out += c;
    ++i;
  }
  return out;
}

bool is_job_running(std::string_view status) {
  return upper(trim(status)).rfind("RUNNING", 0) == 0;
}

bool is_job_terminal(std::string_view status) {
  auto s = upper(trim(status));
  return s == "FINISHED" || s == "FAILED" || s == "ABORTED";
}

bool is_job_pending(std::string_view status) {
  auto s = upper(trim(status));
  return s == "DEFINED" || s == "DEQUEUED";
}

bool is_job_succeeded(std::string_view status) {
  return upper(trim(status)) == "FINISHED";
}

json parse_job_spec(const json& v) {
  if (v.is_object()) return v;
  if (v.is_string()) {
    const auto& s = v.get_ref<const std::string&>();
    json parsed = util::parse_json(s);  // bounded nesting, like the reply around it
    if (parsed.is_object()) return parsed;
    return json{{"command", ""}, {"text", s}};
  }
  return json::object();
}

HostStatus host_status(std::string_view hoststatus) {
  auto s = lower(trim(hoststatus));
  if (s.rfind("cmonhost", 0) == 0) s.erase(0, 8);
  s.erase(std::remove_if(s.begin(), s.end(), [](char c) { return c == '_' || c == '-' || c == ' '; }),
          s.end());
  if (s == "online") return HostStatus::online;
  if (s == "offline") return HostStatus::offline;
  if (s == "failed") return HostStatus::failed;
  if (s == "recovery") return HostStatus::recovery;
  if (s == "shutdown") return HostStatus::shutdown;
  return HostStatus::unknown;
}

const char* to_string(HostStatus s) {
  switch (s) {
    case HostStatus::online:
      return "online";
    case HostStatus::offline:
      return "offline";
    case HostStatus::failed:
      return "failed";
    case HostStatus::recovery:
      return "recovery";
    case HostStatus::shutdown:
      return "shutdown";
    case HostStatus::unknown:
      return "unknown";
  }
  return "unknown";
}

std::string canonical_host_status(std::string_view hoststatus) {
  switch (host_status(hoststatus)) {
    case HostStatus::online:
      return "CmonHostOnline";
    case HostStatus::offline:
      return "CmonHostOffLine";
    case HostStatus::failed:
      return "CmonHostFailed";
    case HostStatus::recovery:
      return "CmonHostRecovery";
    case HostStatus::shutdown:
      return "CmonHostShutDown";
    case HostStatus::unknown:
      break;
  }
  return "CmonHostUnknown";
}

void normalize_reply(json& reply) {
  if (!reply.is_object()) return;
  auto fix_job = [](json& job) {
    if (!job.is_object()) return;
    auto it = job.find("job_spec");
    if (it != job.end() && it->is_string()) *it = parse_job_spec(*it);
  };
  for (auto& [key, value] : reply.items()) {
    if (value.is_array()) {
      value.erase(std::remove_if(value.begin(), value.end(), [](const json& e) { return e.is_null(); }),
                  value.end());
    }
    if (key == "job") fix_job(value);
    if (key == "jobs" && value.is_array())
      for (auto& job : value) fix_job(job);
  }
}

}  // namespace cmon_mcp::cmon
