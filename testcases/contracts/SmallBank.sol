// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

/// @title SmallBank
/// @notice BlockBench's SmallBank workload: a savings and a checking balance per customer,
/// keyed by name, and the benchmark's six operations on them. The operations are BlockBench's;
/// an amount a balance cannot cover reverts (checked arithmetic) where BlockBench's Solidity 0.4
/// wrapped around.
/// Measured gas (solc 0.8.37 paris, optimizer 200, anvil 1.7.1; printed by test/contracts.test.ts):
/// deploy ~368k; each operation on "user<n>" names with amount 0 (as the Go tools send) ~25-32k.
contract SmallBank {
    mapping(string => uint256) private savings;
    mapping(string => uint256) private checking;

    /// Moves all of `from`'s savings and `to`'s checking into `to`'s savings; `from`'s checking is emptied.
    function almagate(string calldata from, string calldata to) external {
        uint256 total = savings[from] + checking[to];
        checking[from] = 0;
        savings[to] = total;
    }

    function getBalance(string calldata customer) external view returns (uint256 balance) {
        balance = savings[customer] + checking[customer];
    }

    function updateBalance(string calldata customer, uint256 amount) external {
        checking[customer] += amount;
    }

    function updateSaving(string calldata customer, uint256 amount) external {
        savings[customer] += amount;
    }

    function sendPayment(string calldata from, string calldata to, uint256 amount) external {
        checking[from] -= amount;
        checking[to] += amount;
    }

    /// A check drawn on the checking balance; one the two balances together cannot cover costs 1
    /// more, as H-Store's SmallBank defines it (BlockBench's Solidity port had the test inverted).
    function writeCheck(string calldata customer, uint256 amount) external {
        uint256 balance = checking[customer];
        if (balance + savings[customer] < amount) checking[customer] = balance - amount - 1;
        else checking[customer] = balance - amount;
    }
}
