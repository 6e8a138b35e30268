"""Who may do what with accounts, sessions and API tokens."""

from __future__ import annotations

from api.core import policy
from api.core.errors import Forbidden
from api.core.policy import Principal, Requester


def register(requester: Requester) -> None:
    """Anyone signed out may create an account, unless the site is read-only."""
    policy.site_writable(requester, "users.register")
    if requester.principal is not None:
        raise Forbidden("Sign out before creating another account.")


def use_mailed_link(requester: Requester) -> None:
    """Confirming an address, setting a new password, asking for a link: the mailed token (or
    the mail) is the proof, so anyone may, unless the site is read-only."""
    policy.site_writable(requester, "users.use_mailed_link")


def sign_in(requester: Requester) -> None:
    """Signing in stays open in read-only mode: administrators must be able to leave it."""
    policy.anyone("users.sign_in")


def sign_out(requester: Requester) -> Principal:
    """Anyone signed in may sign out, a disabled account too."""
    return policy.signed_in(requester, "users.sign_out", allow_disabled=True)


def read_own_account(requester: Requester) -> Principal:
    return policy.signed_in(requester, "users.read_own_account")


def manage_own_account(requester: Requester) -> Principal:
    """Changing one's account or its API tokens needs the account's own browser session: a
    stolen API token must not be able to mint more tokens or change the password."""
    principal = policy.signed_in(requester, "users.manage_own_account")
    if principal.via != "session":
        raise Forbidden("Accounts and API tokens are managed from a signed-in session.")
    policy.site_writable(requester, "users.manage_own_account")
    return principal


def list_own_tokens(requester: Requester) -> Principal:
    principal = policy.signed_in(requester, "users.list_own_tokens")
    if principal.via != "session":
        raise Forbidden("Accounts and API tokens are managed from a signed-in session.")
    return principal


def verify(requester: Requester) -> None:
    """Passing the CAPTCHA is itself a write: refused in read-only mode and to disabled users."""
    policy.site_writable(requester, "users.verify")
    principal = requester.principal
    if principal is not None and principal.user.disabled_at is not None:
        raise Forbidden("This account is disabled.")


def read_public(requester: Requester) -> None:
    """Profiles and the leaderboard are public."""
    policy.anyone("users.read_public")
