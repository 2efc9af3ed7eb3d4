import pytest

from portal.organisations.rules import (
    InvalidIdentifier,
    clean_brin,
    clean_crebo,
    clean_enterprise_number,
    clean_kvk,
    clean_location_code,
    identify_company_number,
)


def mod97_check(digits: str) -> int:
    return 97 - int(digits[:8]) % 97


def reason_of(func, value) -> str:
    with pytest.raises(InvalidIdentifier) as caught:
        func(value)
    return caught.value.reason


def test_real_enterprise_numbers_satisfy_mod97():
    # Independent of the code under test: the published numbers' last two digits.
    assert mod97_check("0403170701") == 1
    assert mod97_check("0202239951") == 51


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("12345678", "12345678"),
        ("1234 5678", "12345678"),
        ("12.34.56.78", "12345678"),
        ("1234-5678", "12345678"),
        (" 01234567 ", "01234567"),
    ],
)
def test_clean_kvk_accepts_8_digits(value, expected):
    assert clean_kvk(value) == expected


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("", "empty"),
        ("  ", "empty"),
        (" .-", "empty"),
        ("1234567", "format"),
        ("123456789", "format"),
        ("1234567a", "format"),
        ("１２３４５６７８", "format"),  # full-width digits are not ASCII digits
    ],
)
def test_clean_kvk_rejects(value, reason):
    assert reason_of(clean_kvk, value) == reason


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("0403170701", "0403170701"),
        ("BE 0403.170.701", "0403170701"),
        ("BE0403170701", "0403170701"),
        ("be0403170701", "0403170701"),
        ("0403.170.701", "0403170701"),
        ("403170701", "0403170701"),
        ("BE 403.170.701", "0403170701"),
        ("0202.239.951", "0202239951"),
        ("BE 0202 239 951", "0202239951"),
    ],
)
def test_clean_enterprise_number_accepts_common_forms(value, expected):
    assert clean_enterprise_number(value) == expected


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("", "empty"),
        ("0403170702", "checksum"),
        ("0202239915", "checksum"),
        ("BE0403170700", "checksum"),
        # Valid mod-97 digits, but enterprise numbers start with 0 or 1.
        ("2403170701", "format"),
        ("040317070", "checksum"),
        ("04031707011", "format"),
        ("04031707", "format"),
        ("BE04031707AB", "format"),
        ("NL0403170701", "format"),
    ],
)
def test_clean_enterprise_number_rejects(value, reason):
    assert reason_of(clean_enterprise_number, value) == reason


def test_starting_with_2_is_format_even_when_checksum_matches():
    digits = "24031707"
    number = digits + f"{mod97_check(digits + '00'):02d}"
    assert mod97_check(number) == int(number[8:])
    assert reason_of(clean_enterprise_number, number) == "format"


def test_enterprise_check_digits_can_be_97():
    # 97 - 0 gives 97: the check must not wrap to 00.
    first_eight = f"{97 * 12345:08d}"
    assert reason_of(clean_enterprise_number, first_eight + "00") == "checksum"
    assert clean_enterprise_number(first_eight + "97") == first_eight + "97"


@pytest.mark.parametrize(
    ("value", "expected"),
    [("25lh", "25LH"), ("25LH", "25LH"), (" 00ab ", "00AB"), ("30 AB", "30AB")],
)
def test_clean_brin(value, expected):
    assert clean_brin(value) == expected


@pytest.mark.parametrize(
    ("value", "reason"),
    [("", "empty"), ("25L", "format"), ("2LH5", "format"), ("25LHX", "format"), ("ABCD", "format")],
)
def test_clean_brin_rejects(value, reason):
    assert reason_of(clean_brin, value) == reason


@pytest.mark.parametrize(
    ("value", "expected"), [("", "00"), (None, "00"), (" ", "00"), ("01", "01"), ("12", "12")]
)
def test_clean_location_code(value, expected):
    assert clean_location_code(value) == expected


@pytest.mark.parametrize("value", ["1", "123", "a1", "0x"])
def test_clean_location_code_rejects(value):
    assert reason_of(clean_location_code, value) == "format"


@pytest.mark.parametrize(("value", "expected"), [("25180", "25180"), (" 25 180 ", "25180")])
def test_clean_crebo(value, expected):
    assert clean_crebo(value) == expected


@pytest.mark.parametrize(
    ("value", "reason"),
    [("", "empty"), ("2518", "format"), ("251800", "format"), ("2518a", "format")],
)
def test_clean_crebo_rejects(value, reason):
    assert reason_of(clean_crebo, value) == reason


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("12345678", ("kvk", "12345678")),
        ("1234 56 78", ("kvk", "12345678")),
        ("BE 0403.170.701", ("enterprise", "0403170701")),
        ("0403170701", ("enterprise", "0403170701")),
        ("403170701", ("enterprise", "0403170701")),
        ("BE0202239951", ("enterprise", "0202239951")),
    ],
)
def test_identify_company_number(value, expected):
    assert identify_company_number(value) == expected


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("", "empty"),
        ("1234567", "format"),
        ("BE12345678", "format"),
        ("0403170702", "checksum"),
        ("12345678901", "format"),
    ],
)
def test_identify_company_number_rejects(value, reason):
    assert reason_of(identify_company_number, value) == reason


def test_invalid_identifier_is_a_value_error():
    error = InvalidIdentifier("format")
    assert isinstance(error, ValueError)
    assert error.reason == "format"
