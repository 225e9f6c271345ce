// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

/// @title TestToken
/// @notice A plain ERC-20 for the token-transfer workload. The deployer is the owner and the only
/// minter; `mintBatch` funds many test accounts in one transaction.
/// Measured gas (solc 0.8.37 paris, optimizer 200, anvil 1.7.1; printed by test/contracts.test.ts):
/// deploy ~485k; transfer ~34k; mint ~68k; mintBatch of 100 new holders ~2.53M (~25k each).
contract TestToken {
    string public constant name = "klayworker Test Token";
    string public constant symbol = "KWT";
    uint8 public constant decimals = 18;

    address public immutable owner;
    uint256 public totalSupply;
    mapping(address => uint256) public balanceOf;
    mapping(address => mapping(address => uint256)) public allowance;

    event Transfer(address indexed from, address indexed to, uint256 value);
    event Approval(address indexed owner, address indexed spender, uint256 value);

    error NotOwner();
    error InsufficientBalance(uint256 balance, uint256 needed);
    error InsufficientAllowance(uint256 allowance, uint256 needed);
    error ZeroAddress();

    constructor() {
        owner = msg.sender;
    }

    function transfer(address to, uint256 value) external returns (bool) {
        _transfer(msg.sender, to, value);
        return true;
    }

    function approve(address spender, uint256 value) external returns (bool) {
        allowance[msg.sender][spender] = value;
        emit Approval(msg.sender, spender, value);
        return true;
    }

    function transferFrom(address from, address to, uint256 value) external returns (bool) {
        uint256 allowed = allowance[from][msg.sender];
        if (allowed != type(uint256).max) {
            if (allowed < value) revert InsufficientAllowance(allowed, value);
            unchecked {
                allowance[from][msg.sender] = allowed - value;
            }
        }
        _transfer(from, to, value);
        return true;
    }

    function mint(address to, uint256 value) external {
        if (msg.sender != owner) revert NotOwner();
        _mint(to, value);
    }

    /// Gives `valueEach` to every address in `to`: about 25k gas per address that held nothing
    /// before, so batches of a few hundred stay far below a 30M block.
    function mintBatch(address[] calldata to, uint256 valueEach) external {
        if (msg.sender != owner) revert NotOwner();
        for (uint256 i = 0; i < to.length; i++) {
            _mint(to[i], valueEach);
        }
    }

    function _mint(address to, uint256 value) private {
        if (to == address(0)) revert ZeroAddress();
        totalSupply += value;
        unchecked {
            // Cannot overflow: no balance exceeds totalSupply, which was just checked.
            balanceOf[to] += value;
        }
        emit Transfer(address(0), to, value);
    }

    function _transfer(address from, address to, uint256 value) private {
        if (to == address(0)) revert ZeroAddress();
        uint256 balance = balanceOf[from];
        if (balance < value) revert InsufficientBalance(balance, value);
        unchecked {
            balanceOf[from] = balance - value;
            balanceOf[to] += value;
        }
        emit Transfer(from, to, value);
    }
}
