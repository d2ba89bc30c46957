// Tool registration and the operator policy (read-only, deny, allow), applied here and nowhere else.
#include "cmon_mcp/tools/registry.hpp"

#include <cctype>
#include <stdexcept>

namespace cmon_mcp::tools {

namespace {

bool glob_match(std::string_view pattern, std::string_view text) {
  // Iterative glob with backtracking over the last '*'.
  size_t p = 0, t = 0, star = std::string_view::npos, mark = 0;
  while (t < text.size()) {
    if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == text[t])) {
      ++p, ++t;
    } else if (p < pattern.size() && pattern[p] == '*') {
      star = p++, mark = t;
    } else if (star != std::string_view::npos) {
      p = star + 1, t = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

bool valid_tool_name(std::string_view name) {
  if (name.empty() || name.size() > 128) return false;
  for (char c : name)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.')) return false;
  return true;
}

}  // namespace

bool policy_pattern_matches(std::string_view pattern, const ToolDefinition& def) {
  return glob_match(pattern, def.name) || (!def.group.empty() && pattern == def.group);
}

Registry::Registry() : action_state_(std::make_shared<ActionState>()) {}

void Registry::add(ToolDefinition def) {
  if (!valid_tool_name(def.name)) throw std::logic_error("invalid tool name '" + def.name + "'");
  if (index_.count(def.name)) throw std::logic_error("duplicate tool '" + def.name + "'");
  if (!def.input_schema.is_object() || def.input_schema.value("type", "") != "object")
    throw std::logic_error("tool '" + def.name + "' input schema must be an object schema");
  if (!def.input_schema.contains("properties")) def.input_schema["properties"] = json::object();
  if (def.tool_class == ToolClass::read) {
    if (!def.handler || def.action) throw std::logic_error("read tool '" + def.name + "' needs a handler");
  } else {
    // Every state-changing tool runs through the one safety pipeline: no W/D tool has its own handler.
    if (def.handler || !def.action || !def.action->plan)
      throw std::logic_error("W/D tool '" + def.name + "' needs an action and no handler");
    add_action_arguments(def);
    def.handler = make_action_handler(def, action_state_);
  }
  index_.emplace(def.name, tools_.size());
  tools_.push_back(std::move(def));
}

void Registry::set_policy(Policy policy) {
  policy_ = std::move(policy);
  action_state_->set_settings(policy_.safety);
}

bool Registry::allowed(const ToolDefinition& def) const {
  if (policy_.read_only && def.tool_class != ToolClass::read) return false;
  for (const auto& p : policy_.deny)
    if (policy_pattern_matches(p, def)) return false;
  if (policy_.allow.empty()) return true;
  for (const auto& p : policy_.allow)
    if (policy_pattern_matches(p, def)) return true;
  return false;
}

std::vector<std::string> Registry::unmatched_patterns() const {
  std::vector<std::string> out;
  for (const auto* list : {&policy_.allow, &policy_.deny})
    for (const auto& p : *list) {
      bool any = false;
      for (const auto& t : tools_) any = any || policy_pattern_matches(p, t);
      if (!any) out.push_back(p);
    }
  return out;
}

std::vector<const ToolDefinition*> Registry::list() const {
  std::vector<const ToolDefinition*> out;
  for (const auto& t : tools_)
    if (allowed(t)) out.push_back(&t);
  return out;
}

const ToolDefinition* Registry::find(std::string_view name) const {
  auto it = index_.find(name);
  if (it == index_.end()) return nullptr;
  const auto& def = tools_[it->second];
  return allowed(def) ? &def : nullptr;
}

}  // namespace cmon_mcp::tools
