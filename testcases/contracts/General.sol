// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

/// @title General
/// @notice The target of the Ethereum typed-transaction workloads (transfer / deploy / call mix):
/// `reward` is a cheap call that still writes state, so a block of them exercises the storage
/// trie rather than just the signature check.
/// Measured gas (solc 0.8.37 paris, optimizer 200, anvil 1.7.1; printed by test/contracts.test.ts):
/// deploy ~148k; reward(receiver never rewarded before) with 2 wei ~68k.
contract General {
    /// Calls credited to each receiver.
    mapping(address => uint256) public rewardCount;
    /// Wei sent along with `reward` calls, all receivers together.
    uint256 public totalValue;

    event Rewarded(address indexed receiver, uint256 value);

    /// Payable because the reference workload attaches 0-2 wei to some calls.
    function reward(address receiver) external payable {
        rewardCount[receiver] += 1;
        totalValue += msg.value;
        emit Rewarded(receiver, msg.value);
    }
}
