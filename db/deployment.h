// db: what every host of one deployment must agree on (issue 16, docs/scale-out.md): facts such
// as "secret_sha256" (a fingerprint of the deployment secret, never the secret) and "problems"
// (every problem id with its version). Hidden tests derive their data from the secret and the
// problem version, so a worker that disagrees would grade against different hidden data.
// Stored in table `deployment` (migration 5), one row per fact.
#pragma once

#include <map>
#include <string>

#include "base/status.h"
#include "db/store.h"

namespace db {

using DeploymentFacts = std::map<std::string, std::string>;  // name -> value

// Declares the facts (intake, `grader serve`, at start): recorded, replacing older values.
base::Status RecordDeployment(Store& store, const DeploymentFacts& facts, const std::string& who);

// Checks the facts (a worker, before it takes jobs): a fact nobody recorded yet is recorded
// with ours; one recorded with another value gives kInvalidArgument naming the fact, who
// recorded it, and what to do. kInternal when the database fails.
base::Status CheckDeployment(Store& store, const DeploymentFacts& facts, const std::string& who);

}  // namespace db
