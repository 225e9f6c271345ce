// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

/// @title LargeMemo
/// @notice Stores one caller-supplied string: the cost grows with its length (one storage slot
/// per 32 bytes), which makes large calldata and many slot writes per transaction.
/// Measured gas (solc 0.8.37 paris, optimizer 200, anvil 1.7.1; printed by test/contracts.test.ts):
/// deploy ~244k; setName(1,999 chars) ~1.47M into empty slots, ~377k overwriting; the
/// reference workload's 50-1,999 chars stays below 1.5M.
contract LargeMemo {
    string public name;

    function setName(string calldata newName) external {
        name = newName;
    }
}
