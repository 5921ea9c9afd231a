"""A form as the JSON of `GET /api/mp/forms/<id>` (interfaces.md): the definition itself,
includes resolved and defaults filled in, for the mini-program and the console."""

_OPTIONAL = ("maps_to", "when", "help", "error", "min", "max", "unit", "min_length",
             "max_length", "pattern", "member_label")


def _field(field):
    out = {"id": field.id, "type": field.type, "prompt": field.prompt, "required": field.required}
    for key in _OPTIONAL:
        if getattr(field, key) is not None:
            out[key] = getattr(field, key)
    if field.type == "choice":
        out["options"] = [{"value": o.value, "label": o.label} for o in field.options]
        out["multiple"] = field.multiple
    if field.type == "group":
        out["fields"] = [_field(inner) for inner in field.fields]
    return out


def to_json(form):
    out = {"id": form.id, "title": form.title}
    if form.description:
        out["description"] = form.description
    out["fields"] = [_field(field) for field in form.fields]
    return out
