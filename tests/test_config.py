"""The source registry."""

from __future__ import annotations

import pytest

from clusterharvest.config import (
    FETCH_MAXIMUM,
    FETCH_MINIMUM,
    GATE_MAXIMUM,
    GATE_MINIMUM,
    FetchSettings,
    Gates,
    field_types,
    load_registry,
)
from clusterharvest.errors import ConfigError
from clusterharvest.kinds import kind_names

from .conftest import ROOT


def test_shipped_registry_has_the_five_sources():
    reg = load_registry(ROOT / "sources.toml")
    assert len(reg.sources) == 5
    assert {s.kind for s in reg.sources} == set(kind_names())
    directory = reg.get("interspin-directory-en")
    assert directory.url == "https://interspin.de/en/cluster-network" and directory.lang == "en"
    flyer = reg.get("bmbf-flyer-2016")
    assert flyer.is_file and (ROOT / flyer.url).is_file()
    assert {s.location.split("/")[2] for s in reg.sources if not s.is_file} == {
        "www.bmbf.de", "germanylandofinnovation.com", "germanylandofinnovation.wordpress.com", "interspin.de"}
    assert directory.gates.min_entries == 25 and directory.gates.max_shrink == 0.1
    assert reg.get("announcement-round-3-2017").round == 3


def test_url_forms(tmp_path):
    (tmp_path / "sources.toml").write_text(
        '[[source]]\nid = "a"\nurl = "pages/a.html"\nkind = "cluster-directory"\nlang = "de"\n'
        f'[[source]]\nid = "b"\nurl = "file://{tmp_path}/b.html"\nkind = "flyer"\nlang = "en"\n'
        '[[source]]\nid = "c"\nurl = "https://example.org/c"\nkind = "announcement"\nlang = "en"\n')
    reg = load_registry(tmp_path / "sources.toml")
    assert reg.get("a").location == str(tmp_path / "pages" / "a.html")
    assert reg.get("b").location == str(tmp_path / "b.html")
    assert not reg.get("c").is_file and reg.get("c").location == "https://example.org/c"


@pytest.mark.parametrize(("body", "message"), [
    ('[[source]]\nid = "a"\nurl = "ftp://x/a"\nkind = "flyer"\nlang = "en"\n', "only http, https, file"),
    ('[[source]]\nid = "a"\nurl = "a.pdf"\nkind = "brochure"\nlang = "en"\n', "unknown kind"),
    ('[[source]]\nid = "a"\nurl = "a.pdf"\nkind = "flyer"\nlang = "fr"\n', "unknown lang"),
    ('[[source]]\nid = "a"\nkind = "flyer"\nlang = "en"\n', "lacks url"),
    ('[fetch]\nspeed = 3\n[[source]]\nid = "a"\nurl = "a"\nkind = "flyer"\nlang = "en"\n',
     "\\[fetch\\]: unknown settings \\['speed'\\]"),
    ('[fetch]\nmax_tries = 2\n', "no \\[\\[source\\]\\]"),
    ('[[source]\n', "not valid TOML"),
])
def test_bad_registries_are_clear_errors(tmp_path, body, message):
    (tmp_path / "s.toml").write_text(body)
    with pytest.raises(ConfigError, match=message):
        load_registry(tmp_path / "s.toml")


DIRECTORY = '[[source]]\nid = "d"\nurl = "d.html"\nkind = "cluster-directory"\nlang = "en"\n'


def test_every_directory_source_has_gates_by_default(tmp_path):
    (tmp_path / "s.toml").write_text(DIRECTORY)
    gates = load_registry(tmp_path / "s.toml").get("d").gates
    assert (gates.min_entries, gates.max_entries, gates.max_growth, gates.max_shrink, gates.max_quarantined,
            gates.max_duplicates, gates.max_value_loss, gates.max_new_issues) == (1, None, 3.0, 0.1, 0.1, 0, 0.1, 10)


def test_value_gates_take_their_whole_range(tmp_path):
    (tmp_path / "s.toml").write_text(DIRECTORY + "max_value_loss = 0\nmax_new_issues = 0\n")
    gates = load_registry(tmp_path / "s.toml").get("d").gates
    assert (gates.max_value_loss, gates.max_new_issues) == (0.0, 0)
    (tmp_path / "s.toml").write_text(DIRECTORY + "max_value_loss = 1\nmax_new_issues = 100000\n")
    gates = load_registry(tmp_path / "s.toml").get("d").gates
    assert (gates.max_value_loss, gates.max_new_issues) == (1.0, 100000)


BAD = [
    ('[fetch]\nmax_tries = 0\n' + DIRECTORY, "max_tries must be at least 1"),
    ('[fetch]\nread_timeout = -1\n' + DIRECTORY, "read_timeout must be at least"),
    ('[fetch]\nconnect_timeout = "fast"\n' + DIRECTORY, "connect_timeout must be a number"),
    ('fetch = 5\n' + DIRECTORY, "\\[fetch\\] must be a table"),
    ('[fetch]\nuser_agent = "my crawler/1.0"\n' + DIRECTORY, "user_agent must start with a product token"),
    ('[fetch]\nuser_agent = "/1.0 (no name)"\n' + DIRECTORY, "user_agent must start with a product token"),
    ('[source]\nid = "d"\nurl = "d.html"\nkind = "cluster-directory"\nlang = "en"\n', "not \\[source\\]"),
    (DIRECTORY.replace('"d"', '"a\\u0000b"', 1), "must be a slug"),
    (DIRECTORY.replace('"d"', "5", 1), "id must be a string"),
    (DIRECTORY.replace('"d"', '"../../../x"', 1), "must be a slug"),
    (DIRECTORY.replace('"d"', '"/tmp/x"', 1), "must be a slug"),
    (DIRECTORY.replace('"d.html"', '"http://[::1/dir"', 1), "not a valid URL"),
    (DIRECTORY.replace('"d.html"', '"http://127.0.0.2:80\\\\@127.0.0.1/x"', 1), "backslashes and user names"),
    (DIRECTORY + 'min_entries = "abc"\n', "min_entries must be a whole number"),
    (DIRECTORY + 'min_entires = 3\n', "unknown settings \\['min_entires'\\]"),
    (DIRECTORY + 'max_shrink = 1.5\n', "max_shrink must be at most 1"),
    (DIRECTORY + 'max_value_loss = 1.5\n', "max_value_loss must be at most 1"),
    (DIRECTORY + 'max_value_loss = -0.1\n', "max_value_loss must be at least 0"),
    (DIRECTORY + 'max_value_loss = "10%"\n', "max_value_loss must be a number"),
    (DIRECTORY + 'max_value_loss = true\n', "max_value_loss must be a number"),
    (DIRECTORY + 'max_new_issues = -1\n', "max_new_issues must be at least 0"),
    (DIRECTORY + 'max_new_issues = 2.5\n', "max_new_issues must be a whole number"),
    (DIRECTORY + 'max_new_issues = "10"\n', "max_new_issues must be a whole number"),
    (DIRECTORY + 'max_value_los = 0.2\n', "unknown settings \\['max_value_los'\\]"),
    ('[[source]]\nid = "a"\nurl = "a.html"\nkind = "flyer"\nlang = "en"\nmax_new_issues = 3\n',
     "publish gates are for directory sources"),
    (DIRECTORY + 'round = "abc"\n', "round must be a whole number"),
    (DIRECTORY + 'archive = "no"\n', "archive must be true or false"),
    ('[[source]]\nid = "a"\nurl = "a.html"\nkind = "announcement"\nlang = "en"\nmin_entries = 3\n',
     "publish gates are for directory sources"),
]


@pytest.mark.parametrize(("body", "message"), BAD)
def test_bad_settings_are_one_line_errors_naming_the_key(tmp_path, body, message):
    (tmp_path / "s.toml").write_text(body)
    with pytest.raises(ConfigError, match=message) as caught:
        load_registry(tmp_path / "s.toml")
    assert "\n" not in str(caught.value)


def test_an_uppercase_scheme_is_a_url_not_a_file(tmp_path):
    (tmp_path / "s.toml").write_text(DIRECTORY.replace('"d.html"', '"HTTP://Example.org/d"', 1))
    source = load_registry(tmp_path / "s.toml").get("d")
    assert not source.is_file and source.location == "http://Example.org/d"


@pytest.mark.parametrize("setup", ["not-utf8", "a-folder"])
def test_unreadable_registries_are_one_line_errors_on_the_command_line(tmp_path, setup):
    import subprocess
    import sys

    path = tmp_path / "s.toml"
    if setup == "not-utf8":
        path.write_bytes(DIRECTORY.encode() + b'# caf\xe9\n')
    else:
        path.mkdir()
    res = subprocess.run([sys.executable, "-m", "clusterharvest.cli", "harvest", "--sources", str(path)],
                         capture_output=True, text=True, timeout=60)
    assert res.returncode == 1
    [line] = res.stderr.splitlines()
    assert line.startswith(f"clusterharvest: error: {path}: ") and ("not UTF-8" in line or "is a folder" in line)


# -- every number in sources.toml is finite and in range (issue 22, item 3) ------------------------------------

# Each numeric key, where it is written, its largest allowed value and whether zero is allowed.
NUMERIC = [
    ("fetch", "connect_timeout", 600, False), ("fetch", "read_timeout", 3600, False),
    ("fetch", "deadline", 3600, False), ("fetch", "max_bytes", 1_000_000_000, False),
    ("fetch", "min_interval", 3600, True), ("fetch", "max_tries", 10, False), ("fetch", "backoff", 60, True),
    ("fetch", "max_retry_after", 3600, True), ("fetch", "max_redirects", 20, True),
    ("gate", "min_entries", 100_000, True), ("gate", "max_entries", 100_000, False),
    ("gate", "max_growth", 1000, False), ("gate", "max_shrink", 1, True), ("gate", "max_quarantined", 1, True),
    ("gate", "max_duplicates", 100_000, True), ("gate", "max_value_loss", 1, True),
    ("gate", "max_new_issues", 1_000_000, True), ("gate", "round", 99, False),
]


def with_setting(table: str, key: str, value: str) -> str:
    """A registry with one numeric setting written in TOML."""
    return f"[fetch]\n{key} = {value}\n" + DIRECTORY if table == "fetch" else DIRECTORY + f"{key} = {value}\n"


@pytest.mark.parametrize(("table", "key", "value"), [
    (table, key, value) for table, key, maximum, zero_ok in NUMERIC
    for value in ["nan", "inf", "-inf", "-1", *([] if zero_ok else ["0"]), str(maximum + 1), "1e30"]])
def test_a_number_that_is_not_finite_or_out_of_range_is_an_error_naming_the_key(tmp_path, table, key, value):
    (tmp_path / "s.toml").write_text(with_setting(table, key, value))
    with pytest.raises(ConfigError, match=f": {key} must be ") as caught:
        load_registry(tmp_path / "s.toml")
    assert "\n" not in str(caught.value), caught.value


@pytest.mark.parametrize(("table", "key", "maximum", "zero_ok"), NUMERIC)
def test_every_number_takes_its_bounds(tmp_path, table, key, maximum, zero_ok):
    for value in [maximum, 0 if zero_ok else 1]:
        (tmp_path / "s.toml").write_text(with_setting(table, key, str(value)))
        registry = load_registry(tmp_path / "s.toml")
        settings = registry.fetch if table == "fetch" else registry.get("d") if key == "round" else \
            registry.get("d").gates
        assert getattr(settings, key) == value, (key, value)


def test_every_numeric_setting_has_both_bounds():
    for cls, minimum, maximum in ((FetchSettings, FETCH_MINIMUM, FETCH_MAXIMUM), (Gates, GATE_MINIMUM, GATE_MAXIMUM)):
        numeric = {k for k, kind in field_types(cls).items() if kind in (int, float)}
        assert numeric == set(minimum) == set(maximum), (cls.__name__, numeric ^ set(minimum), numeric ^ set(maximum))
        assert all(minimum[k] < maximum[k] for k in numeric)


# -- a registry has at most MAX_SOURCES sources (issue 22, item 9) --------------------------------------------

@pytest.mark.parametrize("count", [200, 201])
def test_a_registry_over_the_source_limit_is_an_error(tmp_path, count):
    (tmp_path / "s.toml").write_text("".join(f'[[source]]\nid = "s{n}"\nurl = "https://example.org/{n}"\n'
                                             'kind = "announcement"\nlang = "en"\n' for n in range(count)))
    if count == 200:
        assert len(load_registry(tmp_path / "s.toml").sources) == 200
    else:
        with pytest.raises(ConfigError) as err:
            load_registry(tmp_path / "s.toml")
        assert str(err.value) == f"{tmp_path / 's.toml'}: 201 [[source]] tables, more than the 200 a registry may " \
            "have", err.value


# -- a URL's port and the User-Agent are checked with the rest (issue 22, item 10) ----------------------------

@pytest.mark.parametrize(("body", "message"), [
    (DIRECTORY.replace('"d.html"', '"http://127.0.0.1:99999/dir"', 1),
     "source 'd': url 'http://127.0.0.1:99999/dir': the port must be a number from 1 to 65535"),
    (DIRECTORY.replace('"d.html"', '"http://127.0.0.1:-1/dir"', 1),
     "source 'd': url 'http://127.0.0.1:-1/dir': the port must be a number from 1 to 65535"),
    (DIRECTORY.replace('"d.html"', '"http://127.0.0.1:0/dir"', 1),
     "source 'd': url 'http://127.0.0.1:0/dir': the port must be a number from 1 to 65535"),
    (DIRECTORY.replace('"d.html"', '"https://[::1]:70000/dir"', 1),
     "source 'd': url 'https://[::1]:70000/dir': the port must be a number from 1 to 65535"),
    ('[archive]\nwayback = "http://127.0.0.1:99999"\n' + DIRECTORY,
     "[archive] wayback 'http://127.0.0.1:99999': the port must be a number from 1 to 65535"),
    ('[archive]\nwayback = "http://127.0.0.1:-1"\n' + DIRECTORY,
     "[archive] wayback 'http://127.0.0.1:-1': the port must be a number from 1 to 65535"),
    ('[fetch]\nuser_agent = "clusterharvest/0.2 \u2014 contact ops@example.org"\n' + DIRECTORY,
     "[fetch]: user_agent must be printable ASCII (it is sent as the User-Agent header), not "
     "'clusterharvest/0.2 \u2014 contact ops@example.org'"),
    ('[fetch]\nuser_agent = "clusterharvest/0.2\\r\\nX-Injected: 1"\n' + DIRECTORY,
     "[fetch]: user_agent must be printable ASCII (it is sent as the User-Agent header), not "
     "'clusterharvest/0.2\\r\\nX-Injected: 1'"),
], ids=["port-99999", "port-minus-1", "port-0", "ipv6-port-70000", "wayback-99999", "wayback-minus-1",
        "user-agent-em-dash", "user-agent-line-break"])
def test_a_url_port_or_user_agent_no_request_can_carry_is_an_error_naming_the_key(tmp_path, body, message):
    (tmp_path / "s.toml").write_text(body, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_registry(tmp_path / "s.toml")
    assert str(caught.value) == f"{tmp_path / 's.toml'}: {message}", caught.value


def test_a_port_out_of_range_is_one_error_line_for_backfill_too(tmp_path):
    import subprocess
    import sys

    (tmp_path / "s.toml").write_text('[archive]\nwayback = "http://127.0.0.1:1"\n' + DIRECTORY.replace(
        '"d.html"', '"http://127.0.0.1:99999/dir"', 1), encoding="utf-8")
    res = subprocess.run([sys.executable, "-m", "clusterharvest.cli", "backfill", "--sources", str(tmp_path / "s.toml"),
                          "--out", str(tmp_path / "hist"), "--raw", str(tmp_path / "raw")], capture_output=True,
                         text=True, timeout=60)
    assert (res.returncode, res.stderr) == (1, f"clusterharvest: error: {tmp_path / 's.toml'}: source 'd': url "
                                               "'http://127.0.0.1:99999/dir': the port must be a number from 1 to "
                                               "65535\n"), res.stderr
