"""A household's programmes side by side, for the case page (one record per family, 四㈢)."""
from __future__ import annotations

from sqlalchemy import select

from models import Application
from models.registry import AutoCase, DiscoveryItem, RegistryFact
from review import labels

# The programmes a family is helped by, in the order the console shows them.
SHOWN = ("dibao", "dishouru", "tekun", "jiaoyu", "yiliao", "weifang")
ROLL_WORDS = {"dibao": "低保", "dishouru": "低收入", "tekun": "特困"}
ITEM_STATES = {"open": "待核实", "done": "已办理", "dismissed": "不需办理"}


def household_programmes(session, household_id: int | None) -> list[dict]:
    """One row per programme: the family's applications (automatic ones marked), 民政's roll,
    and the caseworkers' worklist items. Rows with nothing say so (the template shows "—")."""
    rows = {p: {"programme": p, "label": labels.programme(p), "applications": [], "roll": [], "worklist": []}
            for p in SHOWN}
    if household_id is None:  # no household record yet (nothing shared to show)
        return []
    automatic = set(session.scalars(select(AutoCase.application_id).where(AutoCase.household_id == household_id)))
    for app in session.scalars(select(Application).where(Application.household_id == household_id,
                                                         Application.state != "draft").order_by(Application.id)):
        row = rows.setdefault(app.programme, {"programme": app.programme, "label": labels.programme(app.programme),
                                              "applications": [], "roll": [], "worklist": []})
        row["applications"].append({
            "id": app.id, "state": app.state, "state_label": labels.state(app.state),
            "automatic": app.id in automatic, "decided_at": app.decided_at,
            "amount": float(app.decision_amount) if app.decision_amount is not None else None})
    for fact in session.scalars(select(RegistryFact).where(RegistryFact.household_id == household_id,
                                                           RegistryFact.kind == "dibao_roll")):
        data = fact.data
        rows[data["programme"]]["roll"].append(
            f"{ROLL_WORDS[data['programme']]}，每月 {labels.money(data['monthly_amount'])}，"
            f"自{labels.day(data['since'])}起（{fact.file_name}，{labels.day(fact.imported_on)}导入）")
    for item in session.scalars(select(DiscoveryItem).where(DiscoveryItem.household_id == household_id)
                                .order_by(DiscoveryItem.id)):
        row = rows.get(item.programme)
        if row is not None:
            row["worklist"].append({"id": item.id, "reason": item.reason, "state": item.state,
                                 "state_label": ITEM_STATES.get(item.state, item.state)})
    return list(rows.values())

