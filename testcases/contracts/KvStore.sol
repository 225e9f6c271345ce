// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

/// @title KvStore
/// @notice BlockBench's YCSB workload: a string-to-string store; `set` writes a key, `get` (an
/// eth_call) reads it.
/// Measured gas (solc 0.8.37 paris, optimizer 200, anvil 1.7.1; printed by test/contracts.test.ts):
/// deploy ~295k; set("user<n>", a value under 32 bytes) ~46k for a new key, ~28k for another value.
contract KvStore {
    mapping(string => string) private store;

    function set(string calldata key, string calldata value) external {
        store[key] = value;
    }

    function get(string calldata key) external view returns (string memory) {
        return store[key];
    }
}
