// A small CMON world for tool tests, one cluster per type the simulator's fixture has: Percona Galera,
// MariaDB replication, PostgreSQL, TimescaleDB, MongoDB replica set, sharded MongoDB, SQL Server AO and
// Redis Sentinel. Replies follow the shapes of cmon-rpc-v2.md.
#pragma once

#include "fake_cmon.hpp"

namespace cmon_mcp::test {

// Cluster ids in the world: 1 galera, 2 mariadb replication, 3 postgresql, 4 timescaledb, 5 mongo replica
// set, 6 sharded mongo, 7 sql server, 8 redis.
inline constexpr int kClusterIds[] = {1, 2, 3, 4, 5, 6, 7, 8};

void install_world(FakeCmon& cmon);

}  // namespace cmon_mcp::test
