// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

/// Receivers of `safeTransferFrom` must implement this (ERC-721).
interface IERC721Receiver {
    function onERC721Received(address operator, address from, uint256 tokenId, bytes calldata data)
        external
        returns (bytes4);
}

/// @title TestNft
/// @notice A plain ERC-721 for the NFT-transfer workload. The deployer is the owner and the only
/// minter; `mintBatch` gives each of many test accounts a run of consecutive token ids in one
/// transaction, so a test case knows who owns what without reading the chain.
/// Measured gas (solc 0.8.37 paris, optimizer 200, anvil 1.7.1; printed by test/contracts.test.ts):
/// deploy ~785k; transferFrom ~42k; mintBatch(10 owners x 5) ~1.47M (~29k per token).
contract TestNft {
    string public constant name = "klayworker Test NFT";
    string public constant symbol = "KWN";

    address public immutable owner;
    /// The id the next minted token gets; ids start at 1.
    uint256 public nextTokenId = 1;

    mapping(uint256 => address) private owners;
    mapping(address => uint256) public balanceOf;
    mapping(uint256 => address) public getApproved;
    mapping(address => mapping(address => bool)) public isApprovedForAll;

    event Transfer(address indexed from, address indexed to, uint256 indexed tokenId);
    event Approval(address indexed owner, address indexed approved, uint256 indexed tokenId);
    event ApprovalForAll(address indexed owner, address indexed operator, bool approved);

    error NotOwner();
    error NotAuthorized();
    error NoSuchToken(uint256 tokenId);
    error WrongFrom(address from, address tokenOwner);
    error ZeroAddress();
    error UnsafeRecipient(address to);

    constructor() {
        owner = msg.sender;
    }

    function supportsInterface(bytes4 interfaceId) external pure returns (bool) {
        return interfaceId == 0x01ffc9a7 // ERC-165
            || interfaceId == 0x80ac58cd // ERC-721
            || interfaceId == 0x5b5e139f; // ERC-721 metadata (name, symbol, tokenURI)
    }

    function ownerOf(uint256 tokenId) public view returns (address tokenOwner) {
        tokenOwner = owners[tokenId];
        if (tokenOwner == address(0)) revert NoSuchToken(tokenId);
    }

    function tokenURI(uint256 tokenId) external view returns (string memory) {
        ownerOf(tokenId);
        return "";
    }

    function approve(address approved, uint256 tokenId) external {
        address tokenOwner = ownerOf(tokenId);
        if (msg.sender != tokenOwner && !isApprovedForAll[tokenOwner][msg.sender]) revert NotAuthorized();
        getApproved[tokenId] = approved;
        emit Approval(tokenOwner, approved, tokenId);
    }

    function setApprovalForAll(address operator, bool approved) external {
        isApprovedForAll[msg.sender][operator] = approved;
        emit ApprovalForAll(msg.sender, operator, approved);
    }

    function transferFrom(address from, address to, uint256 tokenId) public {
        address tokenOwner = ownerOf(tokenId);
        if (from != tokenOwner) revert WrongFrom(from, tokenOwner);
        if (to == address(0)) revert ZeroAddress();
        if (msg.sender != from && !isApprovedForAll[from][msg.sender] && msg.sender != getApproved[tokenId]) {
            revert NotAuthorized();
        }
        delete getApproved[tokenId];
        unchecked {
            // A balance never exceeds the number of minted tokens.
            balanceOf[from] -= 1;
            balanceOf[to] += 1;
        }
        owners[tokenId] = to;
        emit Transfer(from, to, tokenId);
    }

    function safeTransferFrom(address from, address to, uint256 tokenId) external {
        safeTransferFrom(from, to, tokenId, "");
    }

    function safeTransferFrom(address from, address to, uint256 tokenId, bytes memory data) public {
        transferFrom(from, to, tokenId);
        if (to.code.length != 0) {
            bytes4 reply = IERC721Receiver(to).onERC721Received(msg.sender, from, tokenId, data);
            if (reply != IERC721Receiver.onERC721Received.selector) revert UnsafeRecipient(to);
        }
    }

    /// Mints the next id to `to` (for contracts built on this one).
    function mintNext(address to) internal returns (uint256 id) {
        if (to == address(0)) revert ZeroAddress();
        id = nextTokenId++;
        owners[id] = to;
        balanceOf[to] += 1;
        emit Transfer(address(0), to, id);
    }

    /// Mints `perOwner` consecutive ids to each address of `to`, in order, starting at
    /// `nextTokenId`: to[k] gets ids first + k*perOwner ... first + (k+1)*perOwner - 1.
    /// About 25k gas per token (one fresh slot and one event each).
    function mintBatch(address[] calldata to, uint256 perOwner) external returns (uint256 first) {
        if (msg.sender != owner) revert NotOwner();
        first = nextTokenId;
        uint256 id = first;
        for (uint256 k = 0; k < to.length; k++) {
            address recipient = to[k];
            if (recipient == address(0)) revert ZeroAddress();
            for (uint256 n = 0; n < perOwner; n++) {
                owners[id] = recipient;
                emit Transfer(address(0), recipient, id);
                id++;
            }
            balanceOf[recipient] += perOwner;
        }
        nextTokenId = id;
    }
}
