// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

import {TestNft} from "TestNft.sol";

/// @title CardNft
/// @notice The "card" of the Go tools' internalTxTC and mintNFTTC: TestNft's ERC-721, with a
/// `mintCard` anyone may call that mints the next id to the caller.
/// Measured gas (solc 0.8.37 paris, optimizer 200, anvil 1.7.1; printed by test/contracts.test.ts):
/// deploy ~836k; mintCard() ~73k for a caller's first card, ~56k after.
contract CardNft is TestNft {
    function mintCard() external returns (uint256 id) {
        id = mintNext(msg.sender);
    }
}
