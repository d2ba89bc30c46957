#include "cmon_sim/engine.hpp"
namespace cmon_sim {
void register_backup_operations(Engine&, std::vector<OperationSpec>&) {}
void register_user_operations(Engine&, std::vector<OperationSpec>&) {}
void register_monitoring_operations(Engine&, std::vector<OperationSpec>&) {}
void register_misc_operations(Engine&, std::vector<OperationSpec>&) {}
}  // namespace cmon_sim
