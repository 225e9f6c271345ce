// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

/// @title DoNothing
/// @notice BlockBench's DoNothing workload: a call that runs no code of its own, so a block of
/// them measures what every transaction costs the node (signature, nonce, intrinsic gas, the
/// call frame) and nothing else.
/// Measured gas (solc 0.8.37 paris, optimizer 200, anvil 1.7.1; printed by test/contracts.test.ts):
/// deploy ~75k; nothing() ~21.2k.
contract DoNothing {
    function nothing() external pure {}
}
