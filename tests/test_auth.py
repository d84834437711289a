"""Signing in: passwords, lockout and its expiry, sessions, cookies, attacks."""

from __future__ import annotations

import datetime as dt
import hashlib
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from dumas.domain.permissions import Role
from dumas.services import auth, users
from tests.conftest import ADMIN, PASSWORD, username

NOW = dt.datetime(2026, 11, 27, 9, 0, tzinfo=dt.UTC)
OWNER_DESK = "10.20.30.40"  # where the account's owner signs in from
ATTACKER = "203.0.113.9"


@pytest.mark.usefixtures("production_scrypt")
def test_a_password_is_stored_as_a_salted_scrypt_hash_never_in_clear(db):
    stored = db.cursor().execute("SELECT password_hash FROM app_user").fetchall()
    assert stored and all(h.startswith("scrypt$16384$") and PASSWORD not in h for (h,) in stored)
    assert len({h for (h,) in stored}) == len(stored)  # same password, different salts
    assert auth.verify_password(stored[0][0], PASSWORD)
    assert not auth.verify_password(stored[0][0], PASSWORD + "x")
    assert not auth.verify_password("rusak", PASSWORD)


def test_signing_in_returns_the_user_with_their_roles_and_a_session(db):
    user, token = auth.sign_in(db, "  KABID.UJI ", PASSWORD, NOW)
    assert (user.username, user.roles, user.bidang) == ("kabid.uji", {Role.KABID}, "Bidang Uji")
    assert auth.session_user(db, token, NOW + dt.timedelta(minutes=5)) == user


@pytest.mark.parametrize(
    ("name", "password"),
    [("analis.uji", "salah-sekali"), ("tidak.ada", PASSWORD), ("", ""), (None, None)],
)
def test_a_wrong_password_and_an_unknown_user_get_the_same_refusal(db, name, password):
    with pytest.raises(auth.SignInRefused) as refused:
        auth.sign_in(db, name, password, NOW)
    assert [m.key for m in refused.value.messages] == ["error.sign_in"]


def _refused(db, name, password, when, source=OWNER_DESK) -> auth.SignInRefused:
    with pytest.raises(auth.SignInRefused) as refused:
        auth.sign_in(db, name, password, when, source)
    return refused.value


def _audited(db, action: str) -> list[tuple]:
    return (
        db.cursor()
        .execute(
            "SELECT actor, entity_id, new_value->>'source' FROM audit_log"
            " WHERE action = $a ORDER BY id",
            {"a": action},
        )
        .fetchall()
    )


def test_five_failures_from_one_source_hold_that_name_there_until_the_window_passes(db):
    for _ in range(auth.MAX_FAILURES):
        _refused(db, "analis.uji", "salah-sekali", NOW)
    right_password = _refused(db, "analis.uji", PASSWORD, NOW + dt.timedelta(minutes=1))
    assert [m.key for m in right_password.messages] == ["error.sign_in"]  # not "locked"
    # Held attempts count too: trying every two minutes for half an hour stays held...
    minutes = range(2, 32, 2)
    for minute in minutes:
        _refused(db, "analis.uji", PASSWORD, NOW + dt.timedelta(minutes=minute))
    # ...and once the tries stop, the window passes.
    later = NOW + dt.timedelta(minutes=minutes[-1]) + auth.lock_time() + dt.timedelta(seconds=1)
    user, _ = auth.sign_in(db, "analis.uji", PASSWORD, later, OWNER_DESK)
    assert user.username == "analis.uji"
    failed = _audited(db, "auth.failed")  # held attempts are counted, not audited
    assert failed == [("analis.uji", str(user.id), OWNER_DESK)] * auth.MAX_FAILURES


def test_an_attacker_cannot_lock_the_owner_out_where_the_owner_usually_signs_in(db):
    # The Asdep signs in from their desk; an attacker fails five times from elsewhere.
    auth.sign_in(db, "asdep.uji", PASSWORD, NOW - dt.timedelta(days=3), OWNER_DESK)
    for _ in range(auth.MAX_FAILURES + 3):
        _refused(db, "asdep.uji", "tebakan-saja", NOW, ATTACKER)
    # The account is locked for sources it never signed in from, the attacker's first...
    _refused(db, "asdep.uji", PASSWORD, NOW + dt.timedelta(minutes=1), ATTACKER)
    _refused(db, "asdep.uji", PASSWORD, NOW + dt.timedelta(minutes=1), "198.51.100.4")
    # ...but the owner, at the desk, still signs in, and that does not lift the lock.
    user, _ = auth.sign_in(db, "asdep.uji", PASSWORD, NOW + dt.timedelta(minutes=2), OWNER_DESK)
    assert user.username == "asdep.uji"
    _refused(db, "asdep.uji", PASSWORD, NOW + dt.timedelta(minutes=3), "198.51.100.4")
    after = NOW + dt.timedelta(minutes=1) + auth.lock_time() + dt.timedelta(seconds=1)
    assert auth.sign_in(db, "asdep.uji", PASSWORD, after, "198.51.100.4")[0] == user


def test_one_source_guessing_many_names_is_refused_for_names_it_does_not_usually_use(db):
    auth.sign_in(db, "kabid.uji", PASSWORD, NOW - dt.timedelta(days=1), ATTACKER)  # shared NAT
    for i in range(auth.MAX_SOURCE_FAILURES):
        _refused(db, f"nama.{i}", "tebakan-saja", NOW, ATTACKER)
    _refused(db, "analis.uji", PASSWORD, NOW, ATTACKER)  # never signed in from there
    assert auth.sign_in(db, "analis.uji", PASSWORD, NOW, OWNER_DESK)[0].username == "analis.uji"
    assert auth.sign_in(db, "kabid.uji", PASSWORD, NOW, ATTACKER)[0].username == "kabid.uji"


def test_parallel_guesses_count_before_they_are_checked(db):
    for i in range(auth.MAX_FAILURES - 1):
        _refused(db, "asdep.uji", "tebakan", NOW, f"198.51.100.{i}")
    guesses = [f"tebakan-{i}" for i in range(8)]
    with ThreadPoolExecutor(max_workers=8) as pool:  # all at once, from eight places
        list(pool.map(lambda i: _refused(db, "asdep.uji", guesses[i], NOW, f"203.0.113.{i}"),
                      range(8)))  # fmt: skip
    judged = _audited(db, "auth.failed")  # a held attempt is refused unjudged, unaudited
    assert len(judged) == auth.MAX_FAILURES  # one of the eight was judged, not eight


def test_a_familiar_source_is_still_held_after_five_failures_for_that_name(db):
    auth.sign_in(db, "ppk.uji", PASSWORD, NOW - dt.timedelta(days=1), OWNER_DESK)
    for _ in range(auth.MAX_FAILURES):
        _refused(db, "ppk.uji", "tebakan-saja", NOW, OWNER_DESK)  # someone at the same NAT
    _refused(db, "ppk.uji", PASSWORD, NOW, OWNER_DESK)
    assert auth.sign_in(db, "bpp.uji", PASSWORD, NOW, OWNER_DESK)[0].username == "bpp.uji"


@pytest.fixture
def scrypt_calls(monkeypatch) -> list[int]:
    """Counts every scrypt the sign-in computes (hashlib's, wrapped)."""
    calls: list[int] = []
    original = hashlib.scrypt

    def counting(*args, **kwargs):
        calls.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr(hashlib, "scrypt", counting)
    return calls


def _revision(db, user_id: int) -> int:
    """The account's revision, as the Pengguna screen would show it."""
    found = db.cursor().execute("SELECT revision FROM app_user WHERE id = $id", {"id": user_id})
    return found.fetchone()[0]


def _prepare(db, case: str) -> tuple[str, str]:
    """The name and password of one kind of refusal, with the state it needs."""
    admin = auth.load_user(db.cursor(), 1)
    if case == "disabled":
        uid = auth.sign_in(db, "bpp.uji", PASSWORD, NOW)[0].id
        users.set_active(db, admin, uid, False, NOW, revision=_revision(db, uid))
        return "bpp.uji", PASSWORD
    if case == "locked by others":
        for _ in range(auth.MAX_FAILURES):
            _refused(db, "asdep.uji", "tebakan", NOW, "198.51.100.4")
        return "asdep.uji", PASSWORD
    if case == "throttled source":
        for i in range(auth.MAX_SOURCE_FAILURES):
            _refused(db, f"nama.{i}", "tebakan", NOW)
        return "kabid.uji", PASSWORD
    return {"unknown name": ("tidak.ada", PASSWORD), "wrong password": ("deputi.uji", "salah")}[
        case
    ]


@pytest.mark.parametrize(
    "case",
    ["unknown name", "wrong password", "disabled", "locked by others", "throttled source"],
)
def test_every_refusal_gets_the_same_answer_after_exactly_one_scrypt(db, scrypt_calls, case):
    name, password = _prepare(db, case)
    scrypt_calls.clear()
    refused = _refused(db, name, password, NOW + dt.timedelta(minutes=1))
    assert len(scrypt_calls) == 1
    [message] = refused.messages
    assert (message.key, message.params, message.field) == ("error.sign_in", {"minutes": 15}, None)


def test_sign_in_events_are_audited_without_invalidating_cached_figures(db):
    version = "SELECT value FROM meta WHERE key = 'data_version'"
    before = db.cursor().execute(version).fetchall()
    _refused(db, "tidak.ada", "x", NOW, ATTACKER)  # an unknown name is audited too
    auth.sign_in(db, "analis.uji", PASSWORD, NOW, OWNER_DESK)
    assert db.cursor().execute(version).fetchall() == before
    assert _audited(db, "auth.failed") == [("tidak.ada", None, ATTACKER)]
    assert [row[2] for row in _audited(db, "auth.sign_in")] == [OWNER_DESK]


@pytest.mark.parametrize(
    ("address", "source"),
    [
        ("203.0.113.9", "203.0.113.9"),
        ("2001:db8:1:2:aaaa::1", "2001:db8:1:2::/64"),  # a host holds a whole /64
        ("2001:db8:1:2:bbbb::9", "2001:db8:1:2::/64"),
        ("::ffff:203.0.113.9", "203.0.113.9"),
        ("", "unknown"),
        (None, "unknown"),
        ("testclient", "testclient"),
    ],
)
def test_a_source_is_the_client_address_and_an_ipv6_client_its_64_prefix(address, source):
    assert auth.source_key(address) == source


def test_an_idle_session_expires_and_use_keeps_it_alive(db):
    _, token = auth.sign_in(db, "asdep.uji", PASSWORD, NOW)
    step = auth.idle_time() - dt.timedelta(minutes=1)
    assert auth.session_user(db, token, NOW + step) is not None  # used: idle clock restarts
    assert auth.session_user(db, token, NOW + 2 * step) is not None
    assert auth.session_user(db, token, NOW + 3 * step + auth.idle_time()) is None


def test_a_page_run_within_a_minute_of_the_last_reads_the_session_and_writes_nothing(db):
    _, token = auth.sign_in(db, "asdep.uji", PASSWORD, NOW)

    def last_seen() -> dt.datetime:
        return db.cursor().execute("SELECT max(last_seen) FROM user_session").fetchone()[0]

    soon = NOW + auth.LAST_SEEN_STEP - dt.timedelta(seconds=1)
    assert auth.session_user(db, token, soon) is not None
    assert last_seen() == NOW
    later = NOW + auth.LAST_SEEN_STEP
    assert auth.session_user(db, token, later) is not None
    assert last_seen() == later


def test_a_page_run_does_not_wait_for_a_long_write_and_records_its_activity_afterwards(db):
    _, token = auth.sign_in(db, "asdep.uji", PASSWORD, NOW)

    def last_seen() -> dt.datetime:
        return db.cursor().execute("SELECT max(last_seen) FROM user_session").fetchone()[0]

    later = NOW + auth.LAST_SEEN_STEP
    held, release = threading.Event(), threading.Event()

    def a_long_import() -> None:  # holds the process's write lock, as an import does
        with db.transaction():
            held.set()
            release.wait(30)

    with ThreadPoolExecutor(2) as pool:
        importing = pool.submit(a_long_import)
        held.wait(10)
        page_run = pool.submit(auth.session_user, db, token, later)
        user = page_run.result(timeout=5)  # a page that waited for the import would time out
        release.set()
        importing.result(timeout=10)
    assert (user is not None, last_seen()) == (True, NOW)  # served; the record left for later
    waits = db.bookkeeping_waits  # the wait is counted (the benchmark's lock-time figure)
    assert (waits.count, waits.longest >= 0.9 * auth.LAST_SEEN_WAIT) == (1, True)
    assert auth.session_user(db, token, later) is not None
    assert last_seen() == later


def test_a_session_ends_at_its_lifetime_even_when_used(db, monkeypatch):
    monkeypatch.setenv("DUMAS_IDLE_MINUTES", str(10**6))
    _, token = auth.sign_in(db, "asdep.uji", PASSWORD, NOW)
    assert auth.session_user(db, token, NOW + auth.session_lifetime()) is None


def test_signing_out_ends_the_session(db):
    _, token = auth.sign_in(db, "ppk.uji", PASSWORD, NOW)
    auth.sign_out(db, token, NOW)
    assert auth.session_user(db, token, NOW) is None


def test_the_sign_out_key_ends_its_session_without_the_cookie_and_nothing_else(db):
    secret = auth.cookie_secret(db)
    _, token = auth.sign_in(db, "ppk.uji", PASSWORD, NOW)
    _, other = auth.sign_in(db, "ppk.uji", PASSWORD, NOW)  # the same user in another browser
    key = auth.sign_out_key(token, secret)
    assert token not in key
    assert auth.token_from_cookie(key, secret) is None  # not a cookie
    assert auth.session_user(db, key, NOW) is None  # not a token
    digest, signature = key.split(".")
    for forged in (f"{digest}.{'0' * 64}", f"{digest}0.{signature}", digest, "a.b.c"):
        auth.sign_out(db, None, NOW, forged, secret)
    auth.sign_out(db, None, NOW, key, b"another server")
    assert auth.session_user(db, token, NOW) is not None  # none of these ended it
    auth.sign_out(db, None, NOW, key, secret)
    assert auth.session_user(db, token, NOW) is None
    assert auth.session_user(db, other, NOW) is not None


def test_a_disabled_users_open_session_stops_at_the_next_action(db):
    user, token = auth.sign_in(db, "bpp.uji", PASSWORD, NOW)
    admin = auth.load_user(db.cursor(), 1)
    users.set_active(db, admin, user.id, False, NOW, revision=1)
    assert auth.session_user(db, token, NOW) is None
    with pytest.raises(auth.SignInRefused):
        auth.sign_in(db, "bpp.uji", PASSWORD, NOW)


def test_a_tampered_or_foreign_cookie_is_ignored(db):
    secret = auth.cookie_secret(db)
    _, token = auth.sign_in(db, "analis.uji", PASSWORD, NOW)
    good = auth.cookie_value(token, secret)
    assert auth.token_from_cookie(good, secret) == token
    other = "y" if good[0] == "x" else "x"  # a first character that differs, whatever it was
    forged = (other + good[1:], good + "0", token, f"{token}.{'0' * 64}", "", None, "a.b.c")
    assert all(auth.token_from_cookie(value, secret) is None for value in forged)
    assert auth.token_from_cookie(good, b"another server") is None
    assert auth.cookie_secret(db) == secret  # made once, kept


@pytest.mark.parametrize(
    "text",
    ["' OR '1'='1", "admin'; DROP TABLE app_user; --", "x" * 100_000, "\x00\n\t", "ü漢字"],
)
def test_sql_metacharacters_and_huge_strings_only_fail_to_sign_in(db, text):
    for name, password in ((text, PASSWORD), (username(Role.ADMIN), text)):
        with pytest.raises(auth.SignInRefused):
            auth.sign_in(db, name, password, NOW)
    assert db.cursor().execute("SELECT count(*) FROM app_user").fetchall()[0][0] == 9


def test_no_account_and_no_default_password_exist_outside_demo_mode(empty_db_path):
    from dumas.db import connect

    fresh = connect(empty_db_path)
    assert not users.has_users(fresh)
    for name in ("admin", "administrator", "analis"):
        with pytest.raises(auth.SignInRefused):
            auth.sign_in(fresh, name, users.DEMO_PASSWORD, NOW)
    uid = users.create_first_admin(
        fresh, username="kepala", full_name="Kepala", password="sandi-kuat-2026"
    )
    assert auth.load_user(fresh.cursor(), uid).roles == {Role.ADMIN}
    with pytest.raises(users.Conflict):
        users.create_first_admin(fresh, username="kedua", full_name="K", password="sandi-kuat-2026")


def test_a_weak_first_password_is_refused(empty_db_path):
    from dumas.db import connect
    from dumas.domain.errors import ValidationError

    fresh = connect(empty_db_path)
    for weak in ("pendek", "aaaaaaaaaaaa"):
        with pytest.raises(ValidationError):
            users.create_first_admin(fresh, username="kepala", full_name="K", password=weak)
    assert not users.has_users(fresh)


def test_the_admin_persona_is_not_an_account():
    assert ADMIN.id not in range(1, 10)  # personas act in service tests without signing in


def test_single_sign_on_maps_an_email_to_an_existing_active_account_only(db):
    uid = users.create_user(
        db, ADMIN, username="Siti@Setneg.go.id", full_name="Siti", password="sandi-kuat-2026",
        roles=["asdep"],
    )  # fmt: skip
    user = auth.user_for_identity(db, " siti@setneg.go.id ")
    assert (user.id, user.roles) == (uid, {Role.ASDEP})
    assert auth.user_for_identity(db, "orang.lain@setneg.go.id") is None  # never created
    assert auth.user_for_identity(db, "analis.uji") is None  # not an e-mail identity
    assert auth.user_for_identity(db, None) is None
    users.set_active(db, ADMIN, uid, False, NOW, revision=1)
    assert auth.user_for_identity(db, "siti@setneg.go.id") is None
