"""The place field (portal/forms.py): the text as typed, and the id of the place chosen."""
from types import SimpleNamespace

import pytest
from werkzeug.datastructures import MultiDict
from wtforms import Form

from portal.forms import PlaceText, place_field


class PlaceForm(Form):
    place = place_field()


@pytest.mark.parametrize("sent, place_id", [
    ({"place": "Tielt (bij Tielt-Winge, Vlaanderen)", "place_id": "4242"}, 4242),
    ({"place": "Tielt", "place_id": ""}, None),
    ({"place": "Tielt", "place_id": "12abc"}, None),
    ({"place": "Tielt", "place_id": "-3"}, None),
    ({"place": "Tielt"}, None),  # sent without JavaScript, or by an older page
])
def test_the_data_is_the_text_with_the_chosen_id(sent, place_id):
    form = PlaceForm(MultiDict(sent))

    assert isinstance(form.place.data, PlaceText)
    assert form.place.data == sent["place"]
    assert form.place.data.place_id == place_id


def test_a_place_given_as_data_shows_as_chosen():
    tielt = SimpleNamespace(id=7, label="Tielt (Vlaanderen)")

    form = PlaceForm(data={"place": tielt})

    assert (form.place.data, form.place.data.place_id) == ("Tielt (Vlaanderen)", 7)


def test_the_hidden_id_is_rendered_after_the_text_and_kept():
    html = str(PlaceForm(MultiDict({"place": "Tielt (Vlaanderen)", "place_id": "7"})).place())

    text_input, hidden = html.split("><", 1)
    assert 'name="place"' in text_input and 'type="text"' in text_input
    assert 'type="hidden"' in hidden and 'name="place_id"' in hidden
    assert 'id="place_id"' in hidden and 'value="7"' in hidden


def test_nothing_sent_renders_an_empty_id():
    form = PlaceForm()

    assert form.place.data == "" and form.place.data.place_id is None
    assert 'name="place_id" type="hidden" value=""' in str(form.place())
