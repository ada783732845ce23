"""TBX v3 (TBX-Basic) and TBX v2 (martif): write, read back, and load in translate-toolkit."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from glossaries import load_shipped
from tm.errors import FormatError
from tm.terms import Glossary
from tmx.tbx import TBX_NS, read_tbx, write_tbx

G = load_shipped()


def _terms(glossary: Glossary) -> dict[str, tuple[str, set[object]]]:
    return {c.id: (c.category, set(c.terms)) for c in glossary.concepts}


@pytest.mark.parametrize("version", ["tbx", "tbx2"])
def test_round_trip_keeps_every_field(tmp_path: Path, version: str) -> None:
    out = tmp_path / "un.tbx"
    assert write_tbx(G, out, version=version) == len(G)  # type: ignore[arg-type]
    back = read_tbx(out)
    assert _terms(back) == _terms(G)
    iccpr = back.get("INS-ICCPR")
    assert iccpr.preferred("en").abbreviation == "ICCPR"
    assert iccpr.preferred("en").confidence == "verified"
    assert {t.status for t in iccpr.terms} == {"preferred", "admitted", "deprecated"}


def test_tbx3_structure(tmp_path: Path) -> None:
    out = tmp_path / "un.tbx"
    write_tbx(G, out, version="tbx")
    root = etree.parse(str(out)).getroot()
    ns = {"t": TBX_NS}
    assert root.tag == f"{{{TBX_NS}}}tbx"
    assert (root.get("type"), root.get("style")) == ("TBX-Basic", "dca")
    entries = root.findall("t:text/t:body/t:conceptEntry", ns)
    assert len(entries) == len(G)
    term_sec = entries[0].find("t:langSec/t:termSec", ns)
    assert term_sec is not None
    assert term_sec.find("t:termNote[@type='administrativeStatus']", ns).text.endswith(
        "Term-admn-sts"
    )
    assert out.read_bytes().startswith(b"<?xml version='1.0' encoding='UTF-8'?>\n<?xml-model")


def test_tbx2_loads_in_translate_toolkit(tmp_path: Path) -> None:
    tbx = pytest.importorskip("translate.storage.tbx")
    out = tmp_path / "un.tbx"
    write_tbx(G, out, version="tbx2")
    with out.open("rb") as handle:
        store = tbx.tbxfile(handle, sourcelanguage="en", targetlanguage="fr")
    units = {unit.getid(): unit for unit in store.units}
    assert len(units) == len(G)
    assert units["INS-ICCPR"].source == "International Covenant on Civil and Political Rights"
    assert (
        units["INS-ICCPR"].target == "Pacte international relatif aux droits civils et politiques"
    )


def test_reads_omegat_style_martif_with_ntig(tmp_path: Path) -> None:
    path = tmp_path / "sample.tbx"
    path.write_text(
        """<?xml version="1.0" encoding="UTF-8"?>
<martif type="TBX" xml:lang="en"><text><body>
  <termEntry id="t1"><descrip type="definition">feline</descrip>
    <langSet xml:lang="en-US"><tig><term>cat</term></tig></langSet>
    <langSet xml:lang="fr-FR"><tig><term>chat</term>
      <termNote type="administrativeStatus">deprecatedTerm-admn-sts</termNote></tig></langSet>
  </termEntry>
  <termEntry><langSet xml:lang="en"><ntig><termGrp><term>mat</term></termGrp></ntig></langSet>
    <langSet xml:lang="fr"><ntig><termGrp><term>tapis</term></termGrp></ntig></langSet>
  </termEntry>
</body></text></martif>""",
        encoding="utf-8",
    )
    glossary = read_tbx(path)
    assert [c.id for c in glossary.concepts] == ["t1", "c2"]
    assert glossary.get("t1").terms[1].status == "deprecated"
    assert glossary.get("c2").preferred("fr").text == "tapis"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("<martif><text><body>", "not well-formed"),
        ("<tmx version='1.4'/>", "not a TBX file"),
        ("<martif><text><body/></text></martif>", "no terms"),
        (
            "<martif><text><body><termEntry><langSet><tig><term>x</term></tig></langSet>"
            "</termEntry></body></text></martif>",
            "without xml:lang",
        ),
        (  # read before: the term was stored as "&x;"
            '<!DOCTYPE martif [<!ENTITY x "Security Council">]><martif><text><body><termEntry>'
            '<langSet xml:lang="en"><tig><term>&x;</term></tig></langSet></termEntry></body>'
            "</text></martif>",
            "declares XML entities",
        ),
    ],
)
def test_bad_tbx(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "bad.tbx"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(FormatError, match=message):
        read_tbx(path)


def test_external_entities_are_not_resolved(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOPSECRET", encoding="utf-8")
    path = tmp_path / "xxe.tbx"
    path.write_text(
        f"""<?xml version="1.0"?><!DOCTYPE martif [<!ENTITY x SYSTEM "file://{secret}">]>
<martif><text><body><termEntry id="a"><langSet xml:lang="en"><tig><term>&x;</term></tig>
</langSet><langSet xml:lang="fr"><tig><term>b</term></tig></langSet></termEntry></body></text>
</martif>""",
        encoding="utf-8",
    )
    try:
        glossary = read_tbx(path)
    except FormatError:
        return
    assert all("TOPSECRET" not in t.text for c in glossary.concepts for t in c.terms)
