// Tolerant readers for CMON reply objects: the one place that knows CMON's quirks (cmon-rpc-v2.md §17):
// numbers and booleans sent as strings, missing or null-studded lists, job_spec as a JSON string,
// case differences in statuses. Tools read replies through these helpers instead of json::at().
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace cmon_mcp::cmon {

using nlohmann::json;

std::string lower(std::string_view s);
std::string upper(std::string_view s);
bool iequals(std::string_view a, std::string_view b);
bool icontains(std::string_view haystack, std::string_view needle);

// Scalars. Each accepts the forms CMON has been seen to send; anything else yields nullopt.
// Integers: numbers (floats truncated), numeric strings ("3306", " 42 "), booleans (0/1).
std::optional<long long> as_int(const json& v);
// Floats: numbers and numeric strings.
std::optional<double> as_double(const json& v);
// Booleans: true/false, numbers (non-zero is true), "true"/"false", "yes"/"no", "on"/"off", "1"/"0".
std::optional<bool> as_bool(const json& v);

// Field readers: obj may be anything (a non-object or a missing key gives the default).
long long get_int(const json& obj, std::string_view key, long long def = 0);
double get_double(const json& obj, std::string_view key, double def = 0.0);
bool get_bool(const json& obj, std::string_view key, bool def = false);
// Strings come back as is; numbers and booleans are rendered ("3306", "true"); null/missing -> def.
std::string get_string(const json& obj, std::string_view key, std::string_view def = {});
// A list that may be missing (empty list omitted by CMON), null, or contain null entries: always an
// array, nulls dropped. A single object where a list was expected becomes a one-element list.
json get_list(const json& obj, std::string_view key);
// The same items in place (no copies) for hot paths that only read them; valid while obj lives.
std::vector<const json*> get_list_refs(const json& obj, std::string_view key);
// An object field, or an empty object when missing or not an object.
json get_object(const json& obj, std::string_view key);
// A host's port, sent as an integer or as a string; def when absent or not a number.
int get_port(const json& obj, std::string_view key = "port", int def = 0);

// Job and log texts carry HTML markup (<strong style=...>, <br/>, &amp;): plain text for the model.
std::string strip_html(std::string_view text);

// Job states: DEFINED, DEQUEUED, RUNNING (also RUNNING2, RUNNING3, RUNNING_EXT), SCHEDULED, PAUSED,
// FINISHED, FAILED, ABORTED; compared case-insensitively.
bool is_job_running(std::string_view status);
bool is_job_terminal(std::string_view status);
bool is_job_pending(std::string_view status);  // DEFINED, DEQUEUED
bool is_job_succeeded(std::string_view status);

// job_spec arrives as an object, as a string holding the JSON object, or as free text (internal
// recovery jobs): always an object; free text becomes {"command": "", "text": "<the text>"}.
json parse_job_spec(const json& v);

// Host status: CmonHostOnline, CmonHostOffLine / CmonHostOffline, CmonHostFailed, ... in any case.
enum class HostStatus { online, offline, failed, recovery, shutdown, unknown };
HostStatus host_status(std::string_view hoststatus);
const char* to_string(HostStatus s);  // "online", "offline", ...
// The canonical CMON spelling (CmonHostOnline, CmonHostOffLine, ...) for comparisons and output.
std::string canonical_host_status(std::string_view hoststatus);

// What CmonClient applies to every Ok reply before returning it: drops null entries from the reply's
// top-level lists (e.g. "alarms") and turns string job_spec values inside "job"/"jobs" into objects.
void normalize_reply(json& reply);

}  // namespace cmon_mcp::cmon
