"""How yorum keeps readers' addresses private: only keyed hashes are ever stored."""

from __future__ import annotations

import hmac
import ipaddress


def normalize_ip(ip: str) -> str:
    """The canonical text of an address (IPv4-mapped IPv6 becomes IPv4)."""
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return ip[:64]
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return str(address.ipv4_mapped)
    return str(address)


class IpHasher:
    """Turns a client address into a keyed hash fit for storing and comparing.

    The key is the install's secret, so the hash cannot be reversed by trying every
    address without it, and hashes from two installs cannot be linked.
    """

    def __init__(self, key: bytes) -> None:
        self._key = key

    def __call__(self, ip: str) -> str:
        """A 32-hex-digit keyed hash of the address."""
        return hmac.digest(self._key, normalize_ip(ip).encode(), "sha256").hex()[:32]


class AvatarSeeds:
    """A seed for each author's generated picture: the same for the same e-mail address
    (or, without one, the same name), so regular commenters are recognisable, but keyed
    with the install's secret, so nobody can tell the address or link the seed elsewhere.
    Never derived from the client's address: two anonymous comments from one network
    must not look alike.
    """

    def __init__(self, key: bytes) -> None:
        self._key = key

    def __call__(self, email: str, author: str) -> str:
        """16 hex digits, or "" when the comment names nobody (the widget then varies)."""
        if email:
            identity = "email:" + email.strip().lower()
        elif author:
            identity = "name:" + author.strip()
        else:
            return ""
        return hmac.digest(self._key, identity.encode(), "sha256").hex()[:16]
