// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

import {CardNft} from "CardNft.sol";

/// @title InternalTx
/// @notice The Go tools' internalTxTC workload: one call that makes four internal transactions.
/// `sendRewards` stands for an invitation: it mints a card to itself (a call into the card
/// contract), passes it on to the invitee (another call, with the receiver check) and pays the
/// invitee and the host their rewards in wei (two value transfers). The call pays exactly the
/// rewards, so nothing stays behind in the contract. The card contract is made by the
/// constructor, so one deployment serves the workload.
/// Measured gas (solc 0.8.37 paris, optimizer 200, anvil 1.7.1; printed by test/contracts.test.ts):
/// deploy ~1.21M (the card contract included); sendRewards(new invitee, new host) with 3 wei ~201k.
contract InternalTx {
    uint256 public constant INVITEE_REWARD = 2;
    uint256 public constant HOST_REWARD = 1;

    CardNft public immutable card;
    uint256 public invitations;
    mapping(address => uint256) public rewardCount;

    event Invited(address indexed invitee, address indexed host, uint256 cardId);

    error WrongValue(uint256 sent, uint256 expected);
    error PaymentFailed(address to);

    constructor() {
        card = new CardNft();
    }

    function sendRewards(address payable invitee, address payable host) external payable {
        if (msg.value != INVITEE_REWARD + HOST_REWARD) revert WrongValue(msg.value, INVITEE_REWARD + HOST_REWARD);
        uint256 id = card.mintCard();
        card.safeTransferFrom(address(this), invitee, id);
        (bool paid,) = invitee.call{value: INVITEE_REWARD}("");
        if (!paid) revert PaymentFailed(invitee);
        (paid,) = host.call{value: HOST_REWARD}("");
        if (!paid) revert PaymentFailed(host);
        rewardCount[host] += 1;
        invitations += 1;
        emit Invited(invitee, host, id);
    }

    /// Cards minted here arrive through the safe path when an invitee is a contract like this one.
    function onERC721Received(address, address, uint256, bytes calldata) external pure returns (bytes4) {
        return this.onERC721Received.selector;
    }
}
