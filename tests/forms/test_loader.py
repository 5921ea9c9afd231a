"""A broken definition is refused at load, naming the file and the field."""

import textwrap

import pytest

from forms import FormError, load_form

GOOD_MEMBERS = """
- id: members
  type: group
  prompt: 几口人？
  required: true
  min: 1
  max: 20
  maps_to: members
  fields:
    - {id: age, type: integer, prompt: 多大？, required: true, min: 0, max: 120, maps_to: 'members[].age'}
"""


def refused(write_definition, fields, *words, name="t", head=None):
    head = head if head is not None else f"id: {name}\ntitle: 测试\n"
    body = head + "fields:\n" + textwrap.indent(textwrap.dedent(fields), "  ")
    path = write_definition(name, body)
    with pytest.raises(FormError) as caught:
        load_form(path)
    message = str(caught.value)
    assert message.startswith(str(path)), message
    for word in words:
        assert word in message, message
    return message


def test_a_good_definition_loads(make_form):
    form = make_form(GOOD_MEMBERS + "- {id: car, type: yesno, prompt: 有车吗？, required: true, maps_to: owns_vehicle}\n")
    assert [f.id for f in form.fields] == ["members", "car"]
    assert [f.id for f in form.fields[0].fields] == ["age"]


@pytest.mark.parametrize("fields, words", [
    ("- {id: a, type: yesno, required: true}\n", ["field a", "`prompt` is missing"]),
    ("- {id: a, type: yesno, prompt: 吗？}\n", ["field a", "`required` is missing"]),
    ("- {id: a, type: yesno, prompt: 吗？, required: yes please}\n", ["`required` must be true or false"]),
    ("- {id: a, type: yes_no, prompt: 吗？, required: true}\n", ["field a", "unknown type 'yes_no'"]),
    ("- {id: a, type: yesno, prompt: 吗？, requried: true, required: true}\n", ["unknown key(s) requried"]),
    ("- {id: a, type: yesno, prompt: 吗？, required: true, min: 1}\n", ["unknown key(s) min for a yesno"]),
    ("- {id: A-1, type: yesno, prompt: 吗？, required: true}\n", ["`id` must be lower_case"]),
    ("- {id: n, type: yesno, prompt: 吗？, required: true}\n", ["id 'n' is reserved"]),
    ("- {id: a, type: yesno, prompt: '', required: true}\n", ["`prompt` must be non-empty"]),
    ("- {id: a, type: integer, prompt: 几？, required: true, min: 0}\n", ["`max` must be a whole number"]),
    ("- {id: a, type: integer, prompt: 几？, required: true, min: 5, max: 1}\n", ["`min` is above `max`"]),
    ("- {id: a, type: money, prompt: 多少？, required: true, min: -1}\n", ["0 <= min <= max"]),
    ("- {id: a, type: text, prompt: 什么？, required: true, pattern: '(['}\n", ["`pattern` is not a regular"]),
    ("- {id: a, type: text, prompt: 什么？, required: true, min_length: 9, max_length: 3}\n",
     ["`min_length` is above"]),
    ("- {id: a, type: choice, prompt: 哪个？, required: true}\n", ["non-empty list of `options`"]),
    ("- {id: a, type: yesno, prompt: 有工作吗？, required: true, aliases: ['1']}\n", ["`aliases` must be a non-empty"]),
    ("- {id: a, type: integer, prompt: 几？, required: true, min: 0, max: 9, aliases: [几]}\n",
     ["unknown key(s) aliases for a integer"]),
    ("- {id: a, type: choice, prompt: 哪个？, required: true, options: [{value: yes, label: 是}]}\n",
     ["option value True must be text"]),
    ("- {id: a, type: choice, prompt: 哪个？, required: true, options: [{value: '2', label: 二}]}\n",
     ["not only digits"]),
    ("- {id: a, type: choice, prompt: 哪个？, required: true, options: [{value: x, label: 一}, {value: y, label: 一}]}\n",
     ["labels must be unique"]),
    ("- {id: a, type: yesno, prompt: 吗？, required: true}\n- {id: a, type: yesno, prompt: 吗？, required: true}\n",
     ["field a", "used twice"]),
    ("- {id: a, type: yesno, prompt: 吗？, required: true, when: 'a and'}\n", ["`when` does not compile"]),
    ("- {id: a, type: yesno, prompt: 吗？, required: true, when: 'b | nosuchfilter'}\n",
     ["`when` does not compile"]),
    ("- {id: a, type: yesno, prompt: 吗？, required: true, when: b}\n- {id: b, type: yesno, prompt: 吗？, required: true}\n",
     ["field a", "`when` uses b, not an answer asked before it"]),
    ("- {id: a, type: yesno, prompt: '{{ nobody }}吗？', required: true}\n", ["`prompt` uses nobody"]),
    ("- {id: a, type: yesno, prompt: '{{ n }}吗？', required: true}\n", ["`prompt` uses n"]),
    ("- {id: a, type: yesno, prompt: '{% if %}', required: true}\n", ["`prompt` does not compile"]),
    ("- {id: a, type: yesno, prompt: 吗？, required: true, maps_to: owns_car}\n",
     ["maps_to 'owns_car' is not a key of the household situation"]),
    ("- {id: a, type: yesno, prompt: 吗？, required: true, maps_to: 'members[].employed'}\n",
     ["members[].KEY belongs inside the members group"]),
])
def test_broken_fields_are_refused(write_definition, fields, words):
    refused(write_definition, fields, *words)



def member(yaml_line):
    """GOOD_MEMBERS with one more member field."""
    return GOOD_MEMBERS + "    - " + yaml_line + "\n"


@pytest.mark.parametrize("fields, words", [
    # The answer must fit the situation key it feeds.
    (member("{id: w, type: yesno, prompt: 吗？, required: true, maps_to: 'members[].monthly_income'}"),
     ["field members.w", "needs a money field"]),
    (member("{id: s, type: choice, prompt: 性别？, required: true, maps_to: 'members[].sex', "
            "options: [{value: male, label: 男}, {value: other, label: 其他}]}"),
     ["field members.s", "option values ['other'] are not among"]),
    (member("{id: s, type: choice, multiple: true, prompt: 性别？, required: true, maps_to: 'members[].sex', "
            "options: [{value: male, label: 男}]}"), ["needs a single choice"]),
    (member("{id: g, type: integer, prompt: 几级？, required: true, min: 0, max: 4, "
            "maps_to: 'members[].disability.grade'}"), ["needs min/max within 1..4"]),
    (GOOD_MEMBERS.replace("max: 120", "max: 200"), ["field members.age", "needs min/max within 0..120"]),
    (GOOD_MEMBERS.replace("max: 20", "max: 30"), ["field members:", "within 1..20"]),
    (GOOD_MEMBERS + "- {id: a, type: yesno, prompt: 吗？, required: true, maps_to: owns_vehicle}\n"
     "- {id: b, type: yesno, prompt: 吗？, required: true, maps_to: owns_vehicle}\n",
     ["field b", "maps_to owns_vehicle is already fed by a"]),
    (GOOD_MEMBERS.replace("  maps_to: members\n", ""), ["field members.age", "in a group that maps to members"]),
    (member("{id: age2, type: integer, prompt: 多大？, required: true, min: 0, max: 9, maps_to: 'members[0].age'}"),
     ["field members.age2", "maps to members[].KEY"]),
    # Group shape.
    (GOOD_MEMBERS.replace("required: true\n  min: 1", "required: false\n  min: 1"), ["a group is required"]),
    (GOOD_MEMBERS.replace("  fields:\n", "  fields: []\n  x_fields:\n"), ["unknown key(s) x_fields"]),
    (GOOD_MEMBERS.replace("  fields:\n", "  xfields:\n"), ["unknown key(s) xfields"]),
    ("- {id: g, type: group, prompt: 几个？, required: true, min: 0, max: 3}\n", ["`fields` must be a non-empty list"]),
    (member("{id: inner, type: group, prompt: 几个？, required: true, min: 0, max: 3, "
            "fields: [{id: z, type: yesno, prompt: 吗？, required: true}]}"), ["cannot hold another group"]),
    # Ids are unique across the form, groups included: a member's answer never shadows another.
    (GOOD_MEMBERS + "- {id: age, type: yesno, prompt: 吗？, required: true}\n", ["field age", "used twice"]),
    # Scope: a top-level field sees a group as a whole, not its members' fields.
    (GOOD_MEMBERS + "- {id: a, type: yesno, prompt: 吗？, required: true, when: age > 60}\n",
     ["field a", "`when` uses age"]),
    # A member field sees n and member; the count question does not.
    (GOOD_MEMBERS.replace("prompt: 几口人？", "prompt: '{{ member }}几口人？'"), ["`prompt` uses member"]),
    # A member's label reads that member's own answers, nothing unknown.
    (GOOD_MEMBERS.replace("  fields:\n", "  member_label: '{{ kin(n, relation) }}'\n  fields:\n"),
     ["field members", "`member_label` uses relation"]),
    # The rules need every member's age, always.
    ("- {id: a, type: yesno, prompt: 吗？, required: true, maps_to: owns_vehicle}\n",
     ["does not always ask each member's age"]),
    (GOOD_MEMBERS.replace("maps_to: 'members[].age'}", "maps_to: 'members[].age', when: 'n > 1'}"),
     ["does not always ask each member's age"]),
    ("- {id: age, type: integer, prompt: 多大？, required: false, min: 0, max: 99, maps_to: 'members[0].age'}\n",
     ["does not always ask each member's age"]),
    (GOOD_MEMBERS + "- {id: a, type: yesno, prompt: 吗？, required: true, maps_to: 'members[0].employed'}\n",
     ["maps to both the members group and members[0].KEY"]),
])
def test_broken_mappings_and_groups_are_refused(write_definition, fields, words):
    refused(write_definition, fields, *words)


def test_one_person_forms_map_to_the_first_member(make_form):
    form = make_form("""
        - {id: age, type: integer, prompt: 多大？, required: true, min: 16, max: 99, maps_to: 'members[0].age'}
        - {id: dk, type: choice, prompt: 类别？, required: true, maps_to: 'members[0].disability.kind',
           options: [{value: visual, label: 视力}]}
        """)
    assert [f.maps_to for f in form.fields] == ["members[0].age", "members[0].disability.kind"]


@pytest.mark.parametrize("head, words", [
    ("title: 测试\n", ["`id` must be 't', the file's name"]),
    ("id: other\ntitle: 测试\n", ["`id` must be 't'"]),
    ("id: t\n", ["`title` must be non-empty text"]),
    ("id: t\ntitle: 测试\ndescription: 3\n", ["`description` must be non-empty text"]),
    ("id: t\ntitle: 测试\nversion: 2\n", ["unknown key(s) version"]),
])
def test_broken_form_heads_are_refused(write_definition, head, words):
    refused(write_definition, "- {id: a, type: yesno, prompt: 吗？, required: true}\n", *words, head=head)


def test_no_fields_and_not_yaml_are_refused(write_definition):
    path = write_definition("t", "id: t\ntitle: 测试\nfields: []\n")
    with pytest.raises(FormError, match="`fields` must be a non-empty list"):
        load_form(path)
    path = write_definition("t", "id: t\ntitle: [测试\n")
    with pytest.raises(FormError, match="t.yaml: not valid YAML"):
        load_form(path)
    with pytest.raises(FormError, match="a form definition is a mapping"):
        load_form(write_definition("t", "- 1\n"))


def test_includes_splice_a_fragments_fields_and_errors_name_the_fragment(write_definition, make_form):
    write_definition("_contact", """
        fields:
          - {id: phone, type: phone, prompt: 手机？, required: true}
        """)
    form = make_form("""
        - {id: name, type: text, prompt: 姓名？, required: true}
        - include: contact
        - {id: ok, type: yesno, prompt: '好吗？', required: true}
        """)
    assert [f.id for f in form.fields] == ["name", "phone", "ok"]

    write_definition("_bad", """
        fields:
          - {id: phone, type: phone, prompt: 手机？, required: true, when: later}
        """)
    message = refused(write_definition, "- include: bad\n", "(included from _bad.yaml)", "field phone",
                      "`when` uses later")
    assert message.startswith(str(write_definition("t", "x")))


def test_broken_includes_are_refused(write_definition):
    refused(write_definition, "- include: missing\n", "cannot read", "_missing.yaml")
    write_definition("_loop", "fields:\n  - include: loop\n")
    refused(write_definition, "- include: loop\n", "include 'loop' includes itself")
    write_definition("_odd", "title: x\nfields:\n  - {id: a, type: yesno, prompt: 吗？, required: true}\n")
    refused(write_definition, "- include: odd\n", "a fragment holds `fields:` and nothing else")
