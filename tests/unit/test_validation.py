"""The pure checks behind the action forms: every rule, and that every problem says what to do."""

from __future__ import annotations

import pytest

from snaptui.aws.models import BlockDevice, FrozenMap, Instance
from snaptui.aws.validation import (
    VOLUME_LIMITS,
    ValidationError,
    check_attach_target,
    check_availability_zone,
    check_description,
    check_device_name,
    check_id,
    check_image_name,
    check_region,
    check_root_device_name,
    check_tags,
    check_text,
    check_volume,
    require,
)

# ---------------------------------------------------------------------------------------------
# Volumes: (type, size, iops, throughput, snapshot size) -> expected problem fragment or None.

VOLUME_CASES = [
    # sizes
    ("gp3", 100, None, None, 100, None),
    ("gp3", 50, None, None, 100,
     "size 50 GiB is smaller than the snapshot (100 GiB): choose 100 GiB or more"),
    ("gp3", 65536, None, None, None, None),
    ("gp3", 65537, None, None, None, "above the gp3 maximum (65536 GiB): choose at most 65536 GiB"),
    ("gp2", 16384, None, None, None, None),
    ("gp2", 16385, None, None, None, "above the gp2 maximum (16384 GiB)"),
    ("gp2", 16385, None, None, None, "or another type (gp3, io2)"),
    ("io1", 16385, 100, None, None, "above the io1 maximum (16384 GiB)"),
    ("io2", 65536, 1000, None, None, None),  # io2 Block Express
    ("io2", 3, 100, None, None, "io2 volumes are at least 4 GiB"),
    ("st1", 124, None, None, None, "st1 volumes are at least 125 GiB: choose 125 GiB or more"),
    ("sc1", 125, None, None, None, None),
    ("sc1", 16385, None, None, None, "above the sc1 maximum (16384 GiB)"),
    ("standard", 1024, None, None, None, None),
    ("standard", 1025, None, None, None, "above the standard maximum (1024 GiB)"),
    ("gp4", 10, None, None, None, "unknown volume type 'gp4': choose one of gp3, gp2"),
    # no type takes the size: no "or another type (none)"
    ("gp3", 70000, None, None, None,
     "above the gp3 maximum (65536 GiB): choose at most 65536 GiB (no volume type is larger)"),
    ("gp3", 0, None, None, None, "gp3 volumes are at least 1 GiB: choose 1 GiB or more"),
    # gp3 IOPS and throughput
    ("gp3", 1, 3000, 125, None, None),  # the baseline at any size
    ("gp3", 10, 2999, None, None, "IOPS 2999 is below the gp3 minimum (3000): choose 3000..5000"),
    ("gp3", 10, 5000, None, None, None),  # 500 per GiB
    ("gp3", 10, 5001, None, None,
     "more than 500 per GiB for a 10 GiB gp3 volume: choose at most 5000 IOPS, "
     "or a size of 11 GiB"),
    ("gp3", 1000, 80000, 2000, None, None),
    ("gp3", 1000, 80001, None, None, "above the gp3 maximum (80000)"),
    ("gp3", 100, None, 124, None,
     "throughput 124 MiB/s is outside the gp3 range: choose 125..2000"),
    ("gp3", 100, None, 750, None, None),  # 0.25 MiB/s per baseline IOPS
    ("gp3", 100, None, 1000, None, "throughput 1000 MiB/s needs at least 4000 IOPS"),
    ("gp3", 100, 4000, 1000, None, None),
    # io1 / io2
    ("io1", 100, None, None, None, "io1 needs an IOPS value: choose 100..5000"),
    ("io1", 100, 5000, None, None, None),  # 50 per GiB
    ("io1", 100, 5001, None, None, "more than 50 per GiB"),
    ("io1", 2000, 64000, None, None, None),
    ("io1", 2000, 64001, None, None, "above the io1 maximum (64000)"),
    ("io2", 100, 99, None, None, "below the io2 minimum (100)"),
    ("io2", 256, 256000, None, None, None),
    ("io2", 100, 100001, None, None, "more than 1000 per GiB"),
    ("io2", 100, 1000, 200, None, "throughput can only be set for gp3 volumes"),
    # types without IOPS / throughput
    ("gp2", 100, 300, None, None, "gp2 takes no IOPS value"),
    ("st1", 500, None, 250, None,
     "throughput can only be set for gp3 volumes: leave it empty for st1"),
    ("standard", 10, 100, None, None, "standard takes no IOPS value"),
]  # fmt: skip


@pytest.mark.parametrize(("vtype", "size", "iops", "throughput", "snap", "expected"), VOLUME_CASES)
def test_check_volume(
    vtype: str,
    size: int,
    iops: int | None,
    throughput: int | None,
    snap: int | None,
    expected: str | None,
) -> None:
    problems = check_volume(vtype, size, iops, throughput, snapshot_size_gib=snap)
    if expected is None:
        assert problems == []
    else:
        assert any(expected in p for p in problems), problems


def test_no_size_problem_offers_an_empty_list_of_types() -> None:
    for size in (-5, 0, 70000):
        for problem in check_volume("gp3", size):
            assert "(none)" not in problem and "another type ()" not in problem, problem


def test_a_bad_iops_value_is_reported_alone() -> None:
    """Throughput per IOPS is judged against a valid IOPS value: one problem, not two."""
    assert check_volume("gp3", 100, 100, 125) == [
        "IOPS 100 is below the gp3 minimum (3000): choose 3000..50000"
    ]
    assert len(check_volume("gp3", 100, 3000, 1000)) == 1  # valid IOPS: the ratio is checked


def test_every_volume_problem_says_what_to_do() -> None:
    for vtype, size, iops, throughput, snap, _ in VOLUME_CASES:
        for problem in check_volume(vtype, size, iops, throughput, snapshot_size_gib=snap):
            head, sep, advice = problem.partition(": ")
            assert sep and advice.split()[0] in {
                "choose", "leave", "raise",
            }, problem  # fmt: skip


def test_limits_table_covers_every_createvolume_type() -> None:
    assert set(VOLUME_LIMITS) == {"gp2", "gp3", "io1", "io2", "st1", "sc1", "standard"}


# ---------------------------------------------------------------------------------------------
# Ids, regions, zones.


@pytest.mark.parametrize(
    ("value", "kind", "ok"),
    [
        ("snap-0123456789abcdef0", "snapshot", True),
        ("snap-01234567", "snapshot", True),
        ("snap-0123456", "snapshot", False),
        ("snap-0123456789ABCDEF0", "snapshot", False),
        ("vol-ffffffff", "volume", True),
        ("vol-0123456789abcdef0", "snapshot", False),
        ("i-0123456789abcdef0", "instance", True),
        ("i-012345678", "instance", False),
        ("ami-0123456789abcdef0", "image", True),
        ("ami-xyz", "image", False),
        ("", "volume", False),
    ],
)
def test_check_id(value: str, kind: str, ok: bool) -> None:
    problems = check_id(value, kind)
    assert (problems == []) is ok
    if not ok:
        assert "followed by 8 or 17 hex digits" in problems[0]


@pytest.mark.parametrize(
    ("value", "kind", "head"),
    [
        ("snap-1", "snapshot", "'snap-1' is not a snapshot id: "),
        ("vol-1", "volume", "'vol-1' is not a volume id: "),
        ("i-1", "instance", "'i-1' is not an instance id: "),
        ("ami-1", "image", "'ami-1' is not an image id: "),
    ],
)
def test_check_id_speaks_english(value: str, kind: str, head: str) -> None:
    assert check_id(value, kind)[0].startswith(head)


@pytest.mark.parametrize(
    ("region", "ok"),
    [("us-east-1", True), ("us-gov-west-1", True), ("eu-central-2", True), ("useast1", False),
     ("us-east-1a", False), ("", False)],
)  # fmt: skip
def test_check_region(region: str, ok: bool) -> None:
    assert (check_region(region) == []) is ok


ZONES = ["us-east-1a", "us-east-1b", "us-east-1c"]


@pytest.mark.parametrize(
    ("az", "known", "expected"),
    [
        ("us-east-1a", ZONES, None),
        ("us-east-1a", None, None),
        ("us-west-2-lax-1a", None, "not an availability zone name"),
        ("us-east-1-bos-1a", None, None),  # a Local Zone
        ("us-west-2a", ZONES,
         "availability zone us-west-2a is not in region us-east-1: "
         "choose one of us-east-1a, us-east-1b, us-east-1c"),
        ("us-east-10a", None, "is not in region us-east-1: choose a zone like us-east-1a"),
        ("us-east-1z", ZONES, "us-east-1z does not exist"),
        ("", ZONES, "no availability zone chosen"),
        ("east", None, "'east' is not an availability zone name"),
    ],
)  # fmt: skip
def test_check_availability_zone(az: str, known: list[str] | None, expected: str | None) -> None:
    problems = check_availability_zone(az, "us-east-1", known)
    if expected is None:
        assert problems == []
    else:
        assert len(problems) == 1 and expected in problems[0], problems


# ---------------------------------------------------------------------------------------------
# Attachment.


def instance(state: str = "running", az: str = "us-east-1a") -> Instance:
    return Instance(
        id="i-0123456789abcdef0",
        name="db",
        state=state,
        instance_type="t3.small",
        az=az,
        launch_time=None,
        platform=None,
        platform_details=None,
        architecture="x86_64",
        root_device_name="/dev/xvda",
        block_devices=(
            BlockDevice("/dev/xvda", "vol-00000000000000001", True),
            BlockDevice("/dev/xvdf", "vol-00000000000000002", False),
        ),
        private_ip=None,
        image_id=None,
        subnet_id=None,
        vpc_id=None,
        tags=FrozenMap(),
    )


TAKEN = ["/dev/xvda", "/dev/xvdf"]


@pytest.mark.parametrize(
    ("target", "device", "expected"),
    [
        (instance(), "/dev/sdg", None),
        (instance("stopped"), "/dev/sdg", None),
        (instance("terminated"), "/dev/sdg", "is terminated: choose a running or stopped instance"),
        (instance("pending"), "/dev/sdg", "is pending"),
        (instance(az="us-east-1b"), "/dev/sdg",
         "is in us-east-1b but the volume will be in us-east-1a: create the volume in us-east-1b"),
        (instance(), "/dev/sdf",
         "device /dev/sdf is already used on this instance: choose a free one, e.g. /dev/sdg"),
        (instance(), "/dev/xvdf", "already used"),
        (instance(), "/dev/sda", "is not valid for a data volume"),  # the root slot
        (instance(), "sdg", "is not valid for a data volume: use /dev/sdf ... /dev/sdp"),
        (instance(), "/dev/nvme1n1", "is not valid"),
    ],
)  # fmt: skip
def test_check_attach_target(target: Instance, device: str, expected: str | None) -> None:
    problems = check_attach_target(target, "us-east-1a", device, TAKEN)
    if expected is None:
        assert problems == []
    else:
        assert any(expected in p for p in problems), problems


def test_a_taken_device_when_every_slot_is_taken() -> None:
    taken = [f"/dev/sd{letter}" for letter in "afghijklmnop"]
    assert check_device_name("/dev/sdf", taken) == [
        "device /dev/sdf is already used on this instance, and so is every other data device "
        "(/dev/sdf ... /dev/sdp): choose another instance"
    ]


def test_device_names() -> None:
    assert check_device_name("/dev/sdp") == []
    assert check_device_name("/dev/xvdz") == []
    assert check_device_name("/dev/sda1")  # a partition name is no attach target
    assert check_root_device_name("/dev/xvda") == []
    assert check_root_device_name("/dev/sda1") == []
    assert "use /dev/xvda" in check_root_device_name("/dev/sdf")[0]


# ---------------------------------------------------------------------------------------------
# Tags, descriptions, names.


@pytest.mark.parametrize(
    ("tags", "expected"),
    [
        ({"env": "prod", "": "x"}, "a tag key is empty"),
        ({"aws:cloudformation:stack": "x"}, "starts with 'aws:', which AWS reserves: rename it"),
        ({"AWS:Thing": "x"}, "starts with 'aws:'"),
        ({"snaptui:request-id": "x"}, "is set by snaptui itself: choose another key"),
        ({"k" * 129: "x"}, "is 129 characters: shorten it to 128"),
        ({"k": "v" * 257}, "has a value of 257 characters: shorten it to 256"),
        ({f"k{i}": "v" for i in range(51)}, "51 tags given: AWS allows 50 per resource"),
        ({"ticket": "OPS-1\x1b[2J"}, "tag 'ticket' contains control characters ('\\x1b')"),
        ({"tic\nket": "x"}, "tag 'tic\\nket' contains control characters ('\\n')"),
    ],
)
def test_check_tags(tags: dict[str, str], expected: str) -> None:
    problems = check_tags(tags)
    assert any(expected in p for p in problems), problems


def test_valid_tags_pass() -> None:
    assert check_tags({"k" * 128: "v" * 256, "Name": "", "team": "storage"}) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("pre-deploy snapshot, ticket OPS-12 (ünïcode ok)", None),
        ("x" * 255, None),
        ("x" * 256, "description is 256 characters: shorten it to 255"),
        (
            "two\nlines",
            "contains control characters ('\\n'): remove them (line breaks, tabs and terminal "
            "escape codes cannot be sent)",
        ),
        ("tab\there", "'\\t'"),
        ("bell\x07", "'\\x07'"),
    ],
)
def test_check_description(text: str, expected: str | None) -> None:
    problems = check_description(text)
    assert (problems == []) if expected is None else any(expected in p for p in problems)


@pytest.mark.parametrize(
    ("text", "bad"),
    [
        ("ünïcode, 日本語, emoji 🙂, ZWJ 👩\u200d💻", None),  # EC2 takes UTF-8
        ("red \x1b[31malert", "'\\x1b'"),  # a terminal escape code
        ("nul\x00byte", "'\\x00'"),
        ("c1 \x9b control", "'\\x9b'"),
        ("line\u2028separator", "'\\u2028'"),
        ("right-to-left \u202eoverride", "'\\u202e'"),
        ("cr\r and lf\n", "'\\n', '\\r'"),
    ],
)
def test_check_text_refuses_control_characters_only(text: str, bad: str | None) -> None:
    problems = check_text(text, "reason")
    if bad is None:
        assert problems == []
    else:
        assert problems == [
            f"reason contains control characters ({bad}): remove them (line breaks, tabs and "
            "terminal escape codes cannot be sent)"
        ]
        assert not any(c in problems[0] for c in "\x1b\x00\x9b\u2028\u202e\r\n")


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("web-2026.11.26 (arm64) [rc1] it's @ops/build_7", None),
        ("ab", "image name is 2 characters: use 3 to 128"),
        ("a" * 129, "use 3 to 128"),
        ("no*stars", "image name contains '*': use only letters, digits"),
        ("colon:bad", "':'"),
    ],
)
def test_check_image_name(name: str, expected: str | None) -> None:
    problems = check_image_name(name)
    assert (problems == []) if expected is None else any(expected in p for p in problems)


def test_require_collects_every_problem() -> None:
    require([], [])
    with pytest.raises(ValidationError) as info:
        require(["one: choose x"], [], ["two: choose y"])
    assert info.value.problems == ("one: choose x", "two: choose y")
    assert str(info.value) == "one: choose x; two: choose y"
