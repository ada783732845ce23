"""untm.srx is a standard SRX file: the JDK's own regex engine reads it and segments as we do.

Java CAT tools (OmegaT, Okapi) read SRX with ``java.util.regex``. A small Java program, written
to a temporary directory and compiled with ``javac`` at run time, reads ``tm/rules/untm.srx``
with the JDK's XML parser, compiles every ``<beforebreak>`` (also as a look-behind, which Java
only accepts when its length is bounded) and ``<afterbreak>``, and segments paragraphs with
its own SRX loop: at each position, the first rule one of whose ``<beforebreak>`` matches ends
there and whose ``<afterbreak>`` matches from there decides. It finds those matches with
``Matcher.find``/``lookingAt`` on regions, not with look-arounds as our engine does, so the
comparison checks our engine's SRX semantics, not only the regex translation.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import regex

from tm.java_regex import java_to_python
from tm.segment import Segmenter
from tmx._xml import parse

SRX = Path(__file__).resolve().parent.parent / "tm" / "rules" / "untm.srx"
_NS = "{http://www.lisa.org/srx20}"

_JAVA = r"""
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/** SRX with the JDK only. check: compile every rule; segment: split "lang TAB text" lines;
 *  find: print 1 or 0 for each "pattern TAB text" line. */
public class SrxCheck {
    static final String NS = "http://www.lisa.org/srx20";

    record Rule(boolean brk, Pattern beforeEndingHere, Pattern after) {}

    public static void main(String[] args) throws Exception {
        PrintStream out = new PrintStream(System.out, false, StandardCharsets.UTF_8);
        BufferedReader in = new BufferedReader(
            new InputStreamReader(System.in, StandardCharsets.UTF_8));
        if (args[0].equals("find")) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                String[] parts = line.split("\t", 2);
                out.println(Pattern.compile(parts[0]).matcher(parts[1]).find() ? "1" : "0");
            }
            out.flush();
            return;
        }
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        Element root = factory.newDocumentBuilder().parse(new File(args[1])).getDocumentElement();
        Element header = (Element) root.getElementsByTagNameNS(NS, "header").item(0);
        boolean cascade = !"no".equalsIgnoreCase(header.getAttribute("cascade").strip());
        Map<String, List<Rule>> lists = new LinkedHashMap<>();
        int compiled = 0;
        boolean ok = true;
        NodeList ruleLists = root.getElementsByTagNameNS(NS, "languagerule");
        for (int i = 0; i < ruleLists.getLength(); i++) {
            Element list = (Element) ruleLists.item(i);
            List<Rule> rules = new ArrayList<>();
            NodeList ruleNodes = list.getElementsByTagNameNS(NS, "rule");
            for (int j = 0; j < ruleNodes.getLength(); j++) {
                Element rule = (Element) ruleNodes.item(j);
                String before = text(rule, "beforebreak");
                String after = text(rule, "afterbreak");
                try {
                    Pattern.compile(before);
                    Pattern.compile("(?<=" + before + ")");
                    rules.add(new Rule(!"no".equals(rule.getAttribute("break").strip()),
                        Pattern.compile("(?:" + before + ")\\z"), Pattern.compile(after)));
                    compiled += 2;
                } catch (PatternSyntaxException err) {
                    ok = false;
                    out.println("ERROR\t" + err.getDescription() + "\t" + err.getPattern());
                }
            }
            lists.put(list.getAttribute("languagerulename"), rules);
        }
        List<String[]> maps = new ArrayList<>();
        NodeList mapNodes = root.getElementsByTagNameNS(NS, "languagemap");
        for (int i = 0; i < mapNodes.getLength(); i++) {
            Element map = (Element) mapNodes.item(i);
            maps.add(new String[] {
                map.getAttribute("languagepattern"), map.getAttribute("languagerulename")});
        }
        if (!ok || args[0].equals("check")) {
            out.println(ok ? "OK\t" + compiled : "FAILED");
            out.flush();
            System.exit(ok ? 0 : 1);
        }
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            String[] parts = line.split("\t", 2);
            List<Rule> rules = new ArrayList<>();
            for (String[] map : maps) {
                if (Pattern.compile(map[0], Pattern.CASE_INSENSITIVE).matcher(parts[0]).matches()) {
                    rules.addAll(lists.get(map[1]));
                    if (!cascade) {
                        break;
                    }
                }
            }
            out.println(String.join("\t", segment(parts[1], rules)));
        }
        out.flush();
    }

    static String text(Element rule, String name) {
        NodeList nodes = rule.getElementsByTagNameNS(NS, name);
        return nodes.getLength() == 0 ? "" : nodes.item(0).getTextContent();
    }

    static List<String> segment(String text, List<Rule> rules) {
        List<Integer> cuts = new ArrayList<>(List.of(0));
        for (int pos = 1; pos < text.length(); pos++) {
            for (Rule rule : rules) {
                // Some match of beforebreak ends at pos (the text beyond stays visible to \b
                // and look-aheads), and afterbreak matches from pos.
                Matcher before = rule.beforeEndingHere().matcher(text);
                before.region(0, pos).useTransparentBounds(true).useAnchoringBounds(true);
                Matcher after = rule.after().matcher(text);
                after.region(pos, text.length()).useTransparentBounds(true)
                    .useAnchoringBounds(false);
                if (before.find() && after.lookingAt()) {
                    if (rule.brk()) {
                        cuts.add(pos);
                    }
                    break;
                }
            }
        }
        cuts.add(text.length());
        List<String> segments = new ArrayList<>();
        for (int i = 0; i + 1 < cuts.size(); i++) {
            int a = cuts.get(i);
            int b = cuts.get(i + 1);
            while (a < b && isSpace(text.charAt(a))) {
                a++;
            }
            while (b > a && isSpace(text.charAt(b - 1))) {
                b--;
            }
            if (a < b) {
                segments.add(text.substring(a, b));
            }
        }
        return segments;
    }

    static boolean isSpace(char c) {
        return Character.isWhitespace(c) || Character.isSpaceChar(c);
    }
}
"""

# Our own UN-style paragraphs, one or more per language, covering the rule families of the file.
NBSP = "\u00a0"
PARAGRAPHS = [
    (
        "en",
        "Mr. Yashar T. Aliyev spoke on behalf of the Group (see A/78/367, paras. 5-7). The "
        "Committee adopted resolution 70/1 on 25 September 2015, i.e. the 2030 Agenda. It met at "
        "3 p.m. The U.N. Secretariat, etc., replied.",
    ),
    ("en", "1. The first item 2. The second item 3. The third item"),
    ("en", "Goal 1. End poverty in all its forms everywhere"),
    (
        "en",
        "It supported 14 countries.1 Most help was remote.² It grew by 3.5 per cent. No. 2 met.",
    ),
    ("en", "70/1. Transforming our world: the 2030 Agenda for Sustainable Development"),
    ("fr", "Objectif 1. Éliminer la pauvreté sous toutes ses formes et partout dans le monde"),
    ("zh", "目标1. 在全世界消除一切形式的贫困"),
    ("ru", "2. рекомендует государствам-членам: a) составить карту; b) привлекать общины."),
    (
        "en",
        'He said: "We are ready." Then he left... I thought so. Was it art. 5 or No. 6? '
        "It was art. 15 of the Covenant.[1] The report follows.",
    ),
    (
        "en",
        "Prices rose 3.5 per cent in 2023. E/CN.4/2005/L.10/Add.1 was issued. Dr. Smith "
        "agreed!Then the meeting closed.",
    ),
    (
        "fr",
        f"M.{NBSP}Dupont, Mme{NBSP}Martin et M.{NBSP}Durand ont pris la parole. Le Comité "
        f"a-t-il adopté le texte{NBSP}? Oui{NBSP}: voir le par.{NBSP}5 et l’art. 15. "
        f"«{NBSP}Nous sommes prêts.{NBSP}» La séance est levée.",
    ),
    (
        "fr",
        "Voir les documents A/78/367 et S/2023/670, p. ex. la note no 3. Le texte a été "
        "adopté sans vote.",
    ),
    (
        "es",
        "El Sr. García habló en nombre del Grupo. ¿Está de acuerdo la Comisión? ¡Sí! "
        f"Véase el párr. 5 del documento A/RES/70/1. Los EE.{NBSP}UU. votaron a favor.",
    ),
    (
        "ru",
        "Г-н Иванов выступил от имени Группы. См. ст. 15 Пакта, т. е. текст 1966 г. "
        "А. И. Семенов согласился. Заседание закрыто.",
    ),
    (
        "zh",
        "大会通过了第70/1号决议。委员会审议了《公民权利和政治权利国际公约！》的执行情况！"
        "秘书长说：“我们准备好了。”会议于下午3时结束？是的。",
    ),
    (
        "ar",
        "قال السيد يشار ت. علييف إن الفريق مستعد. هل توافق اللجنة؟ نعم، وافقت اللجنة. "
        "انظر الوثيقة A/78/367.",
    ),
    ("ar", "سؤال وجواب: ما هي أهداف التنمية المستدامة؟ إنها سبعة عشر هدفا."),
]


@pytest.fixture(scope="module")
def java(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    """The command that runs the compiled Java helper (skips when no JDK is installed)."""
    if shutil.which("javac") is None or shutil.which("java") is None:
        pytest.skip("no JDK (javac and java) on PATH: cannot check untm.srx with java.util.regex")
    folder = tmp_path_factory.mktemp("srxjava")
    (folder / "SrxCheck.java").write_text(_JAVA, encoding="utf-8")
    subprocess.run(["javac", "-encoding", "UTF-8", "SrxCheck.java"], cwd=folder, check=True)
    return ["java", "-cp", str(folder), "SrxCheck"]


def _run(java: list[str], *args: str, lines: list[str] | None = None) -> str:
    done = subprocess.run(
        [*java, *args],
        input="".join(f"{line}\n" for line in lines or []).encode(),
        capture_output=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout.decode() + done.stderr.decode()
    return done.stdout.decode("utf-8")


def _rules() -> list[tuple[str, str]]:
    root = parse(SRX).getroot()
    return [
        ((rule.findtext(f"{_NS}beforebreak") or ""), (rule.findtext(f"{_NS}afterbreak") or ""))
        for rule in root.iter(f"{_NS}rule")
    ]


# Escapes, then character classes (which may nest), then the quantifiers that have no bound.
_ESCAPE = regex.compile(r"\\(?:[pP]\{[^}]*\}|.)")
_CLASS = regex.compile(r"\[\^?\]?(?:[^\[\]]|(?R))*\]")
_UNBOUNDED = regex.compile(r"[*+]|\{\d+,\}")


def test_every_beforebreak_is_bounded() -> None:
    """Java rejects (or, for single characters, mis-sizes) look-behinds with * + {n,}."""
    rules = _rules()
    assert len(rules) > 30
    for before, _ in rules:
        bare = _CLASS.sub("", _ESCAPE.sub("", before))
        assert _UNBOUNDED.search(bare) is None, before
    assert _UNBOUNDED.search(_CLASS.sub("", _ESCAPE.sub("", r"a\.[x*]*"))) is not None


def test_java_compiles_every_rule(java: list[str]) -> None:
    output = _run(java, "check", str(SRX))
    assert output.strip() == f"OK\t{2 * len(_rules())}"


def test_java_srx_engine_segments_as_we_do(java: list[str]) -> None:
    output = _run(java, "segment", str(SRX), lines=[f"{lang}\t{text}" for lang, text in PARAGRAPHS])
    theirs = [line.split("\t") for line in output.splitlines()]
    ours = [Segmenter(lang).split(text) for lang, text in PARAGRAPHS]
    assert theirs == ours
    assert sum(len(segments) for segments in ours) > 2 * len(PARAGRAPHS)


# Java constructs java_to_python rewrites, each checked against Java itself.
_CONSTRUCTS = [
    (r"\Qe.g.\E", "e.g."),
    (r"\Qe.g.\E", "exgx"),
    (r"a\hb", "a\u00a0b"),
    (r"\p{javaLowerCase}+\.", "abc."),
    (r"\p{IsAlphabetic}", "ж"),
    (r"\x{00E9}", "é"),
    (r"[a-z&&[^aeiou]]{3}", "abc"),
    (r"[a-z&&[^aeiou]]{3}", "bcd"),
    (r"^[^a-z&&[^aeiou]]$", "e"),
    (r"^[^a-z&&[^aeiou]]$", "b"),
    (r"^[a-c[x-z]]+$", "abzy"),
    (r"^[a-c[x-z]]+$", "abm"),
    (r"^a(?i)b|c$", "aB"),
    (r"^a(?i)b|c$", "C"),
    (r"^a(?i)b|c$", "Ab"),
    (r"^(?:x(?i)y)z$", "xYz"),
    (r"^(?:x(?i)y)z$", "xYZ"),
    (r"(?U)\s", "\u00a0"),
    (r"(?U)\b", "é"),
    (r"[\h.]", "\u00a0"),
    (r"[\h.]", "h"),
    (r"(?iu:г)\.", "Г."),
]


def test_java_to_python_agrees_with_java(java: list[str]) -> None:
    output = _run(java, "find", lines=[f"{pattern}\t{text}" for pattern, text in _CONSTRUCTS])
    theirs = [line == "1" for line in output.splitlines()]
    ours = [regex.search(java_to_python(p), text) is not None for p, text in _CONSTRUCTS]
    assert ours == theirs
    assert True in ours
    assert False in ours
