// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

/// @title UserStorage
/// @notice One number per sender: `set` is a single warm-or-cold SSTORE, `get` reads it back.
/// Also the contract the read test cases (eth_call, eth_estimateGas, eth_getStorageAt) use.
/// Measured gas (solc 0.8.37 paris, optimizer 200, anvil 1.7.1; printed by test/contracts.test.ts):
/// deploy ~154k; set() first time for a sender ~44k, then ~26k.
contract UserStorage {
    /// Slot 0 holds the deployer, so that eth_getStorageAt(contract, 0) reads a non-zero word.
    address public deployer;
    mapping(address => uint256) private values;

    constructor() {
        deployer = msg.sender;
    }

    function set(uint256 value) external {
        values[msg.sender] = value;
    }

    /// The caller's number (0 for an address that never called `set`).
    function get() external view returns (uint256) {
        return values[msg.sender];
    }

    function valueOf(address user) external view returns (uint256) {
        return values[user];
    }
}
