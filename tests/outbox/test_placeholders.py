import pytest
from hypothesis import given
from hypothesis import strategies as st

from atom.outbox import placeholders


def test_it_finds_numbered_placeholders_in_order():
    assert placeholders.numbers("{{2}} then {{1}} and {{2}} again") == [1, 2]


def test_it_finds_none_in_plain_text():
    assert placeholders.numbers("Hello there") == []


def test_it_leaves_single_braces_alone():
    assert placeholders.numbers("a {b} c {{1}}") == [1]


def test_it_names_the_params_keys():
    assert placeholders.names("{{1}} {{2}}") == ["1", "2"]


def test_it_refuses_a_named_placeholder():
    with pytest.raises(placeholders.NotNumbered) as caught:
        placeholders.numbers("Hello {{name}}")
    assert caught.value.text == "{{name}}"


def test_it_refuses_spaces_inside_a_placeholder():
    with pytest.raises(placeholders.NotNumbered):
        placeholders.numbers("Hello {{ 1 }}")


def test_it_refuses_placeholder_zero():
    with pytest.raises(placeholders.NotNumbered):
        placeholders.numbers("{{0}}")


def test_it_refuses_a_leading_zero():
    with pytest.raises(placeholders.NotNumbered):
        placeholders.numbers("{{01}}")


def test_it_refuses_an_empty_placeholder():
    with pytest.raises(placeholders.NotNumbered):
        placeholders.numbers("{{}}")


def test_it_refuses_a_gap_in_the_numbers():
    with pytest.raises(placeholders.Gap) as caught:
        placeholders.numbers("{{1}} {{3}}")
    assert (caught.value.used, caught.value.missing) == (3, 2)


def test_it_refuses_numbers_that_do_not_start_at_1():
    with pytest.raises(placeholders.Gap):
        placeholders.numbers("{{2}}")


def test_it_renders_strings_and_numbers():
    text = placeholders.render("Hi {{1}}, you owe {{2}} ({{1}})", {"1": "Ana", "2": 10.5})
    assert text == "Hi Ana, you owe 10.5 (Ana)"


def test_it_does_not_render_placeholders_inside_values():
    assert placeholders.render("{{1}} {{2}}", {"1": "{{2}}", "2": "x"}) == "{{2}} x"


@given(st.lists(st.text(alphabet=st.characters(exclude_characters="{}")), min_size=1, max_size=5))
def test_it_renders_every_placeholder_of_a_valid_body(values):
    body = " ".join(f"{{{{{n}}}}}" for n in range(1, len(values) + 1))
    params = {str(n): value for n, value in enumerate(values, start=1)}
    assert placeholders.names(body) == list(params)
    assert placeholders.render(body, params) == " ".join(values)


@given(st.text(max_size=200))
def test_it_either_accepts_or_refuses_any_text_without_crashing(body):
    try:
        found = placeholders.numbers(body)
    except placeholders.PlaceholderError:
        return
    assert found == list(range(1, len(found) + 1))
