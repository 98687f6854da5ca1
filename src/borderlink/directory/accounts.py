"""Users, passwords, second factor, lockout, API tokens and browser sessions."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import hmac
import re
import secrets

import pyotp
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from borderlink.directory import service as directory
from borderlink.directory.models import ApiToken, Role, Tier, User, WebSession
from borderlink.directory.permissions import Permission, Principal
from borderlink.errors import AuthenticationFailed, Conflict, Forbidden, InvalidInput, NotFound

_hasher = PasswordHasher()  # argon2id with the library's current recommended parameters
_DUMMY_HASH = _hasher.hash("not-a-real-password")
USERNAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{1,62}$")
MIN_PASSWORD_LENGTH = 12
TOKEN_PREFIX = "blk_"  # noqa: S105 - the visible prefix of every token


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput("The password must have at least %(length)s characters.", field="password",
                           length=MIN_PASSWORD_LENGTH)
    return _hasher.hash(password)


def _token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def token_digest(token: str) -> str:
    """What is stored of an API token or a session cookie: its SHA-256, never the token itself."""
    return _token_digest(token)


def principal_for(
    session: Session, user: User, *, via_token: bool = False, default_timezone: str = "UTC"
) -> Principal:
    return Principal(
        user_id=user.id,
        username=user.username,
        display_name=user.display_name,
        role=user.role,
        unit_id=user.unit_id,
        unit_code=user.unit.code,
        unit_tier=user.unit.tier,
        party=user.unit.party_code,
        scope_unit_ids=_scope_of(session, user),
        language=user.language or "",
        timezone=user.timezone or default_timezone,
        via_token=via_token,
    )


def _scope_of(session: Session, user: User) -> frozenset[str]:
    """The units a user acts for: their unit and those below it. A node administrator at the
    central tier administers the whole node, including the other central units."""
    if user.role == Role.ADMIN and user.unit.tier == Tier.CENTRAL:
        return frozenset(u.id for u in directory.list_units(session, user.unit.party_code))
    return directory.descendant_ids(session, user.unit_id)


def create_user(
    session: Session,
    *,
    username: str,
    password: str,
    unit_code: str,
    role: str,
    display_name: str | None,
    now: dt.datetime,
    actor: Principal | None = None,
    language: str | None = None,
) -> User:
    """Create an account. With an acting principal, the new unit must lie within their scope."""
    username = username.strip().lower()
    if not USERNAME_PATTERN.match(username):
        raise InvalidInput("username: 2-63 characters, lower-case letters, digits, '.', '_' or '-'", field="username")
    try:
        role_value = Role(role)
    except ValueError as exc:
        raise InvalidInput("The role must be one of %(roles)s.", field="role",
                           roles=", ".join(r.value for r in Role)) from exc
    unit = directory.get_unit_by_code(session, unit_code)
    if unit.party_code != directory.local_party(session).code:
        raise InvalidInput("accounts can only be made for this node's own units", field="unit_code")
    if actor is not None:
        if not actor.can(Permission.USERS_MANAGE):
            raise Forbidden("you may not manage accounts")
        if not actor.covers_unit(unit.id):
            raise NotFound("There is no unit with code '%(code)s'.", field="unit_code", code=unit_code)
    if session.scalar(select(User.id).where(User.username == username)):
        raise Conflict("The username %(username)s is taken.", field="username", username=username)
    user = User(
        username=username,
        display_name=(display_name or username).strip(),
        password_hash=hash_password(password),
        unit_id=unit.id,
        role=role_value,
        language=language,
        created_at=now,
    )
    user.unit = unit
    session.add(user)
    session.flush()
    return user


def visible_users(session: Session, actor: Principal) -> list[User]:
    if not actor.can(Permission.USERS_READ):
        raise Forbidden("you may not see accounts")
    users = session.scalars(select(User).where(User.unit_id.in_(actor.scope_unit_ids)))
    return sorted(users, key=lambda u: (u.unit.tier.rank, u.unit.code, u.username))


def get_visible_user(session: Session, actor: Principal, user_id: str) -> User:
    """A user the actor may see; anything else looks like it does not exist."""
    user = session.get(User, user_id)
    if user is None or not actor.covers_unit(user.unit_id) or not actor.can(Permission.USERS_READ):
        if user is not None and user.id == actor.user_id:
            return user
        raise NotFound("no such user")
    return user


def set_user_active(session: Session, actor: Principal, user_id: str, active: bool) -> User:
    user = get_visible_user(session, actor, user_id)
    if not actor.can(Permission.USERS_MANAGE):
        raise Forbidden("you may not manage accounts")
    if user.id == actor.user_id and not active:
        raise InvalidInput("you cannot deactivate your own account")
    user.is_active = active
    if active:
        user.failed_logins = 0
        user.locked_until = None
    return user


def set_preferences(session: Session, actor: Principal, language: str | None, timezone: str | None) -> User:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    user = get_visible_user(session, actor, actor.user_id)
    # Check everything before changing anything: a refused form must not be half saved.
    if language is not None and language not in ("vi", "zh_Hans", "en"):
        raise InvalidInput("language must be vi, zh_Hans or en", field="language")
    if timezone is not None:
        try:
            ZoneInfo(timezone)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise InvalidInput("%(zone)s is not a known time zone.", field="timezone", zone=timezone) from exc
    if language is not None:
        user.language = language
    if timezone is not None:
        user.timezone = timezone
    return user


def _password_matches(password_hash: str, password: str) -> bool:
    try:
        return bool(_hasher.verify(password_hash, password))
    except (VerificationError, InvalidHashError):
        return False


@dataclasses.dataclass(frozen=True, slots=True)
class LoginPolicy:
    """How many wrong passwords (or codes) lock an account, and for how long."""

    max_failures: int
    lockout: dt.timedelta


def _confirm_owner(user: User, password: str, totp_code: str | None, now: dt.datetime, policy: LoginPolicy,
                   *, with_code: bool = True) -> None:
    """The person at the keyboard proves again that they own the account: its password and, while
    a second factor is on, a current code from it (a code not used before). Wrong answers count
    towards the lockout as at login, so a stolen session cannot be used to guess the password."""
    if user.locked_until is not None and user.locked_until > now:
        raise AuthenticationFailed("wrong password or code")
    ok = _password_matches(user.password_hash, password)
    step = None
    if ok and with_code and user.totp_secret:
        step = _accepted_totp_step(user.totp_secret, totp_code or "", now, after=user.totp_last_step)
        ok = step is not None
    if not ok:
        user.failed_logins += 1
        if user.failed_logins >= policy.max_failures:
            user.locked_until = now + policy.lockout
            user.failed_logins = 0
        raise AuthenticationFailed("wrong password or code")
    user.failed_logins = 0
    if step is not None:
        user.totp_last_step = step


def enable_totp(session: Session, actor: Principal, password: str, totp_code: str | None,
                now: dt.datetime, policy: LoginPolicy) -> str:
    """Start (or replace) a second factor; returns the secret to load into an authenticator app.
    A stolen session alone cannot move the second factor to an attacker's phone."""
    user = get_visible_user(session, actor, actor.user_id)
    _confirm_owner(user, password, totp_code, now, policy)
    user.totp_secret = pyotp.random_base32()
    user.totp_last_step = None
    return user.totp_secret


def disable_totp(session: Session, actor: Principal, password: str, totp_code: str | None,
                 now: dt.datetime, policy: LoginPolicy) -> None:
    user = get_visible_user(session, actor, actor.user_id)
    if not user.totp_secret:
        raise InvalidInput("no second factor is enabled for this account")
    _confirm_owner(user, password, totp_code, now, policy)
    user.totp_secret = None
    user.totp_last_step = None


def change_password(session: Session, actor: Principal, current: str, new: str, *,
                    keep_session: str | None, now: dt.datetime, policy: LoginPolicy) -> None:
    """Set a new password (argon2id) after checking the current one; every other web session of the
    user ends, so whoever else was logged in with the old password is logged out."""
    user = get_visible_user(session, actor, actor.user_id)
    hashed = hash_password(new)  # a new password too short is refused before the current one is tried
    _confirm_owner(user, current, None, now, policy, with_code=False)
    user.password_hash = hashed
    kept = _token_digest(keep_session) if keep_session else None
    for web_session in session.scalars(select(WebSession).where(WebSession.user_id == user.id)):
        if web_session.token_hash != kept:
            session.delete(web_session)


def totp_uri(secret: str, username: str, issuer: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=username, issuer_name=issuer)


def authenticate_password(
    session: Session,
    username: str,
    password: str,
    totp_code: str | None,
    *,
    now: dt.datetime,
    max_failures: int,
    lockout: dt.timedelta,
) -> User:
    """Check a login. Failures count towards a lockout; the message never says which part failed."""
    user = session.scalar(select(User).where(User.username == username.strip().lower()))
    if user is None or not user.is_active or (user.locked_until is not None and user.locked_until > now):
        # An unknown name, a disabled and a locked account answer as a wrong password does, after
        # the same argon2 work, so neither the answer nor its timing tells which names exist.
        _password_matches(_DUMMY_HASH, password)
        raise AuthenticationFailed("wrong username, password or code")
    ok = _password_matches(user.password_hash, password)
    step: int | None = None
    if ok and user.totp_secret:
        step = _accepted_totp_step(user.totp_secret, totp_code or "", now, after=user.totp_last_step)
        ok = step is not None
    if not ok:
        user.failed_logins += 1
        if user.failed_logins >= max_failures:
            user.locked_until = now + lockout
            user.failed_logins = 0
        raise AuthenticationFailed("wrong username, password or code")
    if user.failed_logins or user.locked_until:
        user.failed_logins = 0
        user.locked_until = None
    if step is not None:
        user.totp_last_step = step
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    return user


def _accepted_totp_step(secret: str, code: str, now: dt.datetime, *, after: int | None) -> int | None:
    """The time step `code` belongs to, one step of clock drift either way allowed.

    A step at or before the last one accepted is refused, so a code seen over a shoulder or
    replayed from a captured login is worthless once used.
    """
    totp = pyotp.TOTP(secret)
    code = "".join(code.split())
    if not code.isdigit() or len(code) != totp.digits:
        return None
    for drift in (-1, 0, 1):
        moment = now + dt.timedelta(seconds=drift * totp.interval)
        step = totp.timecode(moment)
        if (after is None or step > after) and hmac.compare_digest(totp.at(moment), code):
            return step
    return None


def start_web_session(session: Session, user: User, *, now: dt.datetime, lifetime: dt.timedelta) -> str:
    token = secrets.token_urlsafe(32)
    session.add(
        WebSession(
            token_hash=_token_digest(token),
            user_id=user.id,
            csrf_token=secrets.token_urlsafe(32),
            created_at=now,
            expires_at=now + lifetime,
        )
    )
    return token


def resolve_web_session(session: Session, token: str, now: dt.datetime) -> WebSession | None:
    web_session = session.get(WebSession, _token_digest(token))
    if web_session is None or web_session.expires_at <= now or not web_session.user.is_active:
        return None
    return web_session


def end_web_session(session: Session, token: str) -> None:
    web_session = session.get(WebSession, _token_digest(token))
    if web_session is not None:
        session.delete(web_session)


def create_token(session: Session, user: User, name: str, now: dt.datetime) -> tuple[ApiToken, str]:
    """Issue an API token. The plain token is returned once and never stored."""
    name = name.strip()
    if not name or len(name) > 120:
        raise InvalidInput("token name: 1-120 characters", field="name")
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user_id=user.id, name=name, prefix=secret[:10], token_hash=_token_digest(secret), created_at=now
    )
    session.add(token)
    session.flush()
    return token, secret


def resolve_token(session: Session, secret: str, now: dt.datetime) -> User | None:
    token = session.scalar(select(ApiToken).where(ApiToken.token_hash == _token_digest(secret)))
    if token is None or token.revoked_at is not None or not token.user.is_active:
        return None
    return token.user


def tokens_of(session: Session, actor: Principal) -> list[ApiToken]:
    return list(
        session.scalars(select(ApiToken).where(ApiToken.user_id == actor.user_id).order_by(ApiToken.created_at))
    )


def visible_token(session: Session, actor: Principal, token_id: str) -> ApiToken:
    """The actor's own token, or one of a user the actor manages; NotFound otherwise."""
    token = session.get(ApiToken, token_id)
    if token is None:
        raise NotFound("no such token")
    owner_visible = token.user_id == actor.user_id or (
        actor.can(Permission.USERS_MANAGE) and actor.covers_unit(token.user.unit_id)
    )
    if not owner_visible:
        raise NotFound("no such token")
    return token


def revoke_token(session: Session, actor: Principal, token_id: str, now: dt.datetime) -> ApiToken:
    token = visible_token(session, actor, token_id)
    if token.revoked_at is None:
        token.revoked_at = now
    return token


def find_user(session: Session, username: str) -> User:
    user = session.scalar(select(User).where(User.username == username.strip().lower()))
    if user is None:
        raise NotFound(f"no user named {username!r}")
    return user
