"""Account administration and the audit trail: services, their audit rows, and the queries.

Personas: ADMIN may manage users (Administrator); ANALYST may not. Neither is stored in the
database; where a rule is about the acting account itself, the template database's real
administrator is loaded instead.
"""

from __future__ import annotations

import datetime as dt
import io
import json

import openpyxl
import pandas as pd
import pytest

from dumas.config import TIMEZONE
from dumas.domain.errors import Conflict, Message, ValidationError
from dumas.domain.permissions import Forbidden, Role, User
from dumas.queries import audit
from dumas.queries.audit import AuditFilter
from dumas.services import auth, users
from dumas.services.common import audit as write_audit
from tests.conftest import ADMIN, ANALYST, username

NOW = dt.datetime(2026, 11, 27, 9, 0, tzinfo=TIMEZONE)
SECRET = "kata-sandi-rina-2026"  # a test password


def _rev(db, uid: int) -> int:
    """The account's revision, as a screen drawn now would send it."""
    sql = "SELECT revision FROM app_user WHERE id = $id"
    return db.cursor().execute(sql, {"id": uid}).fetchone()[0]


def _last_audit_id(db) -> int:
    return db.cursor().execute("SELECT coalesce(max(id), 0) FROM audit_log").fetchone()[0]


def _audit_since(db, last_id: int) -> list[dict]:
    """The audit rows written after last_id, with their JSON values parsed."""
    rows = (
        db.cursor()
        .execute(
            "SELECT actor, action, entity, entity_id, old_value, new_value FROM audit_log"
            " WHERE id > $id ORDER BY id",
            {"id": last_id},
        )
        .fetchall()
    )
    names = ("actor", "action", "entity", "entity_id", "old", "new")
    return [
        {**dict(zip(names, row, strict=True)), "old": _json(row[4]), "new": _json(row[5])}
        for row in rows
    ]


def _json(value: str | None) -> object:
    return None if value is None else json.loads(value)


def _no_secret_in(db, *secrets: str) -> None:
    """No audit row holds a password hash or any of the given passwords."""
    text = " ".join(
        str(v)
        for row in db.cursor().execute("SELECT old_value, new_value FROM audit_log").fetchall()
        for v in row
    )
    assert "scrypt$" not in text
    for secret in secrets:
        assert secret not in text


def _account(db, uid: int) -> dict:
    cursor = db.cursor().execute(
        "SELECT username, full_name, is_active, bidang, failed_attempts, locked_until"
        " FROM app_user WHERE id = $id",
        {"id": uid},
    )
    row = cursor.fetchone()
    return dict(zip([d[0] for d in cursor.description], row, strict=True))


def _roles(db, uid: int) -> set[str]:
    rows = db.cursor().execute("SELECT role FROM user_role WHERE user_id = $id", {"id": uid})
    return {r[0] for r in rows.fetchall()}


def _keys(error: pytest.ExceptionInfo) -> list[str]:
    return [m.key for m in error.value.messages]


def _create(db, name: str = "rina", roles: tuple[str, ...] = ("analis",), **extra) -> int:
    return users.create_user(
        db,
        ADMIN,
        username=name,
        full_name="Rina Wulandari",
        password=SECRET,
        roles=list(roles),
        **extra,
    )


@pytest.fixture
def real_admin(db) -> User:
    """The template database's Administrator, as the sign-in gate would load it."""
    cur = db.cursor()
    uid = cur.execute(
        "SELECT id FROM app_user WHERE username = $u", {"u": username(Role.ADMIN)}
    ).fetchone()[0]
    return auth.load_user(cur, uid)


# Creating users


def test_an_administrator_creates_a_kasubbid_with_bidang_and_one_audit_row(db):
    last = _last_audit_id(db)
    uid = users.create_user(
        db,
        ADMIN,
        username="  Rina.Kasubbid ",
        full_name="Rina Wulandari",
        password=SECRET,
        roles=["kasubbid", "analis"],
        bidang=" Bidang   Pemantauan II ",
    )
    account = _account(db, uid)
    assert account["username"] == "rina.kasubbid"  # stored lower case
    assert account["is_active"] is True
    assert account["bidang"] == "Bidang Pemantauan II"
    assert _roles(db, uid) == {"analis", "kasubbid"}
    [row] = _audit_since(db, last)
    assert row["actor"] == ADMIN.username
    assert (row["action"], row["entity"], row["entity_id"]) == ("user.create", "app_user", str(uid))
    assert row["old"] is None
    assert row["new"] == {
        "username": "rina.kasubbid",
        "full_name": "Rina Wulandari",
        "roles": ["analis", "kasubbid"],
        "bidang": "Bidang Pemantauan II",
    }
    _no_secret_in(db, SECRET)
    user, _ = auth.sign_in(db, "Rina.Kasubbid", SECRET, NOW)
    assert user.roles == {Role.ANALIS, Role.KASUBBID}
    assert user.bidang == "Bidang Pemantauan II"


@pytest.mark.parametrize("role", ["kasubbid", "kabid"])
def test_a_kasubbid_or_kabid_without_a_bidang_is_refused(db, role):
    last = _last_audit_id(db)
    with pytest.raises(ValidationError) as error:
        _create(db, roles=(role,), bidang="   ")
    assert _keys(error) == ["error.bidang_required"]
    assert db.cursor().execute("SELECT count(*) FROM app_user").fetchone()[0] == len(Role)
    assert _audit_since(db, last) == []


def test_a_taken_user_name_is_refused_whatever_its_case(db):
    _create(db, "budi")
    last = _last_audit_id(db)
    for taken in ("BUDI", " budi ", username(Role.ANALIS).upper()):
        with pytest.raises(Conflict) as error:
            _create(db, taken)
        assert _keys(error) == ["error.username_taken"]
    assert _audit_since(db, last) == []


@pytest.mark.parametrize("password", ["", "pendek", "aaaaaaaaaaaaaa", "abababababab"])
def test_a_weak_password_is_refused(db, password):
    last = _last_audit_id(db)
    with pytest.raises(ValidationError) as error:
        users.create_user(
            db, ADMIN, username="rina", full_name="Rina", password=password, roles=["analis"]
        )
    assert _keys(error) == ["error.weak_password"]
    assert _audit_since(db, last) == []


@pytest.mark.parametrize(
    "name", ["rina'; DROP TABLE app_user; --", "a" * 1000, "rina wulandari", ""]
)
def test_a_user_name_outside_letters_digits_and_dots_is_refused(db, name):
    with pytest.raises(ValidationError) as error:
        _create(db, name)
    assert _keys(error) == ["error.username"]
    assert db.cursor().execute("SELECT count(*) FROM app_user").fetchone()[0] == len(Role)


# Disabling, re-enabling, passwords, roles


def test_disabling_a_user_ends_their_open_session_and_re_enabling_restores_sign_in(db):
    uid = _create(db)
    _, token = auth.sign_in(db, "rina", SECRET, NOW)
    assert auth.session_user(db, token, NOW + dt.timedelta(minutes=1)).id == uid

    last = _last_audit_id(db)
    users.set_active(db, ADMIN, uid, False, NOW + dt.timedelta(minutes=2), revision=_rev(db, uid))
    [row] = _audit_since(db, last)
    assert (row["action"], row["entity_id"]) == ("user.disable", str(uid))
    assert (row["old"]["is_active"], row["new"]["is_active"]) == (True, False)
    assert auth.session_user(db, token, NOW + dt.timedelta(minutes=3)) is None  # its next action
    with pytest.raises(auth.SignInRefused):
        auth.sign_in(db, "rina", SECRET, NOW + dt.timedelta(minutes=3))

    last = _last_audit_id(db)
    users.set_active(db, ADMIN, uid, True, NOW + dt.timedelta(minutes=4), revision=_rev(db, uid))
    [row] = _audit_since(db, last)
    assert (row["action"], row["old"]["is_active"], row["new"]["is_active"]) == (
        "user.enable",
        False,
        True,
    )
    assert auth.session_user(db, token, NOW + dt.timedelta(minutes=5)) is None  # stays ended
    user, _ = auth.sign_in(db, "rina", SECRET, NOW + dt.timedelta(minutes=5))
    assert user.id == uid
    _no_secret_in(db, SECRET)


def test_a_password_reset_unlocks_the_account_and_only_the_new_password_works(db):
    uid = _create(db)
    for _ in range(auth.MAX_FAILURES):
        with pytest.raises(auth.SignInRefused):
            auth.sign_in(db, "rina", "salah-sandi-123", NOW)
    with pytest.raises(auth.SignInRefused) as locked:  # the right password, held here
        auth.sign_in(db, "rina", SECRET, NOW)
    assert _keys(locked) == ["error.sign_in"]
    assert _account(db, uid)["locked_until"] is not None

    fresh = "sandi-baru-desember"
    last = _last_audit_id(db)
    users.reset_password(db, ADMIN, uid, fresh, revision=_rev(db, uid))
    [row] = _audit_since(db, last)
    assert (row["action"], row["entity_id"]) == ("user.reset_password", str(uid))
    assert row["old"]["username"] == "rina"
    assert row["new"] == {"password": "***", "revision": 2}
    assert _account(db, uid)["locked_until"] is None
    with pytest.raises(auth.SignInRefused):
        auth.sign_in(db, "rina", SECRET, NOW)
    user, _ = auth.sign_in(db, "rina", fresh, NOW)
    assert user.id == uid
    _no_secret_in(db, SECRET, fresh)


def test_a_reset_to_a_weak_password_is_refused_and_the_old_one_still_works(db):
    uid = _create(db)
    last = _last_audit_id(db)
    with pytest.raises(ValidationError) as error:
        users.reset_password(db, ADMIN, uid, "123", revision=_rev(db, uid))
    assert _keys(error) == ["error.weak_password"]
    assert _audit_since(db, last) == []
    assert auth.sign_in(db, "rina", SECRET, NOW)[0].id == uid


def test_assigning_roles_replaces_them_and_audits_old_and_new(db):
    uid = _create(db, roles=("kabid",), bidang="Bidang Pemantauan I")
    last = _last_audit_id(db)
    users.assign_roles(db, ADMIN, uid, ["analis", "asdep"], revision=_rev(db, uid))
    assert _roles(db, uid) == {"analis", "asdep"}
    assert _account(db, uid)["bidang"] is None  # no Bidang role any more
    [row] = _audit_since(db, last)
    assert (row["action"], row["entity_id"]) == ("user.assign_roles", str(uid))
    assert (row["old"]["roles"], row["old"]["bidang"]) == (["kabid"], "Bidang Pemantauan I")
    assert (row["new"]["roles"], row["new"]["bidang"]) == (["analis", "asdep"], None)
    _no_secret_in(db, SECRET)


def test_an_open_session_carries_roles_changed_since_its_last_page_run(db):
    uid = _create(db, roles=("analis",))
    _, token = auth.sign_in(db, "rina", SECRET, NOW)
    later = NOW + dt.timedelta(seconds=10)  # within the minute: no activity written between
    assert auth.session_user(db, token, later).roles == {Role.ANALIS}
    assert auth.session_user(db, token, later).roles == {Role.ANALIS}  # read again: the same
    users.assign_roles(db, ADMIN, uid, ["asdep"], revision=_rev(db, uid))
    assert auth.session_user(db, token, later).roles == {Role.ASDEP}


def test_assigning_a_kabid_role_without_bidang_is_refused(db):
    uid = _create(db)
    with pytest.raises(ValidationError) as error:
        users.assign_roles(db, ADMIN, uid, ["kabid"], None, revision=_rev(db, uid))
    assert _keys(error) == ["error.bidang_required"]
    assert _roles(db, uid) == {"analis"}


def test_an_unknown_role_is_refused(db):
    uid = _create(db)
    with pytest.raises(ValidationError) as error:
        users.assign_roles(db, ADMIN, uid, ["superuser"], revision=_rev(db, uid))
    assert _keys(error) == ["error.invalid_choice"]


def test_an_administrator_cannot_disable_their_own_account(db, real_admin):
    last = _last_audit_id(db)
    with pytest.raises(ValidationError) as error:
        users.set_active(
            db, real_admin, real_admin.id, False, NOW, revision=_rev(db, real_admin.id)
        )
    assert _keys(error) == ["error.disable_self"]
    assert _account(db, real_admin.id)["is_active"] is True
    assert _audit_since(db, last) == []


def test_an_administrator_cannot_drop_their_own_admin_role_but_may_add_one(db, real_admin):
    last = _last_audit_id(db)
    with pytest.raises(ValidationError) as error:
        users.assign_roles(
            db, real_admin, real_admin.id, ["analis"], revision=_rev(db, real_admin.id)
        )
    assert _keys(error) == ["error.keep_own_admin"]
    assert _roles(db, real_admin.id) == {"admin"}
    assert _audit_since(db, last) == []
    users.assign_roles(
        db, real_admin, real_admin.id, ["admin", "asdep"], revision=_rev(db, real_admin.id)
    )
    assert _roles(db, real_admin.id) == {"admin", "asdep"}
    [row] = _audit_since(db, last)
    assert row["actor"] == real_admin.username


def test_the_first_administrator_can_be_created_only_once(db):
    with pytest.raises(Conflict) as error:
        users.create_first_admin(db, username="kedua", full_name="Kedua", password=SECRET)
    assert _keys(error) == ["error.already_set_up"]


_CALLS = {
    "create_user": lambda db, actor, uid: users.create_user(
        db, actor, username="baru", full_name="Baru", password=SECRET, roles=["analis"]
    ),
    "disable": lambda db, actor, uid: users.set_active(
        db, actor, uid, False, NOW, revision=_rev(db, uid)
    ),
    "enable": lambda db, actor, uid: users.set_active(
        db, actor, uid, True, NOW, revision=_rev(db, uid)
    ),
    "reset_password": lambda db, actor, uid: users.reset_password(
        db, actor, uid, SECRET, revision=_rev(db, uid)
    ),
    "assign_roles": lambda db, actor, uid: users.assign_roles(
        db, actor, uid, ["admin"], revision=_rev(db, uid)
    ),
}


@pytest.mark.parametrize("call", list(_CALLS))
def test_an_analyst_is_refused_every_user_service_and_nothing_is_written(db, call):
    uid = _create(db)
    # "enable" must have something to change
    users.set_active(db, ADMIN, uid, False, NOW, revision=_rev(db, uid))
    last = _last_audit_id(db)
    accounts = db.cursor().execute("SELECT * FROM app_user ORDER BY id").fetchall()
    roles = db.cursor().execute("SELECT * FROM user_role ORDER BY ALL").fetchall()
    with pytest.raises(Forbidden):
        _CALLS[call](db, ANALYST, uid)
    assert db.cursor().execute("SELECT * FROM app_user ORDER BY id").fetchall() == accounts
    assert db.cursor().execute("SELECT * FROM user_role ORDER BY ALL").fetchall() == roles
    assert _audit_since(db, last) == []


# Changes from a stale screen: every change carries the revision it saw


@pytest.fixture
def second_admin(db) -> User:
    """Another Administrator, working on the same accounts at the same time."""
    uid = users.create_user(db, ADMIN, username="admin.dua", full_name="Admin Kedua",
                            password=SECRET, roles=["admin"])  # fmt: skip
    return auth.load_user(db.cursor(), uid)


_STALE = {
    "disable": lambda db, uid, seen: users.set_active(db, ADMIN, uid, False, NOW, revision=seen),
    "reset_password": lambda db, uid, seen: users.reset_password(
        db, ADMIN, uid, "sandi-admin-pertama", revision=seen
    ),
    "assign_roles": lambda db, uid, seen: users.assign_roles(
        db, ADMIN, uid, ["analis", "asdep"], revision=seen
    ),
    "set_official_details": lambda db, uid, seen: users.set_official_details(
        db, ADMIN, uid, revision=seen, nip=None, rank="Penata (III/c)", position=None
    ),
}


@pytest.mark.parametrize("change", list(_STALE))
def test_an_account_change_from_a_stale_screen_is_refused_with_who_and_when(
    db, second_admin, change
):
    uid = _create(db)
    seen = _rev(db, uid)  # the first administrator's screen
    users.reset_password(db, second_admin, uid, "sandi-admin-kedua", revision=seen)
    at = db.cursor().execute("SELECT max(logged_at) FROM audit_log").fetchone()[0]
    last = _last_audit_id(db)
    account = db.cursor().execute("SELECT * FROM app_user WHERE id = $id", {"id": uid}).fetchall()
    with pytest.raises(Conflict) as refused:
        _STALE[change](db, uid, seen)
    assert refused.value.messages == [
        Message("error.user_changed", {"username": "rina", "who": "Admin Kedua", "at": at})
    ]
    assert db.cursor().execute("SELECT * FROM app_user WHERE id = $id", {"id": uid}).fetchall() == (
        account
    )
    assert _roles(db, uid) == {"analis"}
    assert _audit_since(db, last) == []
    assert auth.sign_in(db, "rina", "sandi-admin-kedua", NOW)[0].id == uid


@pytest.mark.parametrize("change", list(_STALE))
def test_an_account_change_from_a_fresh_screen_records_the_revision_it_saw(db, change):
    uid = _create(db)
    users.assign_roles(db, ADMIN, uid, ["analis"], revision=_rev(db, uid))
    fresh = _rev(db, uid)
    last = _last_audit_id(db)
    _STALE[change](db, uid, fresh)
    [row] = _audit_since(db, last)
    assert (row["old"]["revision"], row["new"]["revision"]) == (fresh, fresh + 1)
    assert _rev(db, uid) == fresh + 1


def test_two_administrators_disabling_one_account_at_once_disable_it_once(db, second_admin):
    import threading

    uid = _create(db)
    seen, start, outcomes = _rev(db, uid), threading.Barrier(2), []

    def disable(admin: User) -> None:
        start.wait()
        try:
            users.set_active(db, admin, uid, False, NOW, revision=seen)
            outcomes.append("disabled")
        except Conflict as conflict:
            outcomes.append(conflict.messages[0].key)

    threads = [threading.Thread(target=disable, args=(a,)) for a in (ADMIN, second_admin)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["disabled", "error.user_changed"]
    sql = "SELECT count(*) FROM audit_log WHERE action = 'user.disable'"
    assert db.cursor().execute(sql).fetchone()[0] == 1


# The audit trail and the user list (read side)


@pytest.fixture
def trail(db) -> dict[str, int]:
    """Four audit rows at known moments, by two users, on two kinds of record."""
    moments = {
        "old": dt.datetime(2026, 2, 27, 9, 0, tzinfo=dt.UTC),
        "late_utc": dt.datetime(2026, 3, 1, 17, 30, tzinfo=dt.UTC),  # 2 Mar 00:30 in Jakarta
        "march": dt.datetime(2026, 3, 15, 2, 0, tzinfo=dt.UTC),
        "new": dt.datetime(2026, 4, 1, 2, 0, tzinfo=dt.UTC),
    }
    rows = {
        "old": ("rina", "complaint.create", "complaint", 7),
        "late_utc": ("budi", "response.create", "response", 3),
        "march": ("rina", "user.disable", "app_user", 12),
        "new": ("budi", "complaint.create", "complaint", 8),
    }
    ids = {}
    with db.transaction() as cur:
        cur.execute("DELETE FROM audit_log")  # only this fixture's rows (test setup)
        for name, (actor, action, entity, entity_id) in rows.items():
            write_audit(cur, actor, action, entity, entity_id, {"a": 1}, {"summary": "=1+1"})
            ids[name] = cur.execute("SELECT max(id) FROM audit_log").fetchone()[0]
            cur.execute(
                "UPDATE audit_log SET logged_at = $at WHERE id = $id",
                {"at": moments[name], "id": ids[name]},
            )
    return ids


def _ids(frame) -> list[int]:
    return frame["id"].tolist()


def test_the_audit_log_comes_newest_first_with_jakarta_times_and_json_as_text(db, trail):
    frame, total = audit.audit_rows(db.cursor())
    assert total == 4
    assert _ids(frame) == [trail["new"], trail["march"], trail["late_utc"], trail["old"]]
    late = frame.set_index("id").loc[trail["late_utc"]]
    assert late["logged_at"] == dt.datetime(2026, 3, 2, 0, 30)  # WIB wall time
    assert late["old_value"] == '{"a": 1}'
    assert json.loads(late["new_value"]) == {"summary": "=1+1"}


def test_the_audit_log_filters_by_user_action_record_and_period(db, trail):
    cur = db.cursor()
    assert _ids(audit.audit_rows(cur, AuditFilter(user="rina"))[0]) == [
        trail["march"],
        trail["old"],
    ]
    assert _ids(audit.audit_rows(cur, AuditFilter(action="complaint.create"))[0]) == [
        trail["new"],
        trail["old"],
    ]
    assert _ids(audit.audit_rows(cur, AuditFilter(entity="complaint", entity_id=7))[0]) == [
        trail["old"]
    ]
    assert _ids(audit.audit_rows(cur, AuditFilter(entity_id=" 12 "))[0]) == [trail["march"]]
    march = audit.audit_rows(
        cur, AuditFilter(date_from=dt.date(2026, 3, 2), date_to=dt.date(2026, 3, 31))
    )
    assert _ids(march[0]) == [trail["march"], trail["late_utc"]]  # days as seen in Jakarta
    first = audit.audit_rows(cur, AuditFilter(date_to=dt.date(2026, 3, 1)))
    assert _ids(first[0]) == [trail["old"]]
    both = audit.audit_rows(
        cur, AuditFilter(user="budi", action="response.create", date_from=dt.date(2026, 3, 2))
    )
    assert (_ids(both[0]), both[1]) == ([trail["late_utc"]], 1)


def test_the_audit_log_pages_and_counts_the_filtered_total(db, trail):
    cur = db.cursor()
    page, total = audit.audit_rows(cur, limit=3, offset=0)
    rest, again = audit.audit_rows(cur, limit=3, offset=3)
    assert (len(page), len(rest), total, again) == (3, 1, 4, 4)
    assert _ids(rest) == [trail["old"]]


def test_audit_filters_are_values_never_sql(db, trail):
    cur = db.cursor()
    for evil in ("rina' OR '1'='1", "x'); DELETE FROM audit_log; --", "%", "r" * 5000):
        frame, total = audit.audit_rows(cur, AuditFilter(user=evil, entity=evil, action=evil))
        assert (len(frame), total) == (0, 0)
        assert audit.audit_rows(cur, AuditFilter(entity_id=evil))[1] == 0
    assert audit.audit_rows(cur)[1] == 4


def test_the_audit_facets_list_each_actor_entity_and_action_once(db, trail):
    assert audit.audit_facets(db.cursor()) == {
        "actor": ["budi", "rina"],
        "entity": ["app_user", "complaint", "response"],
        "action": ["complaint.create", "response.create", "user.disable"],
    }


def test_the_audit_export_keeps_the_filtered_rows_and_user_text_as_text(db, trail):
    data = audit.audit_xlsx(
        db.cursor(),
        ADMIN,
        AuditFilter(user="rina"),
        lang="id",
        title="Jejak Audit",
        filters_text="Filter: Pengguna: rina",
        generated="Dibuat pada 27 November 2026 09.00",
    )
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    header = [c.value for c in sheet[5]]
    assert header == [
        "Waktu (WIB)",
        "Pengguna",
        "Tindakan",
        "Rekaman",
        "ID rekaman",
        "Perubahan (lama → baru)",
    ]
    body = [[c.value for c in row] for row in sheet.iter_rows(min_row=6)]
    # In words: no account "rina" exists, so no role and no name; the record's kind named.
    assert [row[1:5] for row in body] == [
        ["rina", "Menonaktifkan akun pengguna", "Pengguna 12", "12"],
        ["rina", "Mencatat pengaduan", "Pengaduan 7", "7"],
    ]
    assert body[0][0] == dt.datetime(2026, 3, 15, 9, 0)
    assert body[0][5].split("\n") == ["A: 1 → –", "Ringkasan: =1+1"]
    assert sheet.cell(row=6, column=6).data_type == "s"  # user text stays text


def test_the_audit_export_is_refused_to_a_role_without_the_audit_permission(db, trail):
    with pytest.raises(Forbidden):
        audit.audit_xlsx(
            db.cursor(), ANALYST, lang="id", title="Jejak Audit", filters_text="", generated=""
        )


def test_the_user_list_shows_roles_state_and_last_sign_in_but_never_a_password_hash(db):
    uid = _create(db, roles=("kasubbid", "analis"), bidang="Bidang Pemantauan I")
    auth.sign_in(db, "rina", SECRET, NOW)
    users.set_active(db, ADMIN, uid, False, NOW, revision=_rev(db, uid))
    frame = audit.users(db.cursor())
    assert "password_hash" not in frame.columns
    assert not frame.astype(str).apply(lambda col: col.str.contains("scrypt")).any().any()
    assert len(frame) == len(Role) + 1
    rina = frame.set_index("username").loc["rina"]
    assert rina["roles"] == "analis, kasubbid"  # in the order of the Role enum
    assert (rina["full_name"], rina["bidang"], bool(rina["is_active"])) == (
        "Rina Wulandari",
        "Bidang Pemantauan I",
        False,
    )
    assert rina["last_sign_in"] == NOW.replace(tzinfo=None)  # Jakarta wall time
    never = frame.set_index("username").loc[username(Role.PPK)]
    assert never["roles"] == "ppk"
    assert pd.isna(never["last_sign_in"])  # never signed in


def test_the_audit_trail_masks_complainants_unless_the_reader_may_see_them(db, make):
    make.complaint(complainant_name="Siti Aminah", complainant_contact="0812-1111-2222")
    cur = db.cursor()
    masked, _ = audit.audit_rows(cur, AuditFilter(action="complaint.create"))
    assert "Siti Aminah" not in masked["new_value"][0] and "•••" in masked["new_value"][0]
    assert "Sengketa tanah" in masked["new_value"][0]  # the rest of the record stays
    shown, _ = audit.audit_rows(cur, AuditFilter(action="complaint.create"), mask_personal=False)
    assert "Siti Aminah" in shown["new_value"][0]
