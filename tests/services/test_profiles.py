"""Companies and schools keep their own profile: data, a new number sent back to the
Technocentrum, a rejected claim corrected and sent again, locations, and the logo."""
import io
from pathlib import Path

import pytest
from flask_babel import gettext
from flask_login import AnonymousUserMixin
from PIL import Image, PngImagePlugin
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from portal import security
from portal.audit import AuditEvent
from portal.errors import NotAllowed, NotFound, ValidationFailed
from portal.extensions import db
from portal.moderation import services as moderation
from portal.organisations import logos, profiles
from portal.organisations import services as organisations
from portal.organisations.models import Company, Location
from portal.taxonomy.services import sector_by_code


@pytest.fixture(autouse=True)
def upload_dir(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "UPLOAD_DIR", str(tmp_path))
    return tmp_path / "logos"


TAKEN = "A company with this number is already registered."
NOT_AN_IMAGE = ("This file is not a PNG, JPEG or WebP image. Save the logo in one of these "
                "formats and try again.")


def said(message, **values):
    """A message as the user reads it, in the portal's language (Dutch by default)."""
    return gettext(message, **values)


def sector_ids(*codes):
    return [sector_by_code(code).id for code in codes]


def events(subject, action=None):
    db.session.expire_all()
    query = select(AuditEvent).where(AuditEvent.subject_type == "organisations",
                                     AuditEvent.subject_id == subject.id)
    if action:
        query = query.where(AuditEvent.action == action)
    return list(db.session.scalars(query.order_by(AuditEvent.id)))


def event_count():
    return db.session.scalar(select(func.count(AuditEvent.id)))


def profile(company, **overrides):
    """update_company's fields as the company has them now, with `overrides`."""
    fields = {"name": company.name, "number": company.kvk_number or company.enterprise_number,
              "place_name": company.place.label, "sector_ids": [s.id for s in company.sectors],
              "description": company.description, "website": company.website}
    fields.update(overrides)
    return fields


def update(company, actor=None, **overrides):
    return profiles.update_company(actor=actor or owner(company), company=company,
                                        **profile(company, **overrides))


def owner(organisation):
    return organisation.memberships[0].user


def snapshot(company):
    db.session.expire_all()
    company = db.session.get(Company, company.id)
    return (company.name, company.kvk_number, company.enterprise_number, company.place_id,
            company.description, company.website, company.status, company.logo,
            sorted(s.id for s in company.sectors),
            [(loc.name, loc.place_id, loc.address) for loc in company.locations])


def refused(call, subject, **kwargs):
    """Run a use case that must fail validation and leave the company and the log alone."""
    before, logged = snapshot(subject), event_count()
    with pytest.raises(ValidationFailed) as failed:
        call(**kwargs)
    assert snapshot(subject) == before
    assert event_count() == logged
    return failed.value.errors


def image(kind="PNG", size=(1200, 600), **save):
    buffer = io.BytesIO()
    Image.new("RGB", size, (11, 79, 138)).save(buffer, kind, **save)
    return buffer.getvalue()


# --- the company's profile -------------------------------------------------------------------


def test_a_member_edits_the_profile_and_the_company_stays_approved(make):
    company = make.company()
    colleague = make.user(security.COMPANY_MEMBER)
    organisations.add_member(actor=owner(company), organisation=company, user=colleague)

    update(company, actor=colleague, name="Scheldestaal B.V.", place_name="Goes",
           sector_ids=sector_ids("metaal", "maritiem"), description="Lassen en frezen.",
           website="https://scheldestaal.example")

    db.session.expire_all()
    assert (company.name, company.place.name, company.description, company.website) == (
        "Scheldestaal B.V.", "Goes", "Lassen en frezen.", "https://scheldestaal.example")
    assert sorted(s.code for s in company.sectors) == ["maritiem", "metaal"]
    assert company.status == "approved"
    [event] = events(company, "company.updated")
    assert event.actor_id == colleague.id
    assert sorted(event.details["fields"]) == ["description", "name", "place", "sectors",
                                               "website"]
    assert events(company, "company.resubmitted") == []


def test_a_new_kvk_number_sends_an_approved_company_back_to_the_moderator(make):
    company = make.company()

    update(company, number="8765 4321")

    db.session.expire_all()
    assert company.kvk_number == "87654321"
    assert (company.status, company.decided_at) == ("pending", None)
    assert events(company, "company.updated")[0].details["fields"] == ["number"]
    assert events(company, "company.resubmitted")[0].details == {"cause": "number"}
    moderator = make.moderator()
    assert company.id in [c.subject.id for c in moderation.moderation_queue(actor=moderator)[0]]


def test_a_belgian_number_replaces_the_kvk_number(make):
    company = make.company()

    update(company, number="BE 0403.170.701")

    db.session.expire_all()
    assert (company.kvk_number, company.enterprise_number) == (None, "0403170701")
    assert company.status == "pending"


def test_the_same_number_typed_otherwise_changes_nothing(make):
    company = make.company(number="12345678")
    logged = event_count()

    update(company, number="1234.5678")

    db.session.expire_all()
    assert company.status == "approved"
    assert event_count() == logged  # nothing changed, nothing to log


def test_a_pending_company_with_a_new_number_stays_pending(make):
    company = make.company(approved=False)

    update(company, number="87654321")

    assert company.status == "pending"
    assert events(company, "company.resubmitted") == []


def test_a_number_of_another_company_is_refused(make):
    other = make.company()
    company = make.company()

    assert refused(update, company, company=company, number=other.kvk_number) == {
        "number": said(TAKEN)}


def test_all_errors_of_the_profile_come_together(make):
    company = make.company()

    errors = refused(update, company, company=company, name=" ", number="1234",
                     place_name="Nergenshuizen", sector_ids=[])

    assert set(errors) == {"name", "number", "place", "sectors"}


# --- a rejected claim ------------------------------------------------------------------------


def test_a_rejected_company_no_longer_holds_its_number(make):
    false_claim = make.rejected_company()

    real = make.company(number=false_claim.kvk_number, approved=False)

    assert real.kvk_number == false_claim.kvk_number
    assert real.status == "pending"


def test_the_database_keeps_a_number_unique_among_companies_not_rejected(make):
    company = make.company(approved=False)
    copy = Company(name="Kopie", kvk_number=company.kvk_number, status="pending",
                   place=company.place)
    with pytest.raises(IntegrityError), db.session.begin_nested():
        db.session.add(copy)
        db.session.flush()
    copy = Company(name="Afgewezen kopie", kvk_number=company.kvk_number, status="rejected",
                   place=company.place)
    with db.session.begin_nested():
        db.session.add(copy)
    assert copy.id is not None


def test_a_rejected_company_corrects_its_data_and_sends_it_again(make):
    company = make.rejected_company()
    update(company, name="Echte naam B.V.", number="87654321")
    assert company.status == "rejected"  # saving alone does not send it

    profiles.resubmit_company(actor=owner(company), company=company)

    db.session.expire_all()
    assert (company.status, company.decision_reason, company.decided_at) == (
        "pending", None, None)
    assert events(company, "company.resubmitted")[-1].details == {"cause": "correction"}
    assert events(company, "company.rejected")[0].details["reason"]  # the log keeps the reason


def test_a_rejected_company_whose_number_was_taken_since_cannot_be_sent_again(make):
    company = make.rejected_company()
    make.company(number=company.kvk_number)  # the real company registers its number

    errors = refused(profiles.resubmit_company, company, actor=owner(company),
                     company=company)

    assert errors == {"number": said(
        "Another company has registered this number since. Check the number and correct it "
        "before you submit your company again.")}
    update(company, number="87654321")
    profiles.resubmit_company(actor=owner(company), company=company)
    assert company.status == "pending"


@pytest.mark.parametrize("approved", [True, False])
def test_only_a_rejected_company_is_sent_again(make, approved):
    company = make.company(approved=approved)

    errors = refused(profiles.resubmit_company, company, actor=owner(company),
                     company=company)

    assert set(errors) == {""}


# --- who may change a company ----------------------------------------------------------------


WRONG_USERS = {
    "another company's member": lambda make: owner(make.company(place="Goes")),
    "a teacher": lambda make: owner(make.school()),
    "a visitor": lambda make: AnonymousUserMixin(),
    "a moderator of the region": lambda make: make.moderator(),
}


@pytest.mark.parametrize("who", WRONG_USERS)
def test_only_the_companys_members_change_it(make, who):
    company = make.rejected_company()
    main = company.locations[0]
    actor = WRONG_USERS[who](make)
    before, logged = snapshot(company), event_count()
    calls = [
        lambda: update(company, actor=actor, name="Overgenomen"),
        lambda: profiles.resubmit_company(actor=actor, company=company),
        lambda: profiles.set_company_logo(actor=actor, company=company,
                                               upload=io.BytesIO(image())),
        lambda: profiles.remove_company_logo(actor=actor, company=company),
        lambda: profiles.add_location(actor=actor, company=company, name="Werf",
                                           place_name="Goes"),
        lambda: profiles.update_location(actor=actor, location=main, name="Werf",
                                              place_name="Goes"),
        lambda: profiles.remove_location(actor=actor, location=main),
    ]
    for call in calls:
        with pytest.raises(NotAllowed):
            call()
    with pytest.raises(NotFound):
        profiles.get_own_location(actor, main.id)
    assert snapshot(company) == before
    assert event_count() == logged


# --- the school's profile --------------------------------------------------------------------


def test_a_teacher_edits_the_schools_profile(make):
    school = make.school(stage="vo")
    teacher = owner(school)

    profiles.update_school(actor=teacher, school=school, name="Scalda Vlissingen",
                                place_name="Vlisingen", stage="mbo",
                                sector_ids=sector_ids("maritiem"))

    db.session.expire_all()
    assert (school.name, school.place.name, school.school_stage) == (
        "Scalda Vlissingen", "Vlissingen", "mbo")
    assert [s.code for s in school.sectors] == ["maritiem"]
    [event] = events(school, "school.updated")
    assert sorted(event.details["fields"]) == ["name", "place", "sectors", "stage"]


def test_a_wrong_school_profile_is_refused_whole(make):
    school = make.school()
    before = (school.name, school.place_id, school.school_stage)

    with pytest.raises(ValidationFailed) as failed:
        profiles.update_school(actor=owner(school), school=school, name="",
                                    place_name="Goes", stage="university", sector_ids=[])

    assert set(failed.value.errors) == {"name", "stage"}
    db.session.expire_all()
    assert (school.name, school.place_id, school.school_stage) == before


@pytest.mark.parametrize("who", ["another school's teacher", "a company member", "a visitor"])
def test_only_the_schools_members_change_it(make, who):
    school = make.school()
    actor = {"another school's teacher": lambda: owner(make.school()),
             "a company member": lambda: owner(make.company()),
             "a visitor": AnonymousUserMixin}[who]()

    with pytest.raises(NotAllowed):
        profiles.update_school(actor=actor, school=school, name="Overgenomen",
                                    place_name="Goes", stage="vo")

    db.session.expire_all()
    assert school.name != "Overgenomen"


# --- the logo --------------------------------------------------------------------------------


def test_a_logo_is_fitted_reencoded_and_stripped_of_its_metadata(make, upload_dir):
    company = make.company()
    text = PngImagePlugin.PngInfo()
    text.add_text("Author", "Jan de Vries, Kerkstraat 1")

    profiles.set_company_logo(actor=owner(company), company=company,
                                   upload=io.BytesIO(image(size=(1200, 600), pnginfo=text)))

    db.session.expire_all()
    assert company.logo.endswith(".png") and len(company.logo) == 36
    stored = Image.open(upload_dir / company.logo)
    assert (stored.format, stored.size) == ("PNG", (400, 200))
    assert "Author" not in stored.info
    assert profiles.get_company_logo(AnonymousUserMixin(), company.id) == company.logo
    assert len(events(company, "company.logo_changed")) == 1


def test_a_jpeg_photo_loses_its_exif_and_stays_upright(make, upload_dir):
    company = make.company()
    exif = Image.Exif()
    exif[0x010F] = "Camera maker"
    exif[0x0112] = 6  # taken sideways: to be turned a quarter

    profiles.set_company_logo(actor=owner(company), company=company,
                                   upload=io.BytesIO(image("JPEG", (800, 400), exif=exif)))

    stored = Image.open(upload_dir / company.logo)
    assert (stored.format, stored.size) == ("JPEG", (200, 400))
    assert dict(stored.getexif()) == {}


def test_a_new_logo_replaces_the_old_file(make, upload_dir):
    company = make.company()
    profiles.set_company_logo(actor=owner(company), company=company,
                                   upload=io.BytesIO(image()))
    first = company.logo

    profiles.set_company_logo(actor=owner(company), company=company,
                                   upload=io.BytesIO(image("WEBP", (300, 300))))

    assert company.logo != first and company.logo.endswith(".webp")
    assert sorted(p.name for p in upload_dir.iterdir()) == [company.logo]


@pytest.mark.parametrize("content, message, values", [
    (b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n", NOT_AN_IMAGE, {}),
    (b"GIF89a\x01\x00\x01\x00\x00\x00\x00;", NOT_AN_IMAGE, {}),
    (image()[:200], NOT_AN_IMAGE, {}),  # a PNG cut short
    (b"", "Choose an image file for the logo.", {}),
    (b"\x89PNG" + b"\x00" * logos.MAX_BYTES,
     "The file is too large: a logo may have at most %(mb)d MB.", {"mb": 2}),
])
def test_what_is_no_logo_is_refused_by_its_content(make, upload_dir, content, message, values):
    company = make.company()

    errors = refused(profiles.set_company_logo, company, actor=owner(company),
                     company=company, upload=io.BytesIO(content))

    assert errors == {"logo": said(message, **values)}
    assert not upload_dir.exists() or list(upload_dir.iterdir()) == []


def test_an_image_of_too_many_pixels_is_refused_before_decoding(make):
    company = make.company()
    huge = io.BytesIO()
    Image.new("1", (6000, 6000)).save(huge, "PNG")  # a few kB that unpack into 36 megapixels

    errors = refused(profiles.set_company_logo, company, actor=owner(company),
                     company=company, upload=io.BytesIO(huge.getvalue()))

    assert errors == {"logo": said("The image has too many pixels. Save it smaller, e.g. 1000 "
                                   "by 1000 pixels, and try again.")}


def test_a_too_large_upload_is_not_read_whole():
    class Endless(io.RawIOBase):
        asked = 0

        def read(self, size=-1):
            assert size > 0, "read without a limit"
            self.asked += size
            return b"\x00" * size

    stream = Endless()
    with pytest.raises(logos.InvalidImage):
        logos.read_limited(stream)
    assert stream.asked == logos.MAX_BYTES + 1


def test_the_logo_is_removed_with_its_file(make, upload_dir):
    company = make.company()
    profiles.set_company_logo(actor=owner(company), company=company,
                                   upload=io.BytesIO(image()))

    profiles.remove_company_logo(actor=owner(company), company=company)

    assert company.logo is None
    assert list(upload_dir.iterdir()) == []
    assert len(events(company, "company.logo_removed")) == 1
    with pytest.raises(NotFound):
        profiles.get_company_logo(AnonymousUserMixin(), company.id)


def test_the_logo_of_a_company_not_approved_is_for_its_members_and_moderators(make):
    company = make.company(approved=False)
    profiles.set_company_logo(actor=owner(company), company=company,
                                   upload=io.BytesIO(image()))

    assert profiles.get_company_logo(owner(company), company.id) == company.logo
    assert profiles.get_company_logo(make.moderator(), company.id) == company.logo
    for outsider in (AnonymousUserMixin(), owner(make.school())):
        with pytest.raises(NotFound):
            profiles.get_company_logo(outsider, company.id)


def test_the_upload_folder_is_a_setting(app, tmp_path):
    assert Path(app.config["UPLOAD_DIR"]) == tmp_path  # tests write into their own folder
    assert logos.folder() == tmp_path / "logos"


# --- locations -------------------------------------------------------------------------------


def test_a_company_starts_with_its_registered_place_as_main_location(make):
    company = make.company(place="Terneuzen")

    [main] = profiles.locations_of(company)

    assert (main.name, main.place.name, main.address) == ("Hoofdvestiging", "Terneuzen", None)


def test_a_member_adds_locations_listed_in_order(make):
    company = make.company()

    yard = profiles.add_location(actor=owner(company), company=company, name=" Werf ",
                                      place_name="Vlisingen", address="Havenweg 3, 4382 NA")
    profiles.add_location(actor=owner(company), company=company, name="Academie",
                               place_name="Goes")

    assert [loc.name for loc in profiles.locations_of(company)] == [
        "Hoofdvestiging", "Werf", "Academie"]
    assert (yard.place.name, yard.address) == ("Vlissingen", "Havenweg 3, 4382 NA")
    added = events(company, "company.location_added")
    assert added[0].details == {"location_id": yard.id, "name": "Werf"}


@pytest.mark.parametrize("fields, key", [
    ({"name": "  "}, "name"),
    ({"name": "hoofdvestiging"}, "name"),  # the company has it already
    ({"name": "x" * 121}, "name"),
    ({"place_name": "Nergenshuizen"}, "place"),
    ({"place_name": "Middelburg"}, "place"),  # two places of that name
    ({"address": "x" * 201}, "address"),
])
def test_a_wrong_location_is_refused_by_field(make, fields, key):
    company = make.company()
    values = {"name": "Werf", "place_name": "Goes", "address": None, **fields}

    errors = refused(profiles.add_location, company, actor=owner(company),
                     company=company, **values)

    assert set(errors) == {key}


def test_a_member_changes_a_location(make):
    company = make.company()
    location = make.location(company, name="Werf", place="Goes")

    profiles.update_location(actor=owner(company), location=location, name="Werf Oost",
                                  place_name="Goes", address="Havenweg 3")

    db.session.expire_all()
    assert (location.name, location.place.name, location.address) == (
        "Werf Oost", "Goes", "Havenweg 3")
    [event] = events(company, "company.location_changed")
    assert event.details == {"location_id": location.id, "fields": ["name", "address"]}


def test_a_location_keeps_its_own_name_when_changed(make):
    company = make.company()
    main = company.locations[0]

    profiles.update_location(actor=owner(company), location=main, name="HOOFDVESTIGING",
                                  place_name=main.place.label)

    assert main.name == "HOOFDVESTIGING"


def test_a_member_removes_a_location(make):
    company = make.company()
    location = make.location(company)

    profiles.remove_location(actor=owner(company), location=location)

    assert [loc.name for loc in profiles.locations_of(company)] == ["Hoofdvestiging"]
    assert db.session.get(Location, location.id) is None
    assert events(company, "company.location_removed")[0].details["location_id"] == location.id


def test_the_last_location_cannot_be_removed(make):
    company = make.company()

    errors = refused(profiles.remove_location, company, actor=owner(company),
                     location=company.locations[0])

    assert errors == {"": said("A company keeps at least one location. Add the new one first, "
                               "then remove this one.")}


def test_a_location_of_another_company_is_not_found(make):
    location = make.location()

    with pytest.raises(NotFound):
        profiles.get_own_location(owner(make.company()), location.id)
    with pytest.raises(NotFound):
        profiles.get_own_location(owner(location.company), 999_999)
    assert profiles.get_own_location(owner(location.company), location.id) is location
