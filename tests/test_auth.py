"""Signing in: passwords, lockout and its expiry, sessions, cookies, attacks."""

from __future__ import annotations

import datetime as dt

import pytest

from dumas import auth
from dumas.permissions import Role
from dumas.services import users
from tests.conftest import ADMIN, PASSWORD, username

NOW = dt.datetime(2026, 11, 27, 9, 0, tzinfo=dt.UTC)


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


def test_five_failures_lock_the_account_until_the_lock_expires(db):
    for _ in range(auth.MAX_FAILURES):
        with pytest.raises(auth.SignInRefused):
            auth.sign_in(db, "analis.uji", "salah-sekali", NOW)
    with pytest.raises(auth.SignInRefused) as refused:  # even the right password now
        auth.sign_in(db, "analis.uji", PASSWORD, NOW + dt.timedelta(minutes=1))
    assert refused.value.messages[0].key == "error.locked"
    later = NOW + auth.lock_time() + dt.timedelta(seconds=1)
    user, _ = auth.sign_in(db, "analis.uji", PASSWORD, later)
    assert user.username == "analis.uji"
    failures = (
        db.cursor()
        .execute("SELECT count(*) FROM audit_log WHERE action = 'auth.failed'")
        .fetchall()[0][0]
    )
    assert failures == auth.MAX_FAILURES


def test_an_idle_session_expires_and_use_keeps_it_alive(db):
    _, token = auth.sign_in(db, "asdep.uji", PASSWORD, NOW)
    step = auth.idle_time() - dt.timedelta(minutes=1)
    assert auth.session_user(db, token, NOW + step) is not None  # used: idle clock restarts
    assert auth.session_user(db, token, NOW + 2 * step) is not None
    assert auth.session_user(db, token, NOW + 3 * step + auth.idle_time()) is None


def test_a_session_ends_at_its_lifetime_even_when_used(db, monkeypatch):
    monkeypatch.setenv("DUMAS_IDLE_MINUTES", str(10**6))
    _, token = auth.sign_in(db, "asdep.uji", PASSWORD, NOW)
    assert auth.session_user(db, token, NOW + auth.session_lifetime()) is None


def test_signing_out_ends_the_session(db):
    _, token = auth.sign_in(db, "ppk.uji", PASSWORD, NOW)
    auth.sign_out(db, token, NOW)
    assert auth.session_user(db, token, NOW) is None


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
    forged = ("x" + good[1:], good + "0", token, f"{token}.{'0' * 64}", "", None, "a.b.c")
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


def test_no_account_and_no_default_password_exist_outside_demo_mode(tmp_path):
    from dumas.db import connect

    fresh = connect(tmp_path / "kosong.duckdb")
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


def test_a_weak_first_password_is_refused(tmp_path):
    from dumas.db import connect
    from dumas.errors import ValidationError

    fresh = connect(tmp_path / "kosong.duckdb")
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
