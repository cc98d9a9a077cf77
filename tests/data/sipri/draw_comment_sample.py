"""Draw the stratified sample of SIPRI comments for hand labelling (fixed seed)."""

import json
import random
from pathlib import Path

from dragonbear.loaders.sipri import deal_keys
from dragonbear.loaders.sipri_layouts import read_register

reg = read_register(Path("../shared/data/sipri/trade-register.csv"))
keys = deal_keys(reg.deals)
rows = [(k, d) for k, d in zip(keys, reg.deals, strict=False) if d.comments]
rng = random.Random(20261206)


def has(d, *words):
    c = d.comments.lower()
    return any(w in c for w in words)


CH = {"China"}
RU = {"Russia", "Soviet Union"}
UA = {"Ukraine"}


def parties(d):
    return {d.supplier, d.recipient}


def desc(d, *words):
    s = d.description.lower()
    return any(w in s for w in words)


strata = [
    ("china-for", 30, lambda d: parties(d) & CH and has(d, "for ")),
    ("china-other", 12, lambda d: parties(d) & CH and not has(d, "for ")),
    ("russia-for", 25, lambda d: parties(d) & RU and has(d, "for ")),
    ("russia-other", 10, lambda d: parties(d) & RU and not has(d, "for ")),
    ("ukraine", 15, lambda d: parties(d) & UA),
    ("third-for", 25, lambda d: not parties(d) & (CH | RU | UA) and has(d, "for ")),
    (
        "engines",
        15,
        lambda d: desc(d, "engine", "turbofan", "turbojet", "turboprop", "turboshaft", "gas turbine", "diesel"),
    ),
    ("radars", 12, lambda d: desc(d, "radar", "sonar")),
    ("missiles", 12, lambda d: desc(d, "missile", "sam", "aam", "torpedo")),
    ("guns", 8, lambda d: desc(d, "gun") and not desc(d, "radar")),
    ("ships", 8, lambda d: desc(d, "frigate", "corvette", "destroyer", "submarine", "ship", "fac")),
    ("licence", 20, lambda d: has(d, "licence", "license")),
    ("copies-kits", 16, lambda d: has(d, "cop", "kits", "technology used", "designation")),
    (
        "hedged",
        15,
        lambda d: (
            has(d, "probably", "possibly", "reportedly", "uncertain", "?")
            and has(d, "for ", "licence", "kits", "produced")
        ),
    ),
    ("nothing", 20, lambda d: not has(d, "for ", "licence", "kits", "cop", "designation", "produced")),
]
taken = set()
out = []
for name, n, pred in strata:
    pool = [(k, d) for k, d in rows if k not in taken and pred(d)]
    for k, d in rng.sample(pool, min(n, len(pool))):
        taken.add(k)
        out.append(
            {
                "key": k,
                "stratum": name,
                "recipient": d.recipient,
                "supplier": d.supplier,
                "order_year": d.order_year,
                "designation": d.designation,
                "description": d.description,
                "comment": d.comments,
            }
        )
print(len(out))
Path("tests/data/sipri/comment-sample.jsonl").write_text("".join(json.dumps(o, ensure_ascii=False) + "\n" for o in out))
# The six comments the issue quotes, as a stratum of their own.
named = {
    ("Pakistan", "Russia", 2004, "RD-33"),
    ("China", "Russia", 2014, "AL-31"),
    ("China", "Russia", 2004, "MR-90"),
    ("China", "United Kingdom", 1975, "Spey"),
    ("China", "Soviet Union", 1957, "MiG-19"),
    ("China", "Russia", 1996, "Su-27S"),
}
for k, d in rows:
    if (d.recipient, d.supplier, d.order_year, d.designation) in named and k not in taken:
        taken.add(k)
        out.append(
            {
                "key": k,
                "stratum": "issue-examples",
                "recipient": d.recipient,
                "supplier": d.supplier,
                "order_year": d.order_year,
                "designation": d.designation,
                "description": d.description,
                "comment": d.comments,
            }
        )
print(len(out))
Path("tests/data/sipri/comment-sample.jsonl").write_text("".join(json.dumps(o, ensure_ascii=False) + "\n" for o in out))
