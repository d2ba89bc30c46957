// The set of tools a server offers, in a stable order, with the operator's policy applied in one place.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "cmon_mcp/tools/action.hpp"
#include "cmon_mcp/tools/tool.hpp"

namespace cmon_mcp::tools {

// Operator policy, an upper bound no request can relax. Evaluated in this order:
// 1. read_only hides every W and D tool; 2. deny patterns remove tools; 3. a non-empty allow list keeps
// only what it names. Patterns are tool names, group names ("backups") or globs ("*_backup*").
// `safety` governs how the W and D tools that remain callable run (confirmation, backup guard,
// duplicates window).
struct Policy {
  bool read_only = false;
  std::vector<std::string> allow;
  std::vector<std::string> deny;
  SafetySettings safety;
};

class Registry {
 public:
  Registry();
  // Adds a tool; throws std::logic_error on a duplicate or malformed name, an R tool without a handler or
  // a W/D tool without an action (programming errors). A W/D tool gets the common action arguments and
  // the safety pipeline as its handler.
  void add(ToolDefinition def);

  // Applies `policy`: tools it excludes are neither listed nor callable.
  void set_policy(Policy policy);
  const Policy& policy() const { return policy_; }

  // The callable tools, in registration order.
  std::vector<const ToolDefinition*> list() const;
  // A callable tool by name, or nullptr (also for tools the policy hides).
  const ToolDefinition* find(std::string_view name) const;
  // Every registered tool, whatever the policy (for docs and snapshots).
  const std::vector<ToolDefinition>& all() const { return tools_; }

  bool allowed(const ToolDefinition& def) const;

  // Allow/deny patterns that match no registered tool or group: almost certainly typos, which must not
  // silently widen or narrow what is callable. The app refuses to start on them.
  std::vector<std::string> unmatched_patterns() const;

 private:
  std::vector<ToolDefinition> tools_;
  std::map<std::string, size_t, std::less<>> index_;
  Policy policy_;
  std::shared_ptr<ActionState> action_state_;
};

// True when `pattern` (exact name, group, or glob with * and ?) matches the tool.
bool policy_pattern_matches(std::string_view pattern, const ToolDefinition& def);

}  // namespace cmon_mcp::tools
